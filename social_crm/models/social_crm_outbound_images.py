"""Messenger sends an image, then the text: when the image went out and the
text was refused, the outgoing record says the image part was sent.

Meta's Send API takes a message as text or one attachment, so an image and
its words are two calls (:meth:`..connectors.meta.MetaConnector._send_message`).
When the second is refused, the person already has the image. The outgoing
record keeps which images went (their digest and Meta's message ids), the
agent reads plainly that the image already went, and "Send" again with the
same images sends only the text: the person never gets the image twice.
"""

from odoo import fields, models
from odoo.exceptions import UserError

from ..connectors import ConnectorError
from ..connectors.media import images_key


def images_went(error):
    """``(images_key, ids)`` of the images that went before ``error`` (also
    when it was re-raised as "may have been posted"), else ``()``."""
    while isinstance(error, ConnectorError):
        if error.images_sent:
            return error.images_sent
        error = error.__cause__
    return ()


class SocialCrmOutbound(models.Model):
    _inherit = "social_crm.outbound"

    images_sent_key = fields.Char(
        "Images already sent",
        readonly=True,
        help="The images that reached the person although the text was refused: sending "
        "again sends only the text.",
    )
    images_sent_ids = fields.Char(
        "Ids of the images sent", readonly=True, help="The platform's ids of those messages."
    )
    images_followed_up = fields.Boolean(
        "Text sent later", readonly=True, help="The text went out afterwards, without the images."
    )

    def _send(self, send, ledger):
        try:
            return super()._send(send, ledger)
        except ConnectorError as error:
            went = images_went(error)
            if went:
                key, ids = went
                # the ledger's own cursor: this outlives the refusal's rollback
                ledger.write(self, {"images_sent_key": key, "images_sent_ids": ",".join(ids)})
            raise


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    def _images_already_sent(self, images):
        """The refused outgoing record of this conversation whose ``images``
        reached the person already (and whose text was not sent since)."""
        self.ensure_one()
        if not images:
            return self.env["social_crm.outbound"]
        return (
            self.env["social_crm.outbound"]
            .sudo()
            .search(
                [
                    ("conversation_id", "=", self.id),
                    ("kind", "=", "reply"),
                    ("state", "=", "failed"),
                    ("images_sent_key", "=", images_key(images)),
                    ("images_followed_up", "=", False),
                ],
                order="id desc",
                limit=1,
            )
        )

    def _send_reply_text(self, text, images=None):
        """A resend after "the image went, the text did not" sends only the
        text; a refusal after the image went says so plainly."""
        self.ensure_one()
        earlier = self._images_already_sent(images)
        if earlier and text:
            post = super()._send_reply_text(text, images=None)
            earlier.images_followed_up = True
            return post
        try:
            return super()._send_reply_text(text, images=images)
        except UserError as error:
            cause = error.__cause__
            if not images_went(cause):
                raise
            raise UserError(
                self.env._(
                    "%(error)s\nThe image already went to the person: it is not sent again. "
                    "Your text is kept: Send sends only the text.",
                    error=self._error_for_user(cause),
                )
            ) from cause
