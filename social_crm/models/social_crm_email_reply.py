"""E-mail replies to notifications are never silently not sent.

An agent who answers a notification about a conversation by e-mail (the mail
gateway posts it with ``message_type="email"`` on the conversation or on its
Discuss thread) gets it stored as an internal note labelled "Received by
e-mail — not sent to the poster", and is told so (by e-mail or in their
Odoo inbox, as they chose), with a link to the thread where they can press
Send.

It is not sent on: an e-mail reply carries quoted history, signatures,
disclaimers and forwarded text, often of other customers or colleagues.
Stripping them is a guess (every mail client quotes differently), and a
wrong guess would publish it, under the company's name, where it cannot be
taken back. The agent decides what goes out, in the composer, with the
length counted and the collision guard in place.
"""

from markupsafe import Markup, escape

from odoo import models

from ._helpers import flow, in_flow
from .social_crm_conversation_chatter import SYSTEM_POST, system_post

#: the flow in which the labelled note itself is posted
EMAIL_NOTE = "social_crm_email_note"


def _labelled(env, body):
    label = env._("Received by e-mail — not sent to the poster.")
    body = body if isinstance(body, Markup) else escape(body or "")
    return Markup('<p class="o_social_crm_email_note"><b>%s</b></p>%s') % (label, body)


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    def message_post(self, **kwargs):
        if (
            len(self) == 1
            and kwargs.get("message_type") == "email"
            and not in_flow(self, SYSTEM_POST)
            and not in_flow(self, EMAIL_NOTE)
        ):
            message = self._social_crm_email_note(self, kwargs)
            self._social_crm_tell_email_author(message)
            return message
        return super().message_post(**kwargs)

    @staticmethod
    def _social_crm_email_note(thread, kwargs):
        """Post the e-mail on ``thread`` (the conversation or its Discuss
        thread) as a labelled internal note."""
        kwargs = dict(kwargs)
        kwargs.pop("subtype_id", None)
        kwargs["subtype_xmlid"] = "mail.mt_note"
        kwargs["body"] = _labelled(thread.env, kwargs.get("body"))
        # the label is ours, the e-mail's text is escaped or sanitised HTML
        return flow(thread, EMAIL_NOTE).message_post(**kwargs)

    def _social_crm_thread_link(self):
        """The address of the conversation's Discuss thread (else its form)."""
        channel = self.sudo().channel_id
        base = self.get_base_url()
        return (
            f"{base}/odoo/discuss?active_id=discuss.channel_{channel.id}"
            if channel
            else f"{base}/odoo/social_crm.conversation/{self.id}"
        )

    def _social_crm_tell_email_author(self, message):
        """Tell the e-mail's author that nothing went to the poster, with a
        link to the thread (their notification preference decides how).
        When Odoo cannot tell which colleague wrote it (an address no user
        has), the conversation's people are told instead."""
        self.ensure_one()
        author = message.author_id
        if author == self.env.ref("base.partner_root"):
            return
        if not author or not author.sudo().user_ids.filtered(lambda u: not u.share):
            self._social_crm_tell_unknown_email(message)
            return
        link = self._social_crm_thread_link()
        body = Markup("<p>%s</p><p><a href='%s'>%s</a></p>") % (
            self.env._(
                "Your e-mail reply to “%(conversation)s” was kept as an internal note: it was "
                "NOT sent to %(platform)s. Open the thread and press Send to answer the poster.",
                conversation=self.name,
                platform=self._platform_label(),
            ),
            link,
            self.env._("Open the thread"),
        )
        system_post(self.sudo()).message_notify(
            partner_ids=author.ids,
            body=body,
            subject=self.env._("Not sent: %(conversation)s", conversation=self.name),
        )

    def _social_crm_email_readers(self):
        """Who answers for this conversation: its assignee; unassigned, the
        agents of its team (or of its company); else the managers."""
        self.ensure_one()
        conversation = self.sudo()
        if conversation.user_id:
            return conversation.user_id
        users = conversation.team_id._social_crm_popup_agents(conversation.company_id)
        if not users:
            managers = self.env.ref("social_crm.group_social_crm_manager").sudo().users
            users = managers.filtered(
                lambda u: conversation.company_id in u.company_ids and not u.share
            )
        return users

    def _social_crm_tell_unknown_email(self, message):
        """An e-mail from an address Odoo matches to no user: tell the
        conversation's assignee (or its team's agents, or a manager) that it
        was kept as a note and not sent, with a link to the thread."""
        readers = self._social_crm_email_readers()
        if not readers:
            return
        sender = message.email_from or message.author_id.email or self.env._("an unknown sender")
        body = Markup("<p>%s</p><p><a href='%s'>%s</a></p>") % (
            self.env._(
                "An e-mail from %(sender)s about “%(conversation)s” was kept as an internal "
                "note: it was NOT sent to %(platform)s, and Odoo does not know which "
                "colleague wrote it. Read it in the thread and, if it was meant for the "
                "poster, press Send there.",
                sender=sender,
                conversation=self.name,
                platform=self._platform_label(),
            ),
            self._social_crm_thread_link(),
            self.env._("Open the thread"),
        )
        system_post(self.sudo()).message_notify(
            partner_ids=readers.partner_id.ids,
            body=body,
            subject=self.env._(
                "Not sent, sender unknown: %(conversation)s", conversation=self.name
            ),
        )


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def message_post(self, *, message_type="notification", **kwargs):
        if (
            len(self) == 1
            and self.channel_type == "social_crm"
            and message_type == "email"
            and not in_flow(self, EMAIL_NOTE)
        ):
            conversation = self.sudo().social_crm_conversation_id
            kwargs.pop("social_crm_send", None)
            message = conversation._social_crm_email_note(self, {**kwargs, "message_type": "email"})
            conversation._social_crm_tell_email_author(message)
            return message
        return super().message_post(message_type=message_type, **kwargs)
