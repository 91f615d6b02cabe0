"""Replying: the reply box, the collision guard (who is writing a reply,
until when) and sending a reply through the platform, once."""

from datetime import timedelta

import psycopg2
import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..connectors import ConnectorError
from ..connectors.media import images_key
from ._helpers import flow, in_flow
from .social_crm_conversation import _logger  # the log keeps its source

REPLY_LOCK_MINUTES = 5


class SocialCrmConversationReply(models.Model):
    _inherit = "social_crm.conversation"

    reply_template_id = fields.Many2one("social_crm.reply.template", "Reply template", store=False)
    reply_draft = fields.Text("Reply")
    # collision guard: who is writing a reply, until when
    reply_lock_user_id = fields.Many2one("res.users", "Being answered by", readonly=True)
    reply_lock_until = fields.Datetime("Being answered until", readonly=True)
    reply_locked_by_other = fields.Boolean(compute="_compute_reply_locked_by_other")

    @api.depends("reply_lock_user_id", "reply_lock_until")
    @api.depends_context("uid")
    def _compute_reply_locked_by_other(self):
        for conversation in self:
            conversation.reply_locked_by_other = conversation._reply_lock_holder() not in (
                self.env.user,
                self.env["res.users"],
            )

    @api.onchange("reply_template_id")
    def _onchange_reply_template_id(self):
        if self.reply_template_id and self._origin.id:
            self.reply_draft = self.reply_template_id._render_for(self._origin)

    def _reply_lock_holder(self):
        """The user writing a reply now, if the lock has not expired."""
        self.ensure_one()
        if self.reply_lock_until and self.reply_lock_until > fields.Datetime.now():
            return self.reply_lock_user_id
        return self.env["res.users"]

    def action_lock_reply(self):
        """Called while an agent types a reply: hold the conversation for a
        few minutes. :return: the name of whoever else holds it, or False"""
        self.ensure_one()
        holder = self._reply_lock_holder()
        if holder and holder != self.env.user:
            return holder.name
        self.sudo().write(
            {
                "reply_lock_user_id": self.env.user.id,
                "reply_lock_until": fields.Datetime.now() + timedelta(minutes=REPLY_LOCK_MINUTES),
            }
        )
        return False

    def _check_reply_lock(self):
        holder = self._reply_lock_holder()
        if holder and holder != self.env.user and not in_flow(self, "social_crm_override"):
            raise UserError(
                self.env._(
                    "%(agent)s is already replying to this conversation. Your reply was not "
                    'sent and your draft is kept. Use "Send anyway" to send it regardless.',
                    agent=holder.name,
                )
            )

    def action_send_reply_anyway(self):
        return flow(self, "social_crm_override").action_send_reply()

    def _reply_target(self):
        """The post a reply answers: the latest incoming one."""
        self.ensure_one()
        incoming = self.post_ids.filtered(lambda m: m.direction == "in")
        return (incoming or self.post_ids).sorted(lambda m: (m.posted_at, m.id))[-1:]

    def action_send_reply(self):
        """Post the draft through the platform and record it.

        When the platform refuses, nothing changes: the draft stays and so
        does the state.
        """
        self.ensure_one()
        self._send_reply_text((self.reply_draft or "").strip())
        self.reply_draft = False
        return True

    def _send_reply_text(self, text, images=None):
        """Post ``text`` (with ``images``, :mod:`..connectors.media`) as our
        reply through the platform, once, and store it (the reply box and the
        composers' "Send" all come here). A refusal raises a UserError and
        changes nothing. Returns the stored outgoing post."""
        self.ensure_one()
        if not text and not images:
            raise UserError(self.env._("Write a reply first."))
        self._check_reply_length(text)
        if images:
            self._check_reply_images(images)  # social_crm_conversation_media.py
        self._lock_for_send()
        self._check_reply_lock()
        target = self._reply_target()
        if not target:
            raise UserError(self.env._("This conversation has no post to reply to."))
        # a private conversation is answered as a whole (Messenger: "dm:<sender>")
        private = self.conversation_key.startswith("dm:")
        in_reply_to = self.conversation_key if private else target.external_id
        connector = self.account_id._get_connector()
        # an upload is not a post: images go up inside the one platform call
        media = {"images": images} if images else {}
        try:
            sent = self.env["social_crm.outbound"]._send_once(
                self,
                "reply",
                in_reply_to,
                text,
                lambda key: connector.reply(
                    text, in_reply_to=in_reply_to, idempotency_key=key, **media
                ),
                key_text=f"{text}\x1f{images_key(images)}" if images else None,
            )
        except (ConnectorError, requests.RequestException, ValueError) as error:
            raise UserError(
                self.env._(
                    "The reply was not posted: %(error)s\nYour draft is kept.",
                    error=self._error_for_user(error),
                )
            ) from error
        ours = self._record_our_post(sent.post, target)
        sent.done(self.env)
        return ours

    def _error_for_user(self, error):
        """``error`` in plain words; administrators also read the technical
        detail (exception class, code, the platform's own words)."""
        sentence, detail = self.account_id._human_error(error)
        _logger.info("social_crm: conversation %s: %s", self.id, detail)
        if self.env.user.has_group("base.group_system"):
            return "%s\n%s" % (sentence, self.env._("Technical detail: %s", detail))
        return sentence

    def _lock_for_send(self):
        """Lock the conversations before anything is posted: a second send
        at the same time is refused at once, before anything leaves, and a
        change another transaction committed since this one began fails
        here (a serialization failure, which Odoo retries) rather than after
        the platform call. (NO KEY UPDATE, as a write would lock: the
        outgoing post's record, committed meanwhile in a transaction of its
        own, must still be able to point to the conversation.)"""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM social_crm_conversation WHERE id = ANY(%s) "
                    "FOR NO KEY UPDATE NOWAIT",
                    [self.ids],
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "Something is being sent in this conversation right now. Nothing was "
                    "sent and your draft is kept: try again in a moment."
                )
            ) from error
