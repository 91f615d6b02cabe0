import logging

from odoo import api, fields, models

from .. import triage
from ..connectors.base import DM_PREFIX
from ..connectors.platforms import PLATFORMS
from ._helpers import INTENTS, SENTIMENTS, company_link, count_by
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


class SocialCrmConversation(models.Model):
    """A conversation on a platform: the unit webcare agents work on.

    Posts (``social_crm.message``) are its log lines; it carries the
    workflow: state, assignee, priority and first response time.

    Features live in ``_inherit`` files named for them:
    ``social_crm_conversation_sla`` (service level, triage cron),
    ``_assign`` (round robin), ``_reply`` (reply box, collision guard,
    sending), ``_popup``, ``_customer`` (customer card), ``_consent``
    (consent request, lead). The decisions are plain Python in
    :mod:`..triage`.
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
    identity_advocate_score = fields.Float(
        related="identity_id.advocate_score", string="Advocate score"
    )
    identity_advocate_reasons = fields.Char(related="identity_id.advocate_reasons", string="Why")
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

    def _compute_post_count(self):
        counts = count_by(self, "social_crm.message", "conversation_id")
        for conversation in self:
            conversation.post_count = counts.get(conversation, 0)

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
        """State, times, intent and sentiment after new ``posts`` (the rules:
        :func:`..triage.workflow_values`)."""
        self.ensure_one()
        return triage.workflow_values(self._triage_facts(), self._triage_post_facts(posts))

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
            vals["priority_score"], vals["priority_reasons"] = triage.conversation_priority(
                conversation._triage_facts(),
                now,
                identity.followers_count,
                identity.verified,
                bool(conversation.partner_id),
                values.get(conversation.partner_id.commercial_partner_id.id, 0.0),
            )
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
