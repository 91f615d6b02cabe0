"""Spread tracking: the public counts of watched posts in their first day.

Complaints, negative posts and posts by large accounts are watched
(:func:`social_crm.spread.should_track`). A scheduled action reads their
counts at growing intervals (10, 20, 40 ... minutes after posting), one
batched lookup per account and call, within the account's daily budget and
never while a stream of that account waits for its own pull. Each reading
joins a small series on the post (a Json list of at most a dozen points: no
extra table, and erasure blanks it with the post). The velocity of the last
interval is stored on the post (and, as the maximum, on its conversation);
a complaint that passes the company's threshold raises a "spreading
complaint" alert, once per post.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models

from .. import spread
from ..connectors import CONNECTORS
from ..connectors.platforms import platform_label
from ._helpers import retry_time, run_guarded
from .social_crm_error_words import _compute, _inverse, _text_field
from .social_crm_guard import system

_logger = logging.getLogger(__name__)

#: wait after a passing trouble (network, 5xx), and after one a person must fix
TRANSIENT_WAIT = timedelta(minutes=15)
ERROR_WAIT = timedelta(hours=6)
CRON = "social_crm.ir_cron_social_crm_spread"
#: lookups a day by default: X bills posts against a monthly cap shared with
#: the streams (Basic: 15,000 posts a month, 500 a day), others bill calls
DEFAULT_BUDGET = {"x": 100, None: 500}


def _trigger(env, at=None):
    cron = env.ref(CRON, raise_if_not_found=False)
    if cron:
        cron.sudo()._trigger(at=at)


class ResCompany(models.Model):
    _inherit = "res.company"

    social_crm_spread_velocity = fields.Float(
        "Spreading complaint threshold",
        default=60.0,
        help="Alert when a complaint or negative post gains at least this many weighted "
        "interactions per hour (a repost or quote counts 3, a reply 2, a like 1), once per "
        "post. 0: never.",
    )


class SocialCrmAccount(models.Model):
    _inherit = "social_crm.account"

    spread_budget = fields.Integer(
        "Spread lookups per day",
        compute="_compute_spread_budget",
        store=True,
        readonly=False,
        help="How many lookups of public counts spread tracking may spend a day on this "
        "account (UTC days). On X every post looked up counts, as X bills each post "
        "against the plan's monthly cap (the default, 100 a day, is a fifth of the Basic "
        "plan's 15,000 posts a month, so the streams keep the rest); elsewhere every call "
        "counts (Bluesky: 25 posts a call, Facebook: 50 a call, Mastodon: one post a "
        "call). 0 turns tracking off.",
    )
    spread_day = fields.Date("Spread budget day", readonly=True, copy=False)
    spread_used = fields.Integer("Spread lookups used today", readonly=True, copy=False)
    spread_skipped = fields.Integer(
        "Readings skipped for budget today",
        readonly=True,
        copy=False,
        help="Readings of watched posts that the day's budget could not pay for.",
    )
    spread_skipped_at = fields.Datetime("Last skipped for budget", readonly=True, copy=False)
    spread_retry_at = fields.Datetime("Spread tracking paused until", readonly=True, copy=False)
    # stored as words, shown in the reader's language (issue 14)
    spread_error_words = fields.Json(readonly=True, copy=False)
    spread_error = _text_field("spread_error_words", string="Spread tracking problem")

    _compute_spread_error_words = _compute("spread_error_words", "spread_error")
    _inverse_spread_error_words = _inverse("spread_error_words", "spread_error")

    @api.depends("platform")
    def _compute_spread_budget(self):
        for account in self:
            account.spread_budget = DEFAULT_BUDGET.get(account.platform, DEFAULT_BUDGET[None])

    def _spread_today(self, now):
        """The day's budget counters, reset when a new UTC day began."""
        if self.spread_day != now.date():
            self.write({"spread_day": now.date(), "spread_used": 0, "spread_skipped": 0})

    def _spread_streams_behind(self, now):
        """Whether a stream of this account is due or behind: its own pull
        comes first, tracking waits for the next run."""
        return bool(
            self.env["social_crm.stream"].search_count(
                [
                    ("account_id", "=", self.id),
                    ("active", "=", True),
                    "|",
                    ("next_sync_at", "=", False),
                    ("next_sync_at", "<=", now),
                ],
                limit=1,
            )
        )


class SocialCrmMessage(models.Model):
    _inherit = "social_crm.message"

    spread_tracked = fields.Boolean(
        "Spread tracked",
        readonly=True,
        copy=False,
        help="Its public counts are read in its first day.",
    )
    spread_next_at = fields.Datetime(
        "Next spread reading", readonly=True, copy=False, index="btree_not_null"
    )
    spread_series = fields.Json(
        "Spread readings",
        readonly=True,
        copy=False,
        help="[minutes after posting, reposts, quotes, likes, replies] per reading.",
    )
    spread_velocity = fields.Float(
        "Spread velocity",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Weighted interactions per hour over the last interval (repost or quote 3, "
        "reply 2, like 1).",
    )
    spread_sparkline = fields.Json("Spread", compute="_compute_spread_sparkline")

    @api.depends("spread_series")
    def _compute_spread_sparkline(self):
        for message in self:
            message.spread_sparkline = spread.sparkline(message.spread_series)

    # ------------------------------------------------------------------
    # Which posts are watched
    # ------------------------------------------------------------------
    @api.model
    def _ingest_hook_spread(self, messages, batch):
        """Ingestion hook: new incoming posts worth watching are watched."""
        messages.filtered(lambda m: m.direction == "in")._spread_start()

    def _spread_start(self, now=None):
        """Watch the posts worth watching, from their next scheduled reading."""
        now = now or fields.Datetime.now()
        earliest = None
        for message in self.filtered(lambda m: not m.spread_tracked and not m.erased):
            if not CONNECTORS.get(message.platform, None) or not getattr(
                CONNECTORS[message.platform], "metrics_batch", 0
            ):
                continue
            if str(message.external_id or "").startswith("dm:"):
                continue  # private messages have no public counts
            company = message.company_id
            if not spread.should_track(
                message.intent,
                message.sentiment,
                message.author_identity_id.followers_count,
                company.social_crm_influencer_followers,
                message.direction,
            ):
                continue
            posted = message.posted_at or now
            step = spread.next_check((now - posted).total_seconds() / 60)
            if step is None:
                continue  # older than a day: it has travelled already
            at = posted + timedelta(minutes=step)
            system(message).write({"spread_tracked": True, "spread_next_at": at})
            earliest = min(earliest or at, at)
        if earliest:
            _trigger(self.env, at=earliest)

    # ------------------------------------------------------------------
    # The scheduled readings
    # ------------------------------------------------------------------
    @api.model
    def _spread_due_domain(self, now):
        return [
            ("spread_next_at", "!=", False),
            ("spread_next_at", "<=", now),
            ("account_id.active", "=", True),
        ]

    @api.model
    def _spread_ready_accounts(self, now):
        """Accounts with due readings that may look them up now: not paused
        by a rate limit or an error, and no stream of theirs waiting."""
        groups = self._read_group(self._spread_due_domain(now), ["account_id"], ["__count"])
        ready = self.env["social_crm.account"]
        for account, _count in groups:
            if account.spread_retry_at and account.spread_retry_at > now:
                continue
            if account._spread_streams_behind(now):
                continue
            ready |= account
        return ready

    @api.model
    def _cron_track_spread(self, now=None):
        """Scheduled action: one batched lookup per ready account. Errors are
        recorded on the account (tracking pauses until the platform's reset)
        and never raised, so the cron is not deactivated; the readings stay
        due and are taken on the next run."""
        now = now or fields.Datetime.now()
        accounts = self._spread_ready_accounts(now)
        for account in accounts:
            run_guarded(
                self.env,
                f"spread of account {account.id}",
                lambda account=account: self._spread_batch(account, now),
                lambda error, account=account: self._spread_failure(account, error, now),
                _logger,
            )
        remaining = self.search_count(
            self._spread_due_domain(now)
            + [("account_id", "in", self._spread_ready_accounts(now).ids)]
        )
        self.env["ir.cron"]._notify_progress(done=len(accounts), remaining=remaining)

    @api.model
    def _spread_batch(self, account, now):
        """One lookup for ``account``: the most urgent due posts, as many as
        a call takes and the day's budget pays for; the rest of the due posts
        skip this reading when the budget is spent."""
        account._spread_today(now)
        connector = account._get_connector()
        batch = connector.metrics_batch
        due = self.search(
            self._spread_due_domain(now) + [("account_id", "=", account.id)],
            order="spread_next_at, priority_score desc, id",
            limit=batch or 100,
        )
        left = account.spread_budget - account.spread_used if account.spread_budget > 0 else 0
        taken, skipped, cost = spread.plan_batch(
            due, batch, left, per_post=connector.metrics_cost_per_post
        )
        if not batch:
            system(due).write({"spread_next_at": False})  # no counts on this platform
            return self.browse()
        if skipped:
            self.union(*skipped)._spread_skip(now)
            account.write(
                {
                    "spread_skipped": account.spread_skipped + len(skipped),
                    "spread_skipped_at": now,
                }
            )
        taken = self.union(*taken)
        if not taken:
            return taken
        found = connector.fetch_metrics(taken.mapped("external_id"))
        account.write({"spread_used": account.spread_used + cost, "spread_error_words": False})
        for message in taken:
            message._spread_record(found.get(message.external_id), now)
        return taken

    def _spread_skip(self, now):
        """Skip the reading that is due: on to the next step of the schedule."""
        for message in self:
            age = (now - (message.posted_at or now)).total_seconds() / 60
            step = spread.next_check(age)
            system(message).write(
                {"spread_next_at": message.posted_at + timedelta(minutes=step) if step else False}
            )

    def _spread_record(self, metrics, now):
        """Store one reading (None: the platform no longer shows the post),
        schedule the next one, and alert on a spreading complaint."""
        self.ensure_one()
        posted = self.posted_at or now
        age = (now - posted).total_seconds() / 60
        step = spread.next_check(age)
        vals = {"spread_next_at": posted + timedelta(minutes=step) if step else False}
        if metrics is None:
            vals["spread_next_at"] = False  # deleted or hidden: nothing more to read
        else:
            series = spread.add_point(self.spread_series, age, metrics)
            vals.update(spread_series=series, spread_velocity=spread.velocity(series))
        system(self).write(vals)
        threshold = self.company_id.social_crm_spread_velocity
        alerted = bool(
            self.env["social_crm.alert"].sudo().search_count([("key", "=", f"spreading:{self.id}")])
        )
        if spread.should_alert(
            self.spread_velocity, threshold, self.intent, self.sentiment, alerted
        ):
            self.env["social_crm.alert"]._raise_spreading(self)

    @api.model
    def _spread_failure(self, account, error, now):
        """Keep every due reading; pause the account's tracking until the
        platform's reset (a rate limit) or a while, and say why."""
        retry_at = retry_time(error, now, TRANSIENT_WAIT, ERROR_WAIT)
        words, detail = account._error_words(error)
        _logger.info("social_crm: spread of account %s: %s", account.id, detail)
        account.write({"spread_retry_at": retry_at, "spread_error_words": words})
        _trigger(self.env, at=retry_at)

    # ------------------------------------------------------------------
    # Privacy: the series goes with the post's text
    # ------------------------------------------------------------------
    def _anonymize(self):
        count = super()._anonymize()
        self.sudo().write(
            {
                "spread_series": False,
                "spread_velocity": 0.0,
                "spread_next_at": False,
                "spread_tracked": False,
            }
        )
        return count


class SocialCrmIdentity(models.Model):
    _inherit = "social_crm.identity"

    def _personal_data(self, companies=None):
        """The export holds each post's spread readings too."""
        data = super()._personal_data(companies)
        for identity, profile in zip(self.sudo(), data, strict=False):
            tracked = {
                (post.platform, post.external_id): post
                for post in identity.post_ids
                if post.spread_series
            }
            for entry in profile.get("posts") or []:
                post = tracked.get((entry.get("platform"), entry.get("external_id")))
                if post:
                    entry["spread"] = {
                        "readings": post.spread_series,
                        "velocity": post.spread_velocity,
                    }
        return data


class SocialCrmAlert(models.Model):
    _inherit = "social_crm.alert"

    kind = fields.Selection(
        selection_add=[("spreading", "Spreading complaint")], ondelete={"spreading": "cascade"}
    )
    velocity = fields.Float("Spread velocity", readonly=True, digits=(16, 1))

    @api.model
    def _raise_spreading(self, message):
        """A complaint spreads fast: tell the managers' channel, once per post."""
        key = f"spreading:{message.id}"
        if self.sudo().search_count([("key", "=", key)]):
            return self.browse()
        identity = message.author_identity_id
        return self._create_and_post(
            {
                "name": self.env._(
                    "Spreading complaint on %(platform)s: %(velocity)s weighted interactions "
                    "an hour (%(who)s)",
                    platform=platform_label(message.platform),
                    velocity=round(message.spread_velocity, 1),
                    who=identity.name or self.env._("unknown author"),
                ),
                **self._post_values(message, "spreading", key),
                "velocity": message.spread_velocity,
            }
        )
