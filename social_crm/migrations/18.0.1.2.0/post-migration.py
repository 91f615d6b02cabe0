"""Recompute the stored name keys of contacts: the matcher now reads initials
before particles ("D. de Vries") and letters such as ı and ø, so some keys
differ, and the SQL candidate lookup must use the same keys as the engine."""

from odoo import SUPERUSER_ID, api

BATCH = 10000


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Partner = env["res.partner"].with_context(active_test=False)
    fields = [Partner._fields["social_crm_surname_key"], Partner._fields["social_crm_name_key"]]
    cr.execute("SELECT id FROM res_partner ORDER BY id")
    ids = [row[0] for row in cr.fetchall()]
    for start in range(0, len(ids), BATCH):
        partners = Partner.browse(ids[start : start + BATCH])
        for field in fields:
            env.add_to_compute(field, partners)
        partners._recompute_recordset([field.name for field in fields])
        env.flush_all()
        env.invalidate_all()
