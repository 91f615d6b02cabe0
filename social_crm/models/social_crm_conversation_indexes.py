"""Indexes the inbox's queries rely on, beyond those Odoo makes from ``index=``.

The inbox opens on "To answer" (state new or open) in the model's order,
``priority_score desc, last_message_at desc, id desc``, 80 at a time. With
this index PostgreSQL walks the conversations in that order and stops at the
80th that passes the filters (state, record rules), instead of sorting every
open conversation of the company (see ``bench/inbox_list.py``)."""

from odoo import models
from odoo.tools.sql import create_index

#: (index name, columns) on social_crm_conversation
INBOX_INDEXES = [
    (
        "social_crm_conversation_inbox_order",
        ["priority_score DESC", "last_message_at DESC", "id DESC"],
    ),
]


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    def init(self):
        super().init()
        for name, columns in INBOX_INDEXES:
            create_index(self.env.cr, name, self._table, columns)
