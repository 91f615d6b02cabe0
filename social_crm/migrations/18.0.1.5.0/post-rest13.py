"""Conversations from before the Discuss threads get theirs: thread,
members, the posters' guests, and their posts moved from the chatter into
the thread (see models/social_crm_conversation_backfill.py)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["social_crm.conversation"]._social_crm_backfill_threads()
