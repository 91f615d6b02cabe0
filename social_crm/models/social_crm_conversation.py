from odoo import api, fields, models
from odoo.exceptions import UserError

from ..connectors import ConnectorError
from ._helpers import count_by
from .social_crm_account import PLATFORMS

PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]


class SocialCrmConversation(models.Model):
    """A conversation on a platform: the unit webcare agents work on.

    Posts (``social_crm.message``) are its log lines; it carries the
    workflow: state, assignee, priority and first response time.
    """

    _name = "social_crm.conversation"
    _description = "Social conversation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, last_message_at desc, id desc"

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
        related="identity_id.partner_id", store=True, string="Contact", index="btree_not_null"
    )
    post_ids = fields.One2many("social_crm.message", "conversation_id", "Posts")
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

    _sql_constraints = [
        (
            "key_unique",
            "UNIQUE(platform, conversation_key, company_id)",
            "This conversation already exists for this company.",
        ),
    ]

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

    def _on_new_messages(self, messages, agent):
        """Update the workflow and log new posts in the chatter."""
        for conversation in self:
            posts = messages.filtered(lambda m, c=conversation: m.conversation_id == c)
            incoming = posts.filtered(lambda m: m.direction == "in")
            outgoing = posts - incoming
            vals = {
                "last_message_at": max(
                    [conversation.last_message_at or posts[0].posted_at] + posts.mapped("posted_at")
                )
            }
            if incoming:
                if not conversation.identity_id:
                    vals["identity_id"] = incoming[0].author_identity_id.id
                if not conversation.first_inbound_at:
                    vals["first_inbound_at"] = min(incoming.mapped("posted_at"))
                if conversation.state in ("replied", "closed"):
                    vals["state"] = "open"
            if outgoing:
                vals["state"] = "replied"
                if not conversation.first_response_at:
                    vals["first_response_at"] = min(outgoing.mapped("received_at"))
            conversation.write(vals)
            for post in posts.sorted(lambda m: (m.posted_at, m.id)):
                conversation._log_post(post, agent)
            known = incoming.filtered("partner_id")
            if known:
                conversation._notify_customer_post(known.sorted("posted_at")[-1])

    # ------------------------------------------------------------------
    # Real-time pop-up
    # ------------------------------------------------------------------
    def _popup_recipients(self):
        """Agents of the conversation's company, and of its team if it has one."""
        self.ensure_one()
        agents = self.env.ref("social_crm.group_social_crm_agent").sudo().users
        agents = agents.filtered(lambda u: self.company_id in u.company_ids and not u.share)
        team = self.team_id
        if team:
            agents = agents & (team.member_ids | team.user_id)
        return agents

    def _notify_customer_post(self, post):
        """Push "a known customer posts" to each recipient's browser."""
        self.ensure_one()
        partner = post.partner_id
        platform = dict(PLATFORMS).get(post.platform, post.platform)
        who = (
            self.env._("%(name)s (customer %(ref)s)", name=partner.name, ref=partner.ref)
            if partner.ref
            else partner.name
        )
        text = " ".join((post.text or "").split())
        payload = {
            "conversation_id": self.id,
            "message_id": post.id,
            "partner_id": partner.id,
            "title": self.env._("%(who)s on %(platform)s", who=who, platform=platform),
            "text": text if len(text) <= 200 else text[:199] + "…",
        }
        self._popup_recipients()._bus_send("social_crm/customer_post", payload)

    def _log_post(self, post, agent):
        """Log a post in the chatter. The text is passed as ``str``, which
        ``message_post`` escapes: post text is never rendered as HTML."""
        if post.direction == "out":
            author = {"author_id": agent.partner_id.id}
        else:
            identity = post.author_identity_id
            platform = dict(PLATFORMS).get(post.platform, post.platform)
            who = identity.name if identity else self.env._("Unknown author")
            author = {"author_id": False, "email_from": f"{who} on {platform}"}
        self.with_context(mail_create_nosubscribe=True).message_post(
            body=post.text or "",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            **author,
        )

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
        text = (self.reply_draft or "").strip()
        if not text:
            raise UserError(self.env._("Write a reply first."))
        target = self._reply_target()
        if not target:
            raise UserError(self.env._("This conversation has no post to reply to."))
        account = self.account_id
        try:
            post = account._get_connector().reply(text, in_reply_to=target.external_id)
        except ConnectorError as error:
            raise UserError(
                self.env._("The reply was not posted: %(error)s\nYour draft is kept.", error=error)
            ) from error
        post.author = post.author or account._own_profile()
        post.parent_external_id = target.external_id
        post.conversation_key = self.conversation_key
        self.env["social_crm.message"]._ingest(account, [post], direction="out")
        self.reply_draft = False
        if not self.user_id:
            self.user_id = self.env.user
        return True

    def action_assign_to_me(self):
        self.write({"user_id": self.env.user.id})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reopen(self):
        self.write({"state": "open"})
