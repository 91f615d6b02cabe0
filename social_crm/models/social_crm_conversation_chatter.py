"""One composer, two meanings: the conversation's chatter.

"Send message" in a conversation's chatter goes to the poster on the
platform, through the same path as the reply box (collision guard, one
outbound record, refusal changes nothing, the post stored once); "Log note"
stays internal. Nothing typed there is stored without being one or the other.
"""

import re

from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..connectors import CONNECTORS, ConnectorError
from ..connectors.base import DM_PREFIX
from ..connectors.length import text_length
from ..connectors.platforms import platform_label
from ._helpers import error_text, flow, in_flow

#: the flow of comments the module posts itself on a conversation: they are
#: never sent to the platform (a client cannot send this key's value)
SYSTEM_POST = "social_crm_system_post"


def plain_text(html):
    """The words of the composer's HTML body, as typed: line breaks kept,
    markup and entities gone (links and mentions become their text)."""
    html = re.sub(r"(?i)<br\s*/?>", "\n", str(html or ""))
    html = re.sub(r"(?i)</p>\s*<p[^>]*>", "\n\n", html)
    if not html.strip():
        return ""
    return lxml_html.fragment_fromstring(html, create_parent="div").text_content()


def system_post(records):
    """``records`` whose "comment" ``message_post`` stays in Odoo."""
    return flow(records, SYSTEM_POST)


class SocialCrmOutbound(models.Model):
    _inherit = "social_crm.outbound"

    kind = fields.Selection(
        selection_add=[("private", "Private message")], ondelete={"private": "cascade"}
    )


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    reply_max_length = fields.Integer(
        "Longest reply", compute="_compute_reply_limits", help="As the platform counts it."
    )
    reply_length_rule = fields.Char(compute="_compute_reply_limits")

    @api.depends("platform", "conversation_key")
    def _compute_reply_limits(self):
        for conversation in self:
            connector = CONNECTORS.get(conversation.platform)
            conversation.reply_max_length = connector.max_length if connector else 0
            conversation.reply_length_rule = connector.length_rule if connector else "chars"

    def _is_private(self):
        """Is this a private thread (direct messages) rather than a public one?"""
        self.ensure_one()
        return self.channel == "private"

    def _platform_label(self):
        return platform_label(self.platform)

    def _check_reply_length(self, text):
        """Refuse ``text`` when it is longer than the platform takes."""
        self.ensure_one()
        connector = CONNECTORS.get(self.platform)
        if not connector or not connector.max_length:
            return
        length = text_length(text, connector.length_rule)
        if length > connector.max_length:
            raise UserError(
                self.env._(
                    "This reply is %(length)s characters long, and %(platform)s takes at "
                    "most %(max)s. Nothing was sent and your text is kept: shorten it.",
                    length=length,
                    platform=self._platform_label(),
                    max=connector.max_length,
                )
            )

    # ------------------------------------------------------------------
    # The chatter's composer
    # ------------------------------------------------------------------
    def _goes_out(self, message_type, subtype_id, subtype_xmlid):
        """Is this ``message_post`` a "Send message" (to the platform)?
        A comment whose subtype is not internal is; a note is not, and
        neither is what the module posts itself (:func:`system_post`)."""
        if message_type != "comment" or in_flow(self, SYSTEM_POST):
            return False
        if not subtype_id:
            subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid or "mail.mt_note")
        return not self.env["mail.message.subtype"].sudo().browse(subtype_id).internal

    def message_post(self, **kwargs):
        if len(self) == 1 and self._goes_out(
            kwargs.get("message_type", "notification"),
            kwargs.get("subtype_id"),
            kwargs.get("subtype_xmlid"),
        ):
            return self._send_from_chatter(**kwargs)
        return super().message_post(**kwargs)

    def _send_from_chatter(self, body="", attachment_ids=None, attachments=None, **kwargs):
        """A "Send message": the conversation's reply, as plain text with the
        attached images, through the reply path. Returns the chatter message
        of the stored post (no second copy). Any refusal raises, so nothing
        is stored and the composer keeps the text and the images."""
        self.ensure_one()
        # the mail controller posts as sudo: send with the agent's own rights
        conversation = self.sudo(False)
        html = isinstance(body, Markup) or kwargs.get("body_is_html")
        text = plain_text(body) if html else str(body or "")
        # images go out with the text (social_crm_conversation_media.py)
        post = conversation._social_crm_send_composed(text.strip(), attachment_ids, attachments)
        return self.env["mail.message"].browse(post.chatter_message_id.id)

    def social_crm_composer_info(self):
        """What the chatter composer shows for this conversation: to whom a
        "Send message" goes, the length limit and how it counts, and the
        reply templates the agent may pick."""
        self.ensure_one()
        self.check_access("read")
        handle = self.identity_id.handle
        who = f"@{handle}" if handle else (self.identity_id.name or self.env._("the poster"))
        platform = self._platform_label()
        private = self._is_private()
        label = (
            self.env._("Private message to %(who)s on %(platform)s", who=who, platform=platform)
            if private
            else self.env._("Public reply to %(who)s on %(platform)s", who=who, platform=platform)
        )
        templates = self.env["social_crm.reply.template"].search_read(
            [("company_id", "in", [False, self.company_id.id])], ["name"]
        )
        return {
            "label": label,
            "private": private,
            "max_length": self.reply_max_length,
            "length_rule": self.reply_length_rule,
            "templates": templates,
            "media": self._social_crm_media_hint(),
        }

    def social_crm_render_template(self, template_id):
        """The reply template ``template_id`` rendered for this conversation
        (the poster's placeholders filled in), for the composer's picker."""
        self.ensure_one()
        self.check_access("read")
        template = self.env["social_crm.reply.template"].browse(template_id).exists()
        if not template:
            raise UserError(self.env._("This reply template no longer exists."))
        template.check_access("read")
        return template._render_for(self)

    # ------------------------------------------------------------------
    # Continue in private
    # ------------------------------------------------------------------
    def action_continue_in_private(self):
        """Send the reply draft to the poster privately, which opens (or
        continues) the private thread with them, then tell them publicly
        from a template ("we've sent you a DM"). Returns the private thread."""
        self.ensure_one()
        if self._is_private():
            raise UserError(self.env._("This conversation is private already."))
        text = (self.reply_draft or "").strip()
        if not text:
            raise UserError(
                self.env._(
                    "Write the private message in the reply box first: it is what opens the "
                    "private conversation."
                )
            )
        connector = self.account_id._get_connector()
        if not connector.supports_private:
            raise UserError(
                self.env._(
                    "%(platform)s sends no private messages from Odoo: nothing was sent. "
                    "Answer publicly instead.",
                    platform=self._platform_label(),
                )
            )
        if not self.identity_id.user_id:
            raise UserError(self.env._("We do not know who to write to privately."))
        self._lock_for_send()
        self._check_reply_lock()
        target = self._reply_target()
        profile = self.identity_id._as_profile()
        try:
            sent = self.env["social_crm.outbound"]._send_once(
                self,
                "private",
                target.external_id,
                text,
                lambda key: connector.send_private(
                    text, profile, in_reply_to=target.external_id, idempotency_key=key
                ),
            )
        except ConnectorError as error:
            raise UserError(
                self.env._(
                    "The private message was not sent: %(error)s\nYour draft is kept.",
                    error=error_text(self.env, error),
                )
            ) from error
        private = self._store_private_message(sent.post)
        sent.done(self.env)
        self.reply_draft = False
        note = self._moved_to_private_template(target)._render_for(self)
        try:
            with self.env.cr.savepoint():
                self._send_reply_text(note)
        except UserError as error:
            # never silently lost: the public note waits in the draft
            self.reply_draft = note
            return self.account_id._notify(
                self.env._(
                    "The private message was sent, but the public note was not (%(error)s). "
                    "It is in this conversation's reply draft.",
                    error=error.args[0] if error.args else error,
                ),
                "warning",
            )
        done = self.account_id._notify(
            self.env._(
                "Sent privately to %(who)s, and told them so publicly.",
                who=self.identity_id.name,
            ),
            "success",
        )
        done["params"]["next"] = {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": private.id,
            "views": [(False, "form")],
            "target": "current",
        }
        return done

    def _moved_to_private_template(self, target):
        lang = "nl" if (target.lang or "").startswith("nl") else "en"
        return self.env.ref(f"social_crm.reply_template_moved_private_{lang}")

    def _store_private_message(self, post):
        """Store the private message we sent in the private thread with the
        poster (its own conversation, ``dm:<their id>``); return that thread."""
        post.author = post.author or self.account_id._own_profile()
        post.parent_external_id = ""  # not part of the public thread
        post.conversation_key = post.conversation_key or f"{DM_PREFIX}{self.identity_id.user_id}"
        ours = self.env["social_crm.message"]._ingest(self.account_id, [post], direction="out")
        private = ours.conversation_id or self.search(
            [
                ("platform", "=", self.platform),
                ("company_id", "=", self.company_id.id),
                ("conversation_key", "=", post.conversation_key),
            ],
            limit=1,
        )
        if private and not private.identity_id:
            private.identity_id = self.identity_id
        if private and not private.user_id:
            private.user_id = self.env.user
        return private
