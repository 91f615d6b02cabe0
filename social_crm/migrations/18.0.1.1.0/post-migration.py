"""Fill the triage fields of conversations stored before triage existed."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    conversations = env["social_crm.conversation"].search([("intent", "=", False)])
    conversations._backfill_triage()
