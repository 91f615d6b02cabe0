"""Retention of unknown posters' data is on by default now (12 months):
companies that kept it off (0, the old default) get the new default. A
company that chose a period keeps it."""

from odoo import SUPERUSER_ID, api

DEFAULT_DAYS = 365


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    companies = (
        env["res.company"]
        .with_context(active_test=False)
        .search([("social_crm_retention_days", "=", 0)])
    )
    companies.write({"social_crm_retention_days": DEFAULT_DAYS})
