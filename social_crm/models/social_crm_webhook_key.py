from datetime import timedelta

from odoo import api, fields, models

#: how long the keys of handled events are kept to recognise a late copy
KEY_KEEP = timedelta(days=30)


class SocialCrmWebhookKey(models.Model):
    """The key of one webhook event already handled (a hash of the event,
    :func:`meta.event_key`), so a retried or re-batched copy is skipped.
    Kept ``KEY_KEEP`` long."""

    _name = "social_crm.webhook.key"
    _description = "Social CRM webhook event handled"
    _rec_name = "key"

    key = fields.Char(required=True, readonly=True)
    event_id = fields.Many2one(
        "social_crm.webhook.event", required=True, readonly=True, ondelete="cascade"
    )

    _sql_constraints = [
        ("key_unique", "UNIQUE(key)", "This webhook event was already handled."),
    ]

    @api.model
    def _seen(self, keys):
        """Those of ``keys`` handled before."""
        if not keys:
            return set()
        return set(self.sudo().search([("key", "in", list(set(keys)))]).mapped("key"))

    @api.model
    def _remember(self, event, keys):
        return self.sudo().create([{"key": key, "event_id": event.id} for key in set(keys)])

    @api.model
    def _purge(self, limit):
        old = self.sudo().search(
            [("create_date", "<", fields.Datetime.now() - KEY_KEEP)], limit=limit
        )
        old.unlink()
        return len(old)
