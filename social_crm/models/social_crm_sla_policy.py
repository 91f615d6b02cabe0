from datetime import datetime, timedelta

from pytz import utc

from odoo import api, fields, models

from .. import triage

#: business time is read from the calendar in 14-day chunks counted from a Monday
EPOCH = datetime(2000, 1, 3)
CHUNK = timedelta(days=14)


class SocialCrmSlaPolicy(models.Model):
    """Response targets in business hours, per account, per team, or for
    the whole company. The most specific active policy applies."""

    _name = "social_crm.sla.policy"
    _description = "Social CRM service level policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    account_id = fields.Many2one(
        "social_crm.account",
        ondelete="cascade",
        help="Only for this account. Leave empty for every account (of the team).",
    )
    team_id = fields.Many2one(
        "crm.team",
        ondelete="cascade",
        help="Only for accounts of this team. Leave empty for the whole company.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        "Business hours",
        required=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="The clock only runs during these hours (and not on public holidays).",
    )
    first_response_hours = fields.Float(
        "First response within", default=1.0, help="Business hours from the first post."
    )
    next_response_hours = fields.Float(
        "Next response within",
        default=2.0,
        help="Business hours from a new post after we answered.",
    )
    resolution_hours = fields.Float(
        "Resolution within", default=24.0, help="Business hours from the first post to closing."
    )
    warning_percent = fields.Integer(
        "Warn at (%)", default=80, help="Warn the assignee when this share of the time is used."
    )

    _sql_constraints = [
        (
            "hours_positive",
            "CHECK(first_response_hours > 0 AND next_response_hours > 0 "
            "AND resolution_hours > 0 AND warning_percent BETWEEN 1 AND 100)",
            "Targets must be positive and the warning between 1 and 100 %.",
        ),
    ]

    @api.model
    def _for_conversations(self, conversations):
        """The applicable policy of each conversation: its account's, else its
        team's, else the company's. :return: dict conversation id -> policy"""
        policies = self.search([("company_id", "in", conversations.company_id.ids)])
        found = {}
        for conversation in conversations:
            candidates = policies.filtered(
                lambda p, c=conversation: (
                    p.company_id == c.company_id
                    and (not p.account_id or p.account_id == c.account_id)
                    and (not p.team_id or p.team_id == c.team_id)
                )
            )
            if candidates:
                found[conversation.id] = max(
                    candidates,
                    key=lambda p: (bool(p.account_id), bool(p.team_id), -p.sequence, -p.id),
                )
        return found

    def _chunk(self, index, memo):
        """The calendar's work intervals (leaves taken out) in the
        ``index``-th 14-day chunk since EPOCH, as naive UTC pairs; computed
        once per ``memo`` (one triage run), so a batch of conversations asks
        the calendar a few times instead of twice per conversation."""
        key = (self.calendar_id.id, index)
        if key not in memo:
            begin = (EPOCH + CHUNK * index).replace(tzinfo=utc)
            found = self.calendar_id._work_intervals_batch(begin, begin + CHUNK)[False]
            memo[key] = [
                (a.astimezone(utc).replace(tzinfo=None), b.astimezone(utc).replace(tzinfo=None))
                for a, b, _meta in found
            ]
        return memo[key]

    def _intervals_from(self, start, memo, chunks=100):
        first = (start - EPOCH) // CHUNK
        for index in range(first, first + chunks):
            yield from self._chunk(index, memo)

    def _deadline(self, start, hours, memo=None):
        """``start`` plus ``hours`` of business time (naive UTC in and out)."""
        self.ensure_one()
        memo = {} if memo is None else memo
        end = triage.plan_business_hours(self._intervals_from(start, memo), start, hours)
        # a calendar without any working time: fall back to the wall clock
        return end or start + timedelta(hours=hours)

    def _business_hours(self, start, end, memo=None):
        """Business hours between two naive UTC datetimes; negative if end < start."""
        self.ensure_one()
        if end < start:
            return -self._business_hours(end, start, memo)
        memo = {} if memo is None else memo
        chunks = (end - EPOCH) // CHUNK - (start - EPOCH) // CHUNK + 1
        return triage.business_hours_between(self._intervals_from(start, memo, chunks), start, end)
