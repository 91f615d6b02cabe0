"""Images from the agent's composer go out with the text.

"Send" in a conversation's Discuss thread or chatter takes the composer's
attachments along: they are read with the agent's own rights, checked
against the platform's limits before anything leaves
(:func:`..connectors.media.check_images`), uploaded and posted with the text
through the one reply path (collision guard, the outgoing record committed
before the platform call, the post stored once). The images then belong to
the stored post's thread message, so the thread shows what was sent.

A refusal (too many, too large, a platform that takes none) raises before
any upload: the draft, the attachments and the state are kept, with the
reason in plain words. "Log note" keeps attachments internal, as always.
"""

from odoo import Command, models
from odoo.exceptions import AccessError, UserError

from ..connectors.media import Image, MediaRefused, check_images, rule
from ._helpers import error_text, words_text


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    def _social_crm_media_hint(self):
        """What the composer says about images before the agent attaches
        one: the platform's limits, or why it takes none."""
        self.ensure_one()
        limit = rule(self.platform, private=(self.conversation_key or "").startswith("dm:"))
        if not limit.most:
            return words_text(self.env, limit.refused.to_json())
        return self.env._("Images: %(rule)s", rule=words_text(self.env, limit.describe().to_json()))

    def _social_crm_send_composed(self, text, attachment_ids=None, attachments=None):
        """The composer's "Send": ``text`` and the images ``attachment_ids``
        (ir.attachment ids) through the reply path. Returns the stored post."""
        self.ensure_one()
        if attachments:  # (name, bytes) pairs: not what a composer sends
            raise UserError(
                self.env._(
                    "Only images uploaded in the composer can be sent. Nothing was sent and "
                    "your draft is kept."
                )
            )
        files = self._social_crm_attachments(attachment_ids)
        images = self._social_crm_images(files)
        post = self._send_reply_text(text, images=images)
        self._social_crm_show_images(post, files)
        return post

    def _social_crm_attachments(self, attachment_ids):
        """The attachments ``attachment_ids``: what a composer of this
        conversation uploaded (pending, or on the conversation or its
        thread), which the agent may read. Another record's document is
        never sent out (nor moved away from it)."""
        ids = [int(i) for i in attachment_ids or ()]
        files = self.env["ir.attachment"].browse(ids).exists()
        if len(files) != len(set(ids)):
            raise UserError(self.env._("An attachment is gone: nothing was sent. Attach it again."))
        composer = {
            ("mail.compose.message", 0),
            (self._name, self.id),
            ("discuss.channel", self.sudo().channel_id.id),
        }
        try:
            if any((a.res_model, a.res_id or 0) not in composer for a in files.sudo()):
                raise AccessError(self.env._("Not an upload of this conversation's composer."))
            # ir.attachment's own check: the document it hangs on, or its uploader
            files.sudo(False).check("read")
        except AccessError as error:
            raise UserError(
                self.env._(
                    "You may not send one of these attachments: nothing was sent. Attach the "
                    "image again from your computer."
                )
            ) from error
        return files

    def _social_crm_images(self, files):
        """``files`` as :class:`Image` (bytes, MIME type, name; the
        attachment's description as alt text), in the order attached."""
        images = []
        for attachment in files.sudo().sorted("id"):
            if attachment.type != "binary" or not attachment.raw:
                raise UserError(
                    self.env._(
                        "'%(name)s' is a link, not an image: nothing was sent. Remove it, "
                        "or use Log note to keep it internal.",
                        name=attachment.name,
                    )
                )
            images.append(
                Image(
                    name=attachment.name or "image",
                    mimetype=attachment.mimetype or "",
                    data=attachment.raw,
                    alt=attachment.description or "",
                )
            )
        return images

    def _check_reply_images(self, images):
        """Refuse ``images`` the platform does not take with this reply,
        before anything leaves (the limit named in plain words)."""
        self.ensure_one()
        try:
            check_images(self.platform, images, private=self.conversation_key.startswith("dm:"))
        except MediaRefused as error:
            raise UserError(
                self.env._(
                    "%(reason)s Your draft and its images are kept: remove what the platform "
                    "does not take, or use Log note to keep them internal.",
                    reason=error_text(self.env, error),
                )
            ) from error

    def _social_crm_show_images(self, post, files):
        """The images sent belong to the stored post's thread message (its one
        display): the thread shows them, live."""
        message = post.chatter_message_id.sudo()
        if not message or not files:
            return
        files.sudo().write({"res_model": message.model, "res_id": message.res_id})
        message.attachment_ids = [Command.link(attachment.id) for attachment in files]
        channel = self.env["discuss.channel"].sudo().browse(message.res_id)
        if message.model == "discuss.channel" and channel.exists():
            channel._bus_send_store(message)
