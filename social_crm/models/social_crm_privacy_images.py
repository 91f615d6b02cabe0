"""Privacy covers the images we sent to a person (issue 13, images out).

- Export lists each image sent to them: file name, date, the post it went
  with, the conversation; also an image that went while its text was
  refused (Messenger), by the platform's id.
- Retention: past the company's retention period, the images sent to
  people we do not know (no contact) are deleted, as their posts are
  anonymised; the reply's row and words stay, as they do today.
- Erasure already deletes them (``_helpers.blank_messages`` drops the
  attachments of the thread's messages).
"""

from odoo import fields, models


class SocialCrmIdentity(models.Model):
    _inherit = "social_crm.identity"

    def _personal_data(self, companies=None):
        data = super()._personal_data(companies)
        Conversation = self.env["social_crm.conversation"].sudo()
        Outbound = self.env["social_crm.outbound"].sudo()
        for identity, profile in zip(self.sudo(), data, strict=True):
            conversations = self._in_scope(
                Conversation.search([("identity_id", "=", identity.id)], order="id"), companies
            )
            images = []
            for post in conversations.post_ids.filtered(lambda p: p.direction == "out").sorted(
                lambda p: (p.posted_at, p.id)
            ):
                for attachment in post.chatter_message_id.attachment_ids.sorted("id"):
                    images.append(
                        {
                            "file": attachment.name,
                            "date": fields.Datetime.to_string(post.posted_at),
                            "post": post.external_id,
                            "text": post.text or "",
                            "conversation": post.conversation_id.name,
                        }
                    )
            went = Outbound.search(
                [
                    ("conversation_id", "in", conversations.ids),
                    ("images_sent_ids", "!=", False),
                    ("images_followed_up", "=", False),
                ],
                order="id",
            )
            for outbound in went:
                for image_id in outbound.images_sent_ids.split(","):
                    images.append(
                        {
                            "file": None,
                            "date": fields.Datetime.to_string(outbound.create_date),
                            "post": image_id,
                            "text": None,
                            "conversation": outbound.conversation_id.name,
                        }
                    )
            profile["images_sent"] = images
        return data

    def _retention_sweep(self, cutoffs):
        identities = super()._retention_sweep(cutoffs)
        self.env["social_crm.message"]._retention_drop_sent_images(cutoffs)
        return identities


class SocialCrmMessage(models.Model):
    _inherit = "social_crm.message"

    def _retention_drop_sent_images(self, cutoffs):
        """Delete the images we sent, before each company's cutoff, to
        people who are no contact of that company. Returns how many."""
        dropped = self.env["ir.attachment"]
        for company, cutoff in cutoffs.items():
            posts = (
                self.sudo()
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("direction", "=", "out"),
                        ("posted_at", "<", cutoff),
                        ("chatter_message_id.attachment_ids", "!=", False),
                    ]
                )
                .filtered(
                    lambda p, c=company: (
                        not p.conversation_id.identity_id.with_company(c).partner_id
                    )
                )
            )
            dropped |= posts.chatter_message_id.attachment_ids
        count = len(dropped)
        dropped.unlink()
        return count
