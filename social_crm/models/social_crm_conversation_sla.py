"""A conversation's service level: deadlines and state, the warnings to
the assignee and the team lead, and the scheduled triage pass.

The decisions are plain Python in :mod:`..triage` (``sla_values``,
``sla_notice``); this file maps fields in and values out."""

from datetime import timedelta

from odoo import api, fields, models

from .. import triage
from .social_crm_conversation import SLA_STATES


class SocialCrmConversationSla(models.Model):
    _inherit = "social_crm.conversation"

    sla_policy_id = fields.Many2one("social_crm.sla.policy", "SLA policy", readonly=True)
    sla_first_deadline = fields.Datetime("First response due", readonly=True)
    sla_deadline = fields.Datetime("Response due", readonly=True, index="btree_not_null")
    sla_resolution_deadline = fields.Datetime("Resolution due", readonly=True)
    sla_state = fields.Selection(SLA_STATES, "SLA", default="none", readonly=True, index=True)
    sla_remaining_minutes = fields.Integer(
        "Business minutes left",
        compute="_compute_sla_remaining_minutes",
        help="Until the response is due, in business hours; negative when late.",
    )
    sla_warned_for = fields.Datetime(readonly=True, copy=False)
    sla_breach_notified_for = fields.Datetime(readonly=True, copy=False)
    sla_compliance = fields.Float(
        "First response on time (%)",
        compute="_compute_response_kpis",
        store=True,
        aggregator="avg",
    )
    answered_within_hour = fields.Float(
        "Answered within the hour (%)",
        compute="_compute_response_kpis",
        store=True,
        aggregator="avg",
    )

    @api.depends("first_response_at", "sla_first_deadline", "first_inbound_at")
    def _compute_response_kpis(self):
        """100 or 0 per answered conversation, so that averages are shares."""
        for conversation in self:
            answered = conversation.first_response_at
            conversation.sla_compliance = (
                100.0 * (answered <= conversation.sla_first_deadline)
                if answered and conversation.sla_first_deadline
                else 0.0
            )
            conversation.answered_within_hour = (
                100.0 * (answered - conversation.first_inbound_at <= timedelta(hours=1))
                if answered and conversation.first_inbound_at
                else 0.0
            )

    @api.depends("sla_deadline", "sla_policy_id")
    def _compute_sla_remaining_minutes(self):
        now, memo = fields.Datetime.now(), {}  # one calendar reading for the whole list
        for conversation in self:
            policy, due = conversation.sla_policy_id, conversation.sla_deadline
            conversation.sla_remaining_minutes = (
                round(policy._business_hours(now, due, memo) * 60) if policy and due else 0
            )

    def _triage_facts(self):
        """This conversation's workflow and SLA facts, for :mod:`..triage`."""
        self.ensure_one()
        return triage.Facts(
            state=self.state,
            intent=self.intent,
            sentiment=self.sentiment,
            identity_id=self.identity_id.id,
            last_message_at=self.last_message_at,
            first_inbound_at=self.first_inbound_at,
            first_response_at=self.first_response_at,
            awaiting_since=self.awaiting_since,
            sla_state=self.sla_state,
            sla_first_deadline=self.sla_first_deadline,
            sla_deadline=self.sla_deadline,
            sla_resolution_deadline=self.sla_resolution_deadline,
            sla_warned_for=self.sla_warned_for,
            sla_breach_notified_for=self.sla_breach_notified_for,
        )

    @api.model
    def _triage_post_facts(self, posts):
        """``posts`` (social_crm.message, in their order) for :mod:`..triage`."""
        return [
            triage.PostFacts(
                id=post.id,
                direction=post.direction,
                posted_at=post.posted_at,
                received_at=post.received_at,
                intent=post.intent,
                sentiment=post.sentiment,
                author_identity_id=post.author_identity_id.id,
            )
            for post in posts
        ]

    def _sla_values(self, policy, now, memo=None):
        """Deadlines and state under ``policy`` (field values to write);
        ``memo`` caches the calendar's work intervals across a batch. The
        rules: :func:`..triage.sla_values`."""
        self.ensure_one()
        memo = {} if memo is None else memo
        targets = (
            triage.SlaTargets(
                first_response_hours=policy.first_response_hours,
                next_response_hours=policy.next_response_hours,
                resolution_hours=policy.resolution_hours,
                warning_percent=policy.warning_percent,
            )
            if policy
            else None
        )
        vals = triage.sla_values(
            self._triage_facts(),
            targets,
            now,
            deadline=lambda start, hours: policy._deadline(start, hours, memo),
            business_hours=lambda start, end: policy._business_hours(start, end, memo),
            policy_changed=policy != self.sla_policy_id,
        )
        return {"sla_policy_id": policy.id, **vals}

    def _sla_notify(self):
        """Warn the assignee when a response is at risk, and the assignee
        and the team lead when it is breached: once per deadline (which
        message: :func:`..triage.sla_notice`)."""
        now = fields.Datetime.now()
        for conversation in self:
            notice = triage.sla_notice(conversation._triage_facts(), now)
            if not notice:
                continue
            kind, due = notice
            assignee = conversation.user_id.partner_id
            if kind == "breached":
                recipients = assignee | conversation.team_id.user_id.partner_id
                body = self.env._(
                    "SLA breached: the response was due %(due)s and is late.",
                    due=conversation._format_due(due),
                )
                conversation.sla_breach_notified_for = due
            else:
                recipients = assignee
                body = self.env._(
                    "SLA at risk: the response is due %(due)s (%(minutes)s business minutes left).",
                    due=conversation._format_due(due),
                    minutes=conversation.sla_remaining_minutes,
                )
                conversation.sla_warned_for = due
            conversation.message_post(
                body=body,
                partner_ids=recipients.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _format_due(self, due):
        tz = self.user_id.tz or self.team_id.user_id.tz or self.env.user.tz or "UTC"
        return fields.Datetime.context_timestamp(self.with_context(tz=tz), due).strftime(
            "%Y-%m-%d %H:%M"
        )

    @api.model
    def _open_domain(self):
        """Conversations whose priority or SLA can still change with time."""
        return [
            ("state", "!=", "closed"),
            "|",
            ("awaiting_since", "!=", False),
            "&",
            ("sla_resolution_deadline", "<", fields.Datetime.now()),
            ("sla_state", "!=", "breached"),
        ]

    @api.model
    def _cron_triage(self, batch_size=200):
        """Scheduled action: waiting time raises priority; deadlines turn to
        "at risk" and "breached" and warn people, once; unassigned
        conversations go round-robin to agents who have room.

        One batch per call, in id order from where the last call stopped
        (the system parameter ``social_crm.triage_cursor``): the cron
        framework commits after each call and calls again while work
        remains. Assignment follows once a pass is through."""
        params = self.env["ir.config_parameter"].sudo()
        try:
            cursor = int(params.get_param("social_crm.triage_cursor") or 0)
        except ValueError:
            cursor = 0
        batch = self.search(
            self._open_domain() + [("id", ">", cursor)], order="id", limit=batch_size
        )
        batch._triage_refresh()
        batch._sla_notify()
        remaining = 0
        if len(batch) == batch_size:
            remaining = self.search_count(self._open_domain() + [("id", ">", batch[-1].id)])
        if remaining:
            params.set_param("social_crm.triage_cursor", batch[-1].id)
            self.env.ref("social_crm.ir_cron_social_crm_triage").sudo()._trigger()
        else:
            params.set_param("social_crm.triage_cursor", False)
            self.search([("state", "in", ("new", "open")), ("user_id", "=", False)])._auto_assign()
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
