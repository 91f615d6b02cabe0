from odoo import api, fields, models

from .. import classify
from ..connectors.platforms import PLATFORMS
from ._helpers import INTENTS, SENTIMENTS, company_link


class SocialCrmMessage(models.Model):
    """One post, in or out. Its text is plain text: stored as received and
    always shown escaped, never as HTML."""

    _name = "social_crm.message"
    _description = "Social post"
    _order = "posted_at desc, id desc"
    _rec_name = "summary"

    conversation_id = fields.Many2one(
        "social_crm.conversation", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one(
        "social_crm.account", required=True, ondelete="cascade", index=True
    )
    stream_id = fields.Many2one("social_crm.stream", ondelete="set null", index="btree_not_null")
    platform = fields.Selection(PLATFORMS, required=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    external_id = fields.Char("External id", required=True)
    parent_id = fields.Many2one("social_crm.message", "Reply to", ondelete="set null")
    parent_external_id = fields.Char("Reply to (external id)")
    author_identity_id = fields.Many2one(
        "social_crm.identity", "Author", ondelete="set null", index="btree_not_null"
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Contact",
        compute="_compute_partner_id",
        store=True,
        help="The contact this post's company linked the author to.",
    )
    text = fields.Text()
    summary = fields.Char(compute="_compute_summary")
    url = fields.Char("URL")
    media_urls = fields.Text("Media URLs", help="One URL per line.")
    posted_at = fields.Datetime("Posted at", index=True)
    received_at = fields.Datetime("Received at", default=fields.Datetime.now)
    direction = fields.Selection(
        [("in", "Incoming"), ("out", "Outgoing")], required=True, default="in"
    )
    lang = fields.Char("Language", help="As detected by social_crm, else as the platform said.")
    sentiment = fields.Selection(SENTIMENTS, index=True)
    sentiment_score = fields.Float("Sentiment score", digits=(3, 2))
    intent = fields.Selection(INTENTS, index=True)
    priority_score = fields.Float(
        "Priority score",
        digits=(5, 1),
        aggregator="max",
        help="0 to 100 when the post came in, from its intent and sentiment, the "
        "author's reach and whether they are a known contact. The inbox adds waiting time.",
    )
    chatter_message_id = fields.Many2one(
        "mail.message", "Logged as", ondelete="set null", readonly=True, copy=False
    )
    erased = fields.Boolean(
        readonly=True,
        index=True,
        help="Text and author removed (erasure request or retention policy); "
        "only the counts remain.",
    )
    user_id = fields.Many2one("res.users", "Sent by", help="The agent who sent this reply.")

    _sql_constraints = [
        # two accounts of one company that catch the same post answer it once
        (
            "external_unique",
            "UNIQUE(platform, external_id, company_id)",
            "This post is already stored for this company.",
        ),
    ]

    @api.depends("author_identity_id.partner_id", "company_id")
    def _compute_partner_id(self):
        company_link(self, "author_identity_id")

    def action_create_lead(self):
        """Create a lead for this post's author (or open their open lead)."""
        self.ensure_one()
        lead = self.env["crm.lead"]._social_crm_from_identity(self.author_identity_id, self)
        return lead._social_crm_open()

    def _classify(self):
        """Classify stored posts again (e.g. after the classifier changed)."""
        Adaptation = self.env["social_crm.adaptation"]
        for message in self:
            adaptation = Adaptation._for_company(message.company_id)
            found = classify.classify(message.text or "", adaptation=adaptation)
            message.write(
                {
                    "sentiment": found["sentiment"],
                    "sentiment_score": found["scores"]["compound"],
                    "intent": found["intent"],
                    "lang": found["lang"] if found["lang"] != "und" else message.lang,
                }
            )

    # ------------------------------------------------------------------
    # Ingestion hooks (see social_crm_ingest.py for the order and contract)
    # ------------------------------------------------------------------
    @api.model
    def _ingest_extra_values(self, post):
        """Extra field values of the row stored for connector ``post``."""
        return {}

    @api.model
    def _ingest_hook_funnel(self, messages, batch):
        """We replied to them, or they replied to one of our posts: engaged."""
        for message in messages:
            if message.direction == "out":
                started_by = message.conversation_id.identity_id
                started_by._funnel_advance("engaged", "reply_sent", message=message)
                continue
            parent = message.parent_id
            if parent and parent.direction == "out" and message.author_identity_id:
                message.author_identity_id._funnel_advance(
                    "engaged", "reply_received", message=message
                )

    @api.model
    def _ingest_hook_matching(self, messages, batch):
        """A post by an unmatched author may carry a suggestion's code, or
        evidence (a DM with a customer number): check codes, match again."""
        unknown = messages.filtered(
            lambda m: m.direction == "in" and m.author_identity_id and not m.partner_id
        )
        for message in unknown:
            message.author_identity_id.suggestion_ids._check_codes(message)
        rematch = unknown.author_identity_id.filtered(lambda i: not i.partner_id)
        if rematch:
            rematch.match_state = "pending"
            rematch._trigger_matching()

    @api.depends("text")
    def _compute_summary(self):
        for message in self:
            text = " ".join((message.text or "").split())
            message.summary = text if len(text) <= 80 else text[:79] + "…"

    # ------------------------------------------------------------------
    # Ingestion: the one entry for demo, cron, webhooks and our own posts
    # ------------------------------------------------------------------
    @api.model
    def _ingest(self, account, posts, stream=None, direction="in"):
        """Store connector posts, idempotently: the pipeline in
        ``social_crm_ingest.py`` (incoming), or the short way of our own
        posts (``direction="out"``). Posts already stored for the account's
        company are skipped, so the same page ingested twice yields the same
        records.

        :return: the newly created messages
        """
        if self.env.company != account.company_id:
            # links, stages, pop-ups: everything below is the account company's own
            return (
                self.with_company(account.company_id)
                ._ingest(account, posts, stream=stream, direction=direction)
                .with_env(self.env)
            )
        Ingest = self.env["social_crm.ingest"]
        if direction == "out":
            messages = Ingest._store_our_posts(account, posts)
        else:
            messages = Ingest._ingest_posts(account, posts, stream=stream)
        return messages.with_env(self.env)
