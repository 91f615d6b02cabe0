"""The advocate score of social identities: who speaks well of us.

The scoring itself is plain Python (:mod:`social_crm.advocacy`); this file
gathers each identity's activity with a company's accounts, stores the
score (company_dependent, on the identity model) and runs the daily cron.
"""

from datetime import timedelta

from odoo import api, fields, models

from .. import advocacy
from .social_crm_guard import system


class SocialCrmIdentityAdvocacy(models.Model):
    _inherit = "social_crm.identity"

    def _advocacy_activities(self, now):
        """{identity id: [(kind, age in days, when)]} over the scoring window:
        their posts (praise, positive, complaint), photo entries and rights."""
        since = now - timedelta(days=advocacy.WINDOW_DAYS)
        found = {identity.id: [] for identity in self}

        def add(identity_id, kind, when):
            found[identity_id].append((kind, (now - when).total_seconds() / 86400, when))

        posts = (
            self.env["social_crm.message"]
            .sudo()
            .search_read(
                [
                    ("author_identity_id", "in", self.ids),
                    ("company_id", "=", self.env.company.id),
                    ("direction", "=", "in"),
                    ("erased", "=", False),
                    ("posted_at", ">=", since),
                ],
                ["author_identity_id", "intent", "sentiment", "posted_at"],
            )
        )
        for post in posts:
            kind = (
                "praise"
                if post["intent"] == "praise"
                else "complaint"
                if post["intent"] == "complaint"
                else "positive"
                if post["sentiment"] == "positive"
                else None
            )
            if kind:
                add(post["author_identity_id"][0], kind, post["posted_at"])
        entries = (
            self.env["social_crm.content"]
            .sudo()
            .search(
                [
                    ("identity_id", "in", self.ids),
                    ("company_id", "=", self.env.company.id),
                    ("message_id.posted_at", ">=", since),
                ]
            )
        )
        for entry in entries:
            add(entry.identity_id.id, "photo", entry.posted_at)
            if entry.state == "granted" and entry.granted_at:
                add(entry.identity_id.id, "rights", entry.granted_at)
        return found

    def _refresh_advocacy(self, now=None):
        """Score these identities (advocacy.advocate_score) as of ``now``,
        for ``env.company``: from what they did with its accounts only."""
        now = now or fields.Datetime.now()
        activities = self._advocacy_activities(now)
        following = set(
            self.env["social_crm.follower"]
            .sudo()
            .search([("identity_id", "in", self.ids), ("company_id", "=", self.env.company.id)])
            .identity_id.ids
        )
        for identity in self:
            score, reasons = advocacy.advocate_score(
                [(kind, age) for kind, age, _when in activities[identity.id]],
                followers=identity.followers_count,
                follows_us=identity.id in following,
            )
            system(identity).write(
                {
                    "advocate_score": score,
                    "advocate_reasons": advocacy.describe(reasons) or False,
                    "advocate_date": now.date(),
                }
            )
        return activities

    def _advocacy_due_domain(self, now):
        """Not scored today (for ``env.company``), and either active in
        the window with its accounts or still carrying a score that has to decay."""
        since = now - timedelta(days=advocacy.WINDOW_DAYS)
        recent = (
            self.env["social_crm.message"]
            .sudo()
            ._search([("company_id", "=", self.env.company.id), ("posted_at", ">=", since)])
        )
        return [
            "|",
            ("advocate_date", "=", False),
            ("advocate_date", "<", now.date()),
            "|",
            ("advocate_score", ">", 0),
            ("id", "in", recent.subselect("author_identity_id")),
        ]

    @api.model
    def _cron_advocacy(self, batch_size=500, now=None):
        """Scheduled action (daily): score a batch of identities; once all
        are scored, crown each account's top advocate of the last month."""
        now = now or fields.Datetime.now()
        done = remaining = 0
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            Identity = self.with_company(company)
            identities = Identity.search(
                Identity._advocacy_due_domain(now), limit=batch_size, order="id"
            )
            identities._refresh_advocacy(now)
            done += len(identities)
            remaining += Identity.search_count(Identity._advocacy_due_domain(now))
        if not remaining:
            self.env["social_crm.alert"]._crown_advocates(now)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def action_refresh_advocacy(self):
        self._refresh_advocacy()
        return True
