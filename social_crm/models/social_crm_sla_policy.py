from datetime import timedelta

from odoo import api, fields, models


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

    def _deadline(self, start, hours):
        """``start`` plus ``hours`` of business time (naive UTC in and out)."""
        self.ensure_one()
        end = self.calendar_id.plan_hours(hours, start, compute_leaves=True)
        # a calendar without any working time: fall back to the wall clock
        return end or start + timedelta(hours=hours)

    def _business_hours(self, start, end):
        """Business hours between two naive UTC datetimes; negative if end < start."""
        self.ensure_one()
        if end < start:
            return -self._business_hours(end, start)
        return self.calendar_id.get_work_hours_count(start, end, compute_leaves=True)
