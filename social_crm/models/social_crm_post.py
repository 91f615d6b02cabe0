"""Planned posts: one text, a variant per account, published now or at a
set time by a scheduled action (issue 17, "Publish and schedule").

Each line (one account) is published at most once, crash-safe, the way
replies are (``social_crm_outbound``): before the platform call the line
is marked "posting" with its platform key, in a transaction of its own that
is committed at once (:class:`._Ledger`); the answer is kept the same way.
A run that died between the platform call and its commit leaves the line
"posting"; the next run asks the platform before anything else:

- Mastodon (Idempotency-Key) and Bluesky (a fixed record key) deduplicate:
  the same request is sent again, or found, and is published exactly once;
- X and Facebook keep no key: our recent posts are read back
  (``find_published``). Found: recorded. Not found: the line fails with
  words saying so and is never sent again by itself (at most once).

The line itself is written only through that ledger, never in the caller's
transaction (which would then conflict with the ledger's committed writes).
Published posts are stored as our own posts (``social_crm.message``,
direction "out", the path of our replies), so replies to them join their
conversation in the inbox.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..connectors import CONNECTORS
from ._helpers import SOFT_RELOAD, notification

_logger = logging.getLogger(__name__)

LINE_STATES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("posting", "Posting"),
    ("posted", "Posted"),
    ("failed", "Failed"),
]
#: X's free plan allows few posts a day (17 per 24 hours per user in 2025)
X_FREE_DAILY_POSTS = 17
#: lines published per scheduled run (the rest get a trigger)
BATCH = 20
#: how far back our recent posts are read after a lost answer
RECONCILE_MARGIN = timedelta(minutes=10)


def _limits(platform):
    """``(length rule, longest post, needs an image)`` of a platform."""
    connector = CONNECTORS.get(platform)
    if connector is None:
        return "chars", 0, False
    limit = connector.publish_max_length or connector.max_length
    return connector.length_rule, limit, connector.publish_needs_image


class SocialCrmPost(models.Model):
    _name = "social_crm.post"
    _description = "Planned social post"
    _inherit = ["mail.thread", "social_crm.guarded"]
    _order = "date desc, id desc"
    _social_crm_protected = frozenset({"state"})

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one("res.users", "Written by", default=lambda self: self.env.user)
    text = fields.Text(required=True)
    account_ids = fields.Many2many(
        "social_crm.account",
        string="Accounts",
        domain="[('company_id', '=', company_id)]",
    )
    line_ids = fields.One2many("social_crm.post.line", "post_id", "Per account")
    scheduled_at = fields.Datetime(
        "Publish at", tracking=True, help="Empty: published when you press Publish now."
    )
    date = fields.Datetime(
        compute="_compute_date", store=True, help="When it is planned or was published."
    )
    state = fields.Selection(
        LINE_STATES, compute="_compute_state", store=True, default="draft", index=True
    )
    campaign_id = fields.Many2one("social_crm.content.campaign", "Photo campaign")
    identity_id = fields.Many2one("social_crm.identity", "Thanks", help="The advocate thanked.")
    problem_count = fields.Integer(compute="_compute_problem_count")

    @api.depends("text")
    def _compute_name(self):
        for post in self:
            words = " ".join((post.text or "").split())
            post.name = (words if len(words) <= 60 else words[:59] + "…") or "…"

    @api.depends("scheduled_at", "line_ids.posted_at", "create_date")
    def _compute_date(self):
        for post in self:
            posted = [d for d in post.line_ids.mapped("posted_at") if d]
            post.date = post.scheduled_at or (min(posted) if posted else post.create_date)

    @api.depends("line_ids.state")
    def _compute_state(self):
        for post in self:
            states = set(post.line_ids.mapped("state"))
            for state in ("posting", "failed", "scheduled"):
                if state in states:
                    post.state = state
                    break
            else:
                post.state = "posted" if states == {"posted"} else "draft"

    @api.depends("line_ids.problem")
    def _compute_problem_count(self):
        for post in self:
            post.problem_count = len(post.line_ids.filtered("problem"))

    # ------------------------------------------------------------------
    # Lines follow the accounts
    # ------------------------------------------------------------------
    @api.ondelete(at_uninstall=False)
    def _unlink_unless_published(self):
        if self.line_ids.filtered(lambda line: line.state in ("posting", "posted")):
            raise UserError(
                self.env._("A published post stays on record: delete it on the platform.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        posts = super().create(vals_list)
        posts._sync_lines()
        return posts

    def write(self, vals):
        result = super().write(vals)
        if "account_ids" in vals:
            self._sync_lines()
        return result

    @api.onchange("account_ids")
    def _onchange_account_ids(self):
        """The composer shows a line per account as soon as it is chosen."""
        Line = self.env["social_crm.post.line"]
        keep = self.line_ids.filtered(
            lambda line: (
                line.account_id in self.account_ids or line.state not in ("draft", "failed")
            )
        )
        added = self.account_ids - keep.account_id
        new = Line.browse()
        for account in added:
            new |= Line.new({"account_id": account._origin.id or account.id, "text": self.text})
        self.line_ids = keep | new

    def _sync_lines(self):
        """One line per chosen account; lines of accounts taken out go,
        unless they were published already."""
        Line = self.env["social_crm.post.line"]
        for post in self:
            have = post.line_ids.account_id
            Line.create([{"post_id": post.id, "account_id": a.id} for a in post.account_ids - have])
            post.line_ids.filtered(
                lambda line, post=post: (
                    line.account_id not in post.account_ids and line.state in ("draft", "failed")
                )
            ).unlink()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_publisher(self):
        if not self.env.user.has_group("social_crm.group_social_crm_manager"):
            raise AccessError(
                self.env._("Only Social CRM managers publish or schedule posts; agents plan them.")
            )
        self.check_access("write")

    def _lines_to_send(self):
        lines = self.line_ids.filtered(lambda line: line.state in ("draft", "scheduled"))
        if not lines:
            raise UserError(self.env._("Choose at least one account that has not posted this."))
        problems = lines.filtered("problem")
        if problems:
            raise UserError(
                "\n".join(f"{line.account_id.name}: {line.problem}" for line in problems)
            )
        return lines

    def action_schedule(self):
        """Plan the posts for their "Publish at" time: the scheduled action
        publishes them then."""
        self._check_publisher()
        for post in self:
            if not post.scheduled_at:
                raise UserError(self.env._("Set a time to publish at first."))
            lines = post._lines_to_send()
            with self.env["social_crm.post.line"]._ledger() as ledger:
                for line in lines:
                    ledger.move(line, ("draft", "scheduled"), {"state": "scheduled"})
        self.env.ref("social_crm.ir_cron_social_crm_publish")._trigger(
            min(self.mapped("scheduled_at"))
        )
        return True

    def action_publish_now(self):
        """Publish every line that is not out yet, now."""
        self._check_publisher()
        lines = self.env["social_crm.post.line"]
        for post in self:
            lines |= post._lines_to_send()
        failed = lines._publish()
        if failed:
            message = "\n".join(f"{line.account_id.name}: {error}" for line, error in failed)
            return notification(message, "warning", then=SOFT_RELOAD)
        return dict(SOFT_RELOAD)

    def action_back_to_draft(self):
        """Unplan: scheduled lines become drafts again."""
        self._check_publisher()
        with self.env["social_crm.post.line"]._ledger() as ledger:
            for line in self.line_ids.filtered(lambda line: line.state == "scheduled"):
                ledger.move(line, ("scheduled",), {"state": "draft"})
        return True

    @api.model
    def _cron_publish(self):
        """Publish the lines that are due, finish what a run left "posting"
        and store posts sent but not stored; batch by batch."""
        Line = self.env["social_crm.post.line"].sudo()
        now = fields.Datetime.now()
        due = Line.search(
            [
                ("state", "=", "scheduled"),
                "|",
                ("scheduled_at", "=", False),
                ("scheduled_at", "<=", now),
                "|",
                ("next_try_at", "=", False),
                ("next_try_at", "<=", now),
            ],
            order="scheduled_at, id",
            limit=BATCH,
        )
        # a run that ended between the platform call and its commit
        stalled = Line.search(
            [("state", "=", "posting"), ("attempted_at", "<", now - timedelta(minutes=2))],
            limit=BATCH,
        )
        unstored = Line.search([("state", "=", "posted"), ("message_id", "=", False)], limit=BATCH)
        for line in unstored:
            line._store()
        (stalled | due)._publish()
        if len(due) == BATCH or len(stalled) == BATCH:
            self.env.ref("social_crm.ir_cron_social_crm_publish")._trigger()
