"""The conversation's part of the ingestion pipeline (see social_crm_ingest.py):
the workflow after a page of new posts, and the conversation hooks
(assignment, Discuss delivery, the customer pop-up)."""

from odoo import api, models

from .social_crm_ingest import batch_write


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    def _ingest_workflow(self, messages):
        """State, times, intent and sentiment of these conversations after
        the new ``messages``: one batched write; a change of state (tracked)
        goes through ``write()``."""
        by_conversation = {}
        for message in messages:
            by_conversation.setdefault(message.conversation_id.id, []).append(message.id)
        Message = self.env["social_crm.message"]
        plain = {}
        for conversation in self.browse(list(by_conversation)):
            vals = conversation._workflow_values(Message.browse(by_conversation[conversation.id]))
            tracked = {k: v for k, v in vals.items() if getattr(self._fields[k], "tracking", None)}
            if tracked:
                conversation.write(vals)
            else:
                plain[conversation.id] = vals
        batch_write(self, plain)
        self.browse(list(plain))._inbox_changed()

    # ------------------------------------------------------------------
    # Ingestion hooks (order and contract: social_crm_ingest.py)
    # ------------------------------------------------------------------
    @api.model
    def _ingest_hook_assign(self, messages, batch):
        """Round-robin assignment of the page's unassigned open conversations."""
        messages.conversation_id._auto_assign()

    @api.model
    def _ingest_hook_discuss(self, messages, batch):
        """The posts into their conversations' Discuss threads, in one batch
        (a retry skips those already written)."""
        todo = messages.filtered(lambda m: not m.chatter_message_id)
        self._log_posts(todo.sorted(lambda m: (m.posted_at, m.id)), batch.agent)

    @api.model
    def _ingest_hook_popup(self, messages, batch):
        """A known customer posted: the latest such post of each conversation
        pops up (not again on a retry: the moment has passed)."""
        if batch.retry:
            return
        known = messages.filtered(lambda m: m.direction == "in" and m.partner_id)
        for conversation in known.conversation_id:
            posts = known.filtered(lambda m, c=conversation: m.conversation_id == c)
            conversation._notify_customer_post(posts.sorted("posted_at")[-1])
