"""Privacy covers the Discuss threads (issue 13): what erasure, retention
and export do with the conversations' threads, their messages and the
poster's guest.

- A post's thread message is blanked with the post (``_anonymize``) and no
  longer names its author: the guest link goes too.
- Erasure: the threads of the conversations the person started lose every
  message (our replies, internal notes, e-mailed notes speak of them) and
  their name; the guest goes with the identity (kept while another company
  keeps the identity: this company's thread messages no longer point to it).
- Export: each conversation lists its thread's messages.
"""

from odoo import fields, models

from ._helpers import ERASED, blank_messages
from .social_crm_conversation_chatter import plain_text


class SocialCrmMessage(models.Model):
    _inherit = "social_crm.message"

    def _anonymize(self):
        copies = self.sudo().chatter_message_id
        result = super()._anonymize()
        copies.exists().write({"author_guest_id": False})
        return result


class SocialCrmIdentity(models.Model):
    _inherit = "social_crm.identity"

    def _erase_one(self, companies=None):
        conversations = self._in_scope(
            self.env["social_crm.conversation"].sudo().search([("identity_id", "=", self.id)]),
            companies,
        )
        channels = conversations.channel_id
        elsewhere = super()._erase_one(companies)
        blank_messages(channels.message_ids)
        channels.message_ids.write({"author_guest_id": False})
        channels.write({"name": ERASED, "description": False})
        # the guest goes with the identity (ondelete cascade); where another
        # company keeps the identity, its own threads still show them
        return elsewhere

    def _personal_data(self, companies=None):
        data = super()._personal_data(companies)
        Conversation = self.env["social_crm.conversation"].sudo()
        for identity, profile in zip(self.sudo(), data, strict=True):
            conversations = self._in_scope(
                Conversation.search([("identity_id", "=", identity.id)], order="id"), companies
            )
            for conversation, exported in zip(
                conversations, profile.get("conversations", []), strict=False
            ):
                exported["discuss_thread"] = _thread_export(conversation)
        return data


def _thread_export(conversation):
    """A conversation's Discuss thread as exported: each message's date,
    kind and words."""
    channel = conversation.channel_id
    if not channel:
        return None
    posts = {p.chatter_message_id.id: p for p in conversation.post_ids}
    messages = []
    for message in channel.message_ids.sorted(lambda m: (m.date, m.id)):
        post = posts.get(message.id)
        if post:
            kind = "their post" if post.direction == "in" else "our reply"
        elif message.message_type == "email":
            kind = "internal note (e-mail)"
        elif message.subtype_id.internal or message.message_type != "comment":
            kind = "internal note"
        else:
            kind = "message"
        messages.append(
            {
                "date": fields.Datetime.to_string(message.date),
                "kind": kind,
                "by": message.author_guest_id.name or message.author_id.name or None,
                "text": plain_text(message.body).strip(),
            }
        )
    return {"name": channel.name, "messages": messages}
