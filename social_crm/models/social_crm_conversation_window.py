"""Meta's 24-hour window, shown before the agent types and enforced
before the platform call (see :mod:`social_crm.reply_window`).

A private Messenger or Instagram conversation can be answered privately
only within 24 hours of the person's last message. The conversation form
and the Discuss thread say until when; once it has passed they say so
plainly, and "Send" is refused before anything leaves, the draft kept.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_datetime

from ..reply_window import applies, reply_window


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    reply_window_state = fields.Selection(
        [("none", "No window"), ("open", "Open"), ("passed", "Passed")],
        "Private reply window",
        compute="_compute_reply_window",
        help="Facebook and Instagram accept a private reply only within 24 hours of the "
        "person's last private message.",
    )
    reply_window_end = fields.Datetime("Private reply until", compute="_compute_reply_window")
    reply_window_text = fields.Char(compute="_compute_reply_window")

    @api.depends("platform", "conversation_key", "post_ids.posted_at", "post_ids.direction")
    @api.depends_context("uid", "tz")
    def _compute_reply_window(self):
        now = fields.Datetime.now()
        for conversation in self:
            window = conversation._reply_window(now)
            if window is None:
                conversation.update(
                    {
                        "reply_window_state": "none",
                        "reply_window_end": False,
                        "reply_window_text": False,
                    }
                )
                continue
            conversation.reply_window_state = "open" if window.open else "passed"
            conversation.reply_window_end = window.ends_at or False
            conversation.reply_window_text = conversation._reply_window_sentence(window)

    def _reply_window(self, now=None):
        """The window of this conversation (None where there is none)."""
        self.ensure_one()
        if not applies(self.platform, self.conversation_key):
            return None
        incoming = self.sudo().post_ids.filtered(lambda p: p.direction == "in" and p.posted_at)
        last = max(incoming.mapped("posted_at"), default=None)
        return reply_window(last, now or fields.Datetime.now())

    def _reply_window_sentence(self, window):
        """What the agent reads about the window, in plain words."""
        if not window.open:
            return self.env._(
                "The 24-hour window has passed: %(platform)s no longer accepts a private "
                "reply. Reply publicly or wait for their next message.",
                platform=self._platform_label(),
            )
        same_day = window.left.total_seconds() < 12 * 3600
        until = format_datetime(
            self.env, window.ends_at, dt_format="HH:mm" if same_day else "EEE HH:mm"
        )
        if window.hours_left:
            return self.env._(
                "You can reply privately until %(until)s (%(hours)s h left).",
                until=until,
                hours=window.hours_left,
            )
        return self.env._(
            "You can reply privately until %(until)s (%(minutes)s min left).",
            until=until,
            minutes=window.minutes_left,
        )

    def _reply_window_store(self):
        """What the Discuss thread shows of the window (False: none)."""
        self.ensure_one()
        window = self._reply_window()
        if window is None:
            return False
        return {
            "open": window.open,
            "ends_at": fields.Datetime.to_string(window.ends_at) if window.ends_at else False,
            "text": self._reply_window_sentence(window),
            # the composer switches to it when the deadline passes while open
            "passed_text": self._reply_window_sentence(reply_window(None, window.now)),
        }

    @api.model
    def _log_posts(self, posts, agent):
        res = super()._log_posts(posts, agent)
        # their new message opens the window again: the open threads say so live
        for conversation in posts.conversation_id.filtered(
            lambda c: applies(c.platform, c.conversation_key)
        ):
            channel = conversation.sudo().channel_id
            if channel.channel_member_ids:
                channel._bus_send_store(
                    channel, {"social_crm_reply_window": conversation._reply_window_store()}
                )
        return res

    def _send_reply_text(self, text, images=None):
        """Refuse a private reply (words or images) outside Meta's window
        before the platform call: nothing is sent, nothing changes, the
        draft is kept."""
        self.ensure_one()
        window = self._reply_window()
        if window is not None and not window.open and (text or images):
            raise UserError(
                "\n".join(
                    [
                        self._reply_window_sentence(window),
                        self.env._("Nothing was sent; your draft is kept."),
                    ]
                )
            )
        return super()._send_reply_text(text, images=images)


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _to_store(self, store):
        res = super()._to_store(store)
        for channel in self.filtered(lambda c: c.channel_type == "social_crm"):
            conversation = channel.sudo().social_crm_conversation_id
            store.add(
                channel,
                {
                    "social_crm_reply_window": conversation._reply_window_store()
                    if conversation
                    else False
                },
            )
        return res
