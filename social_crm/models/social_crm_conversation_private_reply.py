""" "Continue in private" on a Facebook or Instagram comment: Meta's
private reply, shown and enforced like the 24-hour window.

Meta takes a private reply to a comment only within 7 days of the comment,
and only once per comment (:mod:`social_crm.reply_window`). The conversation
form says so in a plain sentence before the agent acts (until when, or why
not any more); "Continue in private" is refused before the platform call
once the window has passed or the comment was answered privately already,
and the draft is kept.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_datetime

from ..reply_window import private_reply_applies, private_reply_window


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    private_reply_state = fields.Selection(
        [("none", "No window"), ("open", "Open"), ("passed", "Passed"), ("used", "Used")],
        "Private reply to the comment",
        compute="_compute_private_reply",
        help="Facebook and Instagram take one private reply per comment, within 7 days "
        "of the comment.",
    )
    private_reply_text = fields.Char(compute="_compute_private_reply")

    @api.depends("platform", "conversation_key", "post_ids.posted_at", "post_ids.direction")
    @api.depends_context("uid", "tz")
    def _compute_private_reply(self):
        now = fields.Datetime.now()
        for conversation in self:
            state, text = conversation._private_reply_state(now)
            conversation.private_reply_state = state
            conversation.private_reply_text = text or False

    def _private_reply_state(self, now=None):
        """``(state, sentence)`` of the private reply to the comment
        "Continue in private" answers: ``none`` where Meta's rule does not
        apply, else ``open``, ``passed`` or ``used``."""
        self.ensure_one()
        if not private_reply_applies(self.platform, self.conversation_key):
            return "none", ""
        target = self.sudo()._reply_target()
        if not target:
            return "none", ""
        platform = self._platform_label()
        answered = (
            self.env["social_crm.outbound"]
            .sudo()
            .search_count(
                [
                    ("account_id", "=", self.account_id.id),
                    ("kind", "=", "private"),
                    ("target_external_id", "=", target.external_id),
                    ("state", "in", ("sending", "sent", "done", "unknown")),
                ],
                limit=1,
            )
        )
        if answered:
            return "used", self.env._(
                "This comment was answered privately already: %(platform)s takes one private "
                "reply per comment. Continue in the private conversation, or wait for their "
                "next comment.",
                platform=platform,
            )
        window = private_reply_window(target.posted_at, now or fields.Datetime.now())
        if not window.open:
            return "passed", self.env._(
                "The 7 days for a private reply to this comment have passed: %(platform)s no "
                "longer accepts one. Reply publicly, or wait until they write to you privately.",
                platform=platform,
            )
        until = format_datetime(self.env, window.ends_at, dt_format="EEE d MMM HH:mm")
        days = window.left.days
        if days:
            return "open", self.env._(
                "You can continue in private until %(until)s (%(days)s days left; one private "
                "reply per comment).",
                until=until,
                days=days,
            )
        return "open", self.env._(
            "You can continue in private until %(until)s (%(hours)s h left; one private "
            "reply per comment).",
            until=until,
            hours=window.hours_left,
        )

    def action_continue_in_private(self):
        """Refuse before the platform call once Meta's private reply to the
        comment is no longer possible: nothing is sent, the draft is kept."""
        self.ensure_one()
        state, sentence = self._private_reply_state()
        if state in ("passed", "used"):
            raise UserError(
                "\n".join([sentence, self.env._("Nothing was sent; your draft is kept.")])
            )
        return super().action_continue_in_private()
