import logging
from datetime import timedelta

import psycopg2
import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import triage
from ..connectors import ConnectorError
from ..connectors.base import DM_PREFIX
from ..connectors.media import images_key
from ..connectors.platforms import PLATFORMS, platform_label
from ._helpers import INTENTS, SENTIMENTS, company_link, count_by, flow, in_flow
from .social_crm_ingest import batch_write

_logger = logging.getLogger(__name__)

PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]
# the strongest intent of a conversation's posts is the conversation's
INTENT_RANK = {"complaint": 3, "question": 2, "praise": 1, "other": 0}
SLA_STATES = [
    ("none", "No target"),
    ("running", "On time"),
    ("warning", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]
REPLY_LOCK_MINUTES = 5


class SocialCrmConversation(models.Model):
    """A conversation on a platform: the unit webcare agents work on.

    Posts (``social_crm.message``) are its log lines; it carries the
    workflow: state, assignee, priority and first response time.
    """

    _name = "social_crm.conversation"
    _description = "Social conversation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority_score desc, last_message_at desc, id desc"

    name = fields.Char(required=True)
    conversation_key = fields.Char(required=True, index=True, readonly=True)
    platform = fields.Selection(PLATFORMS, required=True, readonly=True)
    account_id = fields.Many2one(
        "social_crm.account", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    team_id = fields.Many2one(related="account_id.team_id", store=True, string="Team")
    identity_id = fields.Many2one(
        "social_crm.identity",
        "Started by",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Contact",
        compute="_compute_partner_id",
        store=True,
        index="btree_not_null",
        help="The contact this conversation's company linked the author to.",
    )
    post_ids = fields.One2many("social_crm.message", "conversation_id", "Posts")
    channel = fields.Selection(
        [("public", "Public"), ("private", "Private")],
        compute="_compute_channel",
        store=True,
        index=True,
        help="Private: direct messages between the person and the account (their "
        "posts share the key 'dm:<the person>'); replies go back privately. Public: "
        "posts anyone can see.",
    )
    # customer card (computed with the reader's rights: other companies stay hidden)
    partner_ref = fields.Char(related="partner_id.ref", string="Customer number")
    partner_since = fields.Datetime(related="partner_id.create_date", string="Customer since")
    partner_category_ids = fields.Many2many(related="partner_id.category_id", string="Tags")
    partner_opportunity_count = fields.Integer(
        "Open opportunities", compute="_compute_customer_card"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_sales_total = fields.Monetary(
        "Confirmed sales", compute="_compute_customer_card", currency_field="currency_id"
    )
    partner_invoiced_total = fields.Monetary(
        "Invoiced", compute="_compute_customer_card", currency_field="currency_id"
    )
    partner_value_shown = fields.Char(compute="_compute_customer_card")
    partner_other_conversation_ids = fields.Many2many(
        "social_crm.conversation",
        compute="_compute_customer_card",
        string="Earlier conversations",
    )
    post_count = fields.Integer("Posts count", compute="_compute_post_count")
    state = fields.Selection(
        [("new", "New"), ("open", "Open"), ("replied", "Replied"), ("closed", "Closed")],
        default="new",
        required=True,
        index=True,
        tracking=True,
        group_expand=True,
    )
    user_id = fields.Many2one(
        "res.users",
        "Assigned to",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    priority = fields.Selection(PRIORITIES, default="1", index=True)
    first_inbound_at = fields.Datetime("First post at", readonly=True)
    last_message_at = fields.Datetime("Last post at", readonly=True, index=True)
    first_response_at = fields.Datetime("First response at", readonly=True)
    first_response_time = fields.Float(
        "First response time (hours)",
        compute="_compute_first_response_time",
        store=True,
        aggregator="avg",
    )
    reply_template_id = fields.Many2one("social_crm.reply.template", "Reply template", store=False)
    reply_draft = fields.Text("Reply")
    identity_consent = fields.Selection(
        related="identity_id.social_crm_consent_commercial", string="Consent for offers"
    )
    identity_advocate_score = fields.Float(
        related="identity_id.advocate_score", string="Advocate score"
    )
    identity_advocate_reasons = fields.Char(related="identity_id.advocate_reasons", string="Why")
    consent_request_ids = fields.One2many(
        "social_crm.consent.request", "conversation_id", "Consent requests", readonly=True
    )
    # collision guard: who is writing a reply, until when
    reply_lock_user_id = fields.Many2one("res.users", "Being answered by", readonly=True)
    reply_lock_until = fields.Datetime("Being answered until", readonly=True)
    reply_locked_by_other = fields.Boolean(compute="_compute_reply_locked_by_other")
    # triage
    intent = fields.Selection(INTENTS, readonly=True, index=True)
    sentiment = fields.Selection(
        SENTIMENTS,
        readonly=True,
        help="Of the latest incoming post.",
    )
    awaiting_since = fields.Datetime(
        "Waiting since", readonly=True, help="The first post we have not answered yet."
    )
    priority_score = fields.Float(
        "Priority score",
        readonly=True,
        index=True,
        digits=(5, 1),
        aggregator="max",
        help="0 to 100, from intent, sentiment, the author's reach, customer value "
        "and waiting time. The inbox is sorted by it.",
    )
    priority_reasons = fields.Char("Why this priority", readonly=True)
    # service level
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

    _sql_constraints = [
        (
            "key_unique",
            "UNIQUE(platform, conversation_key, company_id)",
            "This conversation already exists for this company.",
        ),
    ]

    @api.depends("identity_id.partner_id", "company_id")
    def _compute_partner_id(self):
        company_link(self, "identity_id")

    @api.depends("first_inbound_at", "first_response_at")
    def _compute_first_response_time(self):
        for conversation in self:
            start, end = conversation.first_inbound_at, conversation.first_response_at
            conversation.first_response_time = (
                max((end - start).total_seconds(), 0) / 3600 if start and end else 0
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

    @api.depends("reply_lock_user_id", "reply_lock_until")
    @api.depends_context("uid")
    def _compute_reply_locked_by_other(self):
        for conversation in self:
            conversation.reply_locked_by_other = conversation._reply_lock_holder() not in (
                self.env.user,
                self.env["res.users"],
            )

    def _compute_post_count(self):
        counts = count_by(self, "social_crm.message", "conversation_id")
        for conversation in self:
            conversation.post_count = counts.get(conversation, 0)

    @api.depends("partner_id")
    @api.depends_context("uid")
    def _compute_customer_card(self):
        Lead = self.env["crm.lead"]
        can_see_leads = Lead.has_access("read")
        for conversation in self:
            partner = conversation.partner_id.commercial_partner_id
            conversation.partner_sales_total = conversation.partner_invoiced_total = 0
            conversation.partner_value_shown = ""
            if not partner:
                conversation.partner_opportunity_count = 0
                conversation.partner_other_conversation_ids = False
                continue
            conversation._compute_customer_value(partner)
            conversation.partner_opportunity_count = can_see_leads and Lead.search_count(
                [("partner_id", "child_of", partner.id), ("type", "=", "opportunity")]
            )
            conversation.partner_other_conversation_ids = self.search(
                [("partner_id", "child_of", partner.id), ("id", "!=", conversation._origin.id)],
                order="last_message_at desc",
                limit=10,
            )

    def _compute_customer_value(self, partner):
        """Confirmed sales and invoiced totals, in the company's currency, when
        those apps are installed and the reader may see them (record rules
        apply, so other companies stay hidden)."""
        shown = []
        company = self.company_id
        if "sale.order" in self.env and self.env["sale.order"].has_access("read"):
            [[total]] = self.env["sale.order"]._read_group(
                [
                    ("partner_id", "child_of", partner.id),
                    ("state", "=", "sale"),
                    ("company_id", "=", company.id),
                    ("currency_id", "=", company.currency_id.id),
                ],
                [],
                ["amount_untaxed:sum"],
            )
            self.partner_sales_total = total or 0
            shown.append("sales")
        if "account.move" in self.env and self.env["account.move"].has_access("read"):
            [[total]] = self.env["account.move"]._read_group(
                [
                    ("partner_id", "child_of", partner.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("company_id", "=", company.id),
                ],
                [],
                ["amount_untaxed_signed:sum"],
            )
            self.partner_invoiced_total = total or 0
            shown.append("invoices")
        self.partner_value_shown = ",".join(shown)

    @api.onchange("reply_template_id")
    def _onchange_reply_template_id(self):
        if self.reply_template_id and self._origin.id:
            self.reply_draft = self.reply_template_id._render_for(self._origin)

    @api.depends("conversation_key")
    def _compute_channel(self):
        """Private when its posts are direct messages: the connectors give
        those (X, Bluesky, Mastodon direct posts, Meta messages) the key of
        the private conversation with the person, ``"dm:<user id>"``."""
        for conversation in self:
            private = (conversation.conversation_key or "").startswith(DM_PREFIX)
            conversation.channel = "private" if private else "public"

    # ------------------------------------------------------------------
    # Ingestion helpers (called by social_crm.message._ingest, as sudo)
    # ------------------------------------------------------------------
    @api.model
    def _for_posts(self, account, posts, known_messages):
        """Find or create the conversation of each post.

        A post whose parent is stored joins the parent's conversation, so
        replies stay together even when the platform sends no conversation key.

        :return: dict external id -> conversation
        """
        company = account.company_id
        keys = {}
        for post in posts:
            parent = known_messages.get(post.parent_external_id)
            keys[post.external_id] = (
                parent.conversation_id.conversation_key
                if parent
                else keys.get(post.parent_external_id) or post.conversation_key
            )
        existing = {
            c.conversation_key: c
            for c in self.search(
                [
                    ("platform", "=", account.platform),
                    ("company_id", "=", company.id),
                    ("conversation_key", "in", list(set(keys.values()))),
                ]
            )
        }
        to_create = {}
        for post in posts:
            key = keys[post.external_id]
            if key not in existing and key not in to_create:
                to_create[key] = {
                    "name": self._name_from_text(post.text),
                    "conversation_key": key,
                    "platform": account.platform,
                    "account_id": account.id,
                }
        if to_create:
            created = self.with_context(mail_create_nolog=True, tracking_disable=True).create(
                list(to_create.values())
            )
            existing.update({c.conversation_key: c for c in created})
        return {external_id: existing[key] for external_id, key in keys.items()}

    @staticmethod
    def _name_from_text(text):
        text = " ".join((text or "").split())
        return (text if len(text) <= 60 else text[:59] + "…") or "…"

    def _workflow_values(self, posts):
        """State, times, intent and sentiment after new ``posts``."""
        self.ensure_one()
        incoming = posts.filtered(lambda m: m.direction == "in")
        outgoing = posts - incoming
        vals = {
            "last_message_at": max(
                [self.last_message_at or posts[0].posted_at] + posts.mapped("posted_at")
            )
        }
        if incoming:
            latest = incoming.sorted(lambda m: (m.posted_at, m.id))[-1]
            intents = [self.intent or "other"] + [m.intent or "other" for m in incoming]
            vals.update(
                intent=max(intents, key=INTENT_RANK.get),
                sentiment=latest.sentiment or self.sentiment,
            )
            if not self.identity_id:
                vals["identity_id"] = incoming[0].author_identity_id.id
            if not self.first_inbound_at:
                vals["first_inbound_at"] = min(incoming.mapped("posted_at"))
            if self.state in ("replied", "closed"):
                vals["state"] = "open"
            if not self.awaiting_since or outgoing:
                vals["awaiting_since"] = min(incoming.mapped("posted_at"))
        if outgoing:
            answered = max(outgoing.mapped("received_at"))
            vals["state"] = "replied"
            if not self.first_response_at:
                vals["first_response_at"] = min(outgoing.mapped("received_at"))
            if not incoming or max(incoming.mapped("posted_at")) <= answered:
                vals["awaiting_since"] = False
            vals["reply_lock_user_id"] = vals["reply_lock_until"] = False
        return vals

    def _backfill_triage(self):
        """Intent, sentiment and waiting time from the stored posts (for
        conversations stored before triage), then priority and SLA."""
        self.post_ids.filtered(lambda m: m.direction == "in" and not m.intent)._classify()
        for conversation in self:
            posts = conversation.post_ids.sorted(lambda m: (m.posted_at, m.id))
            if not posts:
                continue
            vals = conversation._workflow_values(posts)
            vals.pop("state", None)
            last_out = posts.filtered(lambda m: m.direction == "out")[-1:]
            waiting = posts.filtered(
                lambda m, o=last_out: m.direction == "in" and (not o or m.posted_at > o.posted_at)
            )
            vals["awaiting_since"] = (
                waiting[0].posted_at if waiting and conversation.state != "closed" else False
            )
            conversation.write(vals)
        self._triage_refresh()

    # ------------------------------------------------------------------
    # Triage: priority score and service level
    # ------------------------------------------------------------------
    def _triage_refresh(self, now=None):
        """Recompute priority and SLA of these conversations (as of ``now``)."""
        now = now or fields.Datetime.now()
        policies = self.env["social_crm.sla.policy"].sudo()._for_conversations(self)
        values = self._customer_values()
        memo = {}  # the calendars' work intervals, read once for the whole batch
        updates = {}
        for conversation in self:
            policy = policies.get(conversation.id, self.env["social_crm.sla.policy"])
            vals = conversation._sla_values(policy, now, memo)
            identity = conversation.identity_id
            waiting = (
                (now - conversation.awaiting_since).total_seconds() / 60
                if conversation.awaiting_since and conversation.state != "closed"
                else 0
            )
            score, parts = triage.priority_score(
                conversation.intent,
                conversation.sentiment,
                identity.followers_count,
                identity.verified,
                bool(conversation.partner_id),
                values.get(conversation.partner_id.commercial_partner_id.id, 0.0),
                waiting,
            )
            vals["priority_score"] = score
            vals["priority_reasons"] = ", ".join(f"{k} {v:g}" for k, v in parts.items() if v)
            changed = {
                key: value
                for key, value in vals.items()
                if (conversation[key].id if key == "sla_policy_id" else conversation[key])
                != (value or False)
            }
            if changed:
                updates[conversation.id] = changed
        if self.env.su:
            # the pipeline's own refresh: one batched write (none of these is tracked)
            batch_write(self, updates)
            self.browse(list(updates))._inbox_changed()
        else:
            for conversation in self.browse(list(updates)):
                conversation.write(updates[conversation.id])

    def _customer_values(self):
        """Confirmed sales per commercial partner, when sales is installed.

        Read as superuser: only the resulting score is shown, never the amount.
        """
        partners = self.partner_id.commercial_partner_id
        if not partners or "sale.order" not in self.env:
            return {}
        groups = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [("partner_id", "child_of", partners.ids), ("state", "=", "sale")],
                ["partner_id"],
                ["amount_untaxed:sum"],
            )
        )
        values = {}
        for partner, total in groups:
            key = partner.commercial_partner_id.id
            values[key] = values.get(key, 0.0) + (total or 0.0)
        return values

    def _sla_values(self, policy, now, memo=None):
        """Deadlines and state under ``policy`` (field values to write);
        ``memo`` caches the calendar's work intervals across a batch."""
        self.ensure_one()
        memo = {} if memo is None else memo
        if not policy or not self.first_inbound_at:
            return {"sla_policy_id": policy.id, "sla_state": "none", "sla_deadline": False}
        vals = {"sla_policy_id": policy.id}
        if policy != self.sla_policy_id or not self.sla_first_deadline:
            vals["sla_first_deadline"] = policy._deadline(
                self.first_inbound_at, policy.first_response_hours, memo
            )
            vals["sla_resolution_deadline"] = policy._deadline(
                self.first_inbound_at, policy.resolution_hours, memo
            )
        first_due = vals.get("sla_first_deadline", self.sla_first_deadline)
        if self.state == "closed" or not self.awaiting_since:
            # answered (or closed): judge the cycle that just ended, once
            due = False
            if self.sla_deadline:
                state = "met" if now <= self.sla_deadline else "breached"
            else:
                state = self.sla_state if self.sla_state in ("met", "breached") else "met"
        else:
            if self.first_response_at:
                hours = policy.next_response_hours
                due = self.sla_deadline or policy._deadline(self.awaiting_since, hours, memo)
            else:
                due, hours = first_due, policy.first_response_hours
            left = policy._business_hours(now, due, memo)
            if left < 0:
                state = "breached"
            elif left <= hours * (100 - policy.warning_percent) / 100:
                state = "warning"
            else:
                state = "running"
        resolution_due = vals.get("sla_resolution_deadline", self.sla_resolution_deadline)
        if self.state != "closed" and resolution_due and now > resolution_due:
            state = "breached"  # not resolved in time, answered or not
        vals.update(sla_deadline=due, sla_state=state)
        return vals

    def _sla_notify(self):
        """Warn the assignee when a response is at risk, and the assignee
        and the team lead when it is breached: once per deadline."""
        now = fields.Datetime.now()
        for conversation in self:
            due = conversation.sla_deadline
            resolution_due = conversation.sla_resolution_deadline
            if (
                not due
                and conversation.state != "closed"
                and resolution_due
                and now > resolution_due
            ):
                due = resolution_due
            if not due:
                continue
            assignee = conversation.user_id.partner_id
            if conversation.sla_state == "breached" and conversation.sla_breach_notified_for != due:
                recipients = assignee | conversation.team_id.user_id.partner_id
                body = self.env._(
                    "SLA breached: the response was due %(due)s and is late.",
                    due=conversation._format_due(due),
                )
                conversation.sla_breach_notified_for = due
            elif conversation.sla_state == "warning" and conversation.sla_warned_for != due:
                recipients = assignee
                body = self.env._(
                    "SLA at risk: the response is due %(due)s (%(minutes)s business minutes left).",
                    due=conversation._format_due(due),
                    minutes=conversation.sla_remaining_minutes,
                )
                conversation.sla_warned_for = due
            else:
                continue
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

    # ------------------------------------------------------------------
    # Assignment: round-robin with a capacity per agent
    # ------------------------------------------------------------------
    def _auto_assign(self):
        """Give unassigned open conversations to the account team's agents,
        where the team assigns automatically."""
        todo = self.filtered(
            lambda c: (
                not c.user_id and c.state in ("new", "open") and c.team_id.social_crm_auto_assign
            )
        )
        for team in todo.team_id:
            try:
                with self.env.cr.savepoint():
                    todo.filtered(lambda c, t=team: c.team_id == t)._assign_in_team(team)
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
                # another assignment run holds this team: the next run does it
                _logger.info("social_crm: team %s is being assigned elsewhere", team.id)

    def _assign_in_team(self, team):
        """Assign these conversations of ``team``. The team's row is locked
        (and touched) first, so two runs at once cannot both fill an agent:
        the second waits, then fails to serialize and leaves the work."""
        self.env.cr.execute(
            "UPDATE crm_team SET social_crm_assigned_at = now() at time zone 'UTC' WHERE id = %s",
            [team.id],
        )
        team.invalidate_recordset(["social_crm_assigned_at"])
        members = team.crm_team_member_ids.filtered(lambda m: m.active and m.user_id.active)
        counts = dict(
            self._read_group(
                [("user_id", "in", members.user_id.ids), ("state", "in", ("new", "open"))],
                ["user_id"],
                ["__count"],
            )
        )
        agents = [
            triage.Agent(
                user_id=member.user_id.id,
                capacity=member.social_crm_capacity,
                open_count=counts.get(member.user_id, 0),
                online=member.user_id.im_status == "online",
                last_assigned=member.social_crm_last_assigned_at.timestamp()
                if member.social_crm_last_assigned_at
                else 0.0,
            )
            for member in members
        ]
        pending = self.sorted(lambda c: (-c.priority_score, c.first_inbound_at or c.create_date))
        now = fields.Datetime.now()
        by_user = {member.user_id.id: member for member in members}
        for conversation, user_id in zip(pending, triage.assign(agents, len(pending)), strict=True):
            if user_id:
                conversation.user_id = user_id
                by_user[user_id].social_crm_last_assigned_at = now

    # ------------------------------------------------------------------
    # Collision guard
    # ------------------------------------------------------------------
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

    def action_ask_consent_preview(self):
        """ "Ask for consent": first show the message and how it goes out."""
        self.ensure_one()
        wizard = self.env["social_crm.consent.ask.wizard"].create({"conversation_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ask for consent"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_ask_consent(self):
        """Send the poster a personal opt-in link: by private message where
        the platform allows it (the link is personal), else as a reply draft
        for the agent to send, saying so."""
        self.ensure_one()
        self._lock_for_send()
        consent_request = self.env["social_crm.consent.request"]._ask(self)
        template = self.env.ref(f"social_crm.reply_template_ask_consent_{consent_request.lang}")
        text = template._render_for(self, consent_link=consent_request.sudo().url)
        connector = self.account_id._get_connector()
        error = None
        if connector.supports_private:
            target = self._reply_target()
            profile = self.identity_id._as_profile()
            try:
                # the link differs on every run: the key leaves the text out
                sent = self.env["social_crm.outbound"]._send_once(
                    self,
                    "consent",
                    target.external_id,
                    text,
                    lambda key: connector.send_private(
                        text, profile, in_reply_to=target.external_id, idempotency_key=key
                    ),
                    key_text="",
                    reference=consent_request.sudo().token,
                )
            except ConnectorError as exc:
                error = exc
            else:
                if sent.earlier and sent.reference:
                    # an earlier run sent its own link: that one must work
                    consent_request.sudo().token = sent.reference
                self._record_our_post(sent.post, target)
                consent_request.sudo().sent_as = "private"
                sent.done(self.env)
                return self.account_id._notify(
                    self.env._(
                        "The consent link was sent to %(who)s by private message.",
                        who=self.identity_id.name,
                    ),
                    "success",
                )
        self.reply_draft = text
        consent_request.sudo().sent_as = "reply"
        reason = (
            self.env._("Sending it privately failed (%s).", self._error_for_user(error))
            if error
            else self.env._("This platform sends no private messages.")
        )
        return self.account_id._notify(
            reason
            + " "
            + self.env._(
                "The link is in your reply draft: a public reply shows it to everyone, so "
                "consent is only granted once the e-mail address given is confirmed."
            ),
            "warning",
        )

    def action_create_lead(self):
        """Create a lead for the poster (or open their open lead)."""
        self.ensure_one()
        return self._reply_target().action_create_lead()

    def action_send_reply_anyway(self):
        return flow(self, "social_crm_override").action_send_reply()

    # ------------------------------------------------------------------
    # Real-time pop-up
    # ------------------------------------------------------------------
    def _popup_recipients(self):
        """Agents who get the pop-up: those of the conversation's team, or all
        agents of its company when it has no team; only those who may open
        the conversation."""
        self.ensure_one()
        agents = self.team_id._social_crm_popup_agents(self.company_id)
        return agents.filtered(lambda u: self.with_user(u).has_access("read"))

    def _popup_salespeople(self, partner):
        """The customer's salesperson (the contact's, else its commercial
        partner's), when an internal user of the conversation's company who
        may read the contact. Agent rights are not needed."""
        self.ensure_one()
        partner = partner.sudo()
        salesperson = partner.user_id or partner.commercial_partner_id.user_id
        return salesperson.filtered(
            lambda u: (
                u.active
                and not u.share
                and self.company_id in u.company_ids
                and partner.with_user(u).has_access("read")
            )
        )

    def _notify_customer_post(self, post):
        """Push "a known customer posts" to each recipient's browser. Who may
        open the conversation gets a link to it; a salesperson who may not
        gets a link to the contact only. The text stays plain text: the
        browser's notification escapes it."""
        self.ensure_one()
        partner = post.partner_id
        platform = platform_label(post.platform)
        who = (
            self.env._("%(name)s (customer %(ref)s)", name=partner.name, ref=partner.ref)
            if partner.ref
            else partner.name
        )
        text = " ".join((post.text or "").split())
        payload = {
            "conversation_id": self.id,
            "channel_id": self.channel_id.id,
            "message_id": post.id,
            "partner_id": partner.id,
            "title": self.env._("%(who)s on %(platform)s", who=who, platform=platform),
            "text": text if len(text) <= 200 else text[:199] + "…",
        }
        agents = self._popup_recipients()
        agents._bus_send("social_crm/customer_post", payload)
        for salesperson in self._popup_salespeople(partner) - agents:
            mine = {
                **payload,
                "title": self.env._(
                    "Your customer %(who)s on %(platform)s", who=who, platform=platform
                ),
            }
            if not self.with_user(salesperson).has_access("read"):
                # no inbox link: the contact's card, and the post as plain text
                mine.update(conversation_id=False, channel_id=False, message_id=False)
            salesperson._bus_send("social_crm/customer_post", mine)

    # ------------------------------------------------------------------
    # Agent actions
    # ------------------------------------------------------------------
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

    def _record_our_post(self, post, target):
        """Store what we sent (a reply or a private message) in this
        conversation, answering ``target``; the sender takes the conversation.
        Returns the stored post."""
        post.author = post.author or self.account_id._own_profile()
        post.parent_external_id = target.external_id
        post.conversation_key = self.conversation_key
        # our own post takes the short way: no classification, no incoming hooks
        ours = (
            self.env["social_crm.ingest"]
            .with_company(self.company_id)
            ._store_our_posts(self.account_id, [post], agent=self.env.user)
            .with_env(self.env)
        )
        if not self.user_id:
            self.user_id = self.env.user
        return ours

    def action_assign_to_me(self):
        self.write({"user_id": self.env.user.id})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reopen(self):
        self.write({"state": "open"})
