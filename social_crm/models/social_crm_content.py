from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import rights
from ..connectors import ConnectorError
from ._helpers import company_link, error_text, flow, in_flow

#: a request not answered within this time may be sent again
ASK_AGAIN_AFTER = timedelta(days=1)
#: fields only the rights flow writes
EVIDENCE = frozenset(
    {
        "state",
        "published",
        "published_at",
        "request_message_id",
        "requested_at",
        "requested_by",
        "request_wording",
        "terms_wording",
        "terms_version",
        "grant_message_id",
        "granted_at",
        "withdrawn_at",
    }
)


class SocialCrmContent(models.Model):
    """A photo or video a poster shared with a campaign's hashtag.

    The rights to use it are evidenced by the author's own public answer:
    the request we replied with (its wording and terms version kept as
    sent) and the post in which the author replied with the campaign's
    rights keyword. Only entries with granted rights can be published;
    withdrawing unpublishes at once.
    """

    _name = "social_crm.content"
    _description = "User content"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "display_title"

    campaign_id = fields.Many2one(
        "social_crm.content.campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    message_id = fields.Many2one(
        "social_crm.message", "Post", required=True, ondelete="cascade", index=True, readonly=True
    )
    conversation_id = fields.Many2one(related="message_id.conversation_id")
    platform = fields.Selection(related="message_id.platform")
    text = fields.Text(related="message_id.text")
    post_url = fields.Char(related="message_id.url", string="Post URL")
    posted_at = fields.Datetime(related="message_id.posted_at")
    identity_id = fields.Many2one(
        "social_crm.identity",
        "Author",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", "Contact", compute="_compute_partner_id")
    media_urls = fields.Text("Media URLs", readonly=True, help="One URL per line.")
    image_url = fields.Char(compute="_compute_image_url")
    display_title = fields.Char(compute="_compute_display_title")
    state = fields.Selection(
        [
            ("new", "New"),
            ("requested", "Rights requested"),
            ("granted", "Rights granted"),
            ("refused", "Refused"),
            ("withdrawn", "Withdrawn"),
        ],
        default="new",
        required=True,
        tracking=True,
        index=True,
    )
    published = fields.Boolean(tracking=True, readonly=True, copy=False)
    published_at = fields.Datetime(readonly=True, copy=False)
    # the evidence: set by the system, never typed
    request_message_id = fields.Many2one(
        "social_crm.message", "Request sent", readonly=True, ondelete="set null", copy=False
    )
    requested_at = fields.Datetime(readonly=True, copy=False)
    requested_by = fields.Many2one("res.users", readonly=True, copy=False)
    request_wording = fields.Text(
        readonly=True, copy=False, help="The request exactly as it was sent."
    )
    terms_wording = fields.Text(
        "Terms asked for", readonly=True, copy=False, help="The terms as they read when asked."
    )
    terms_version = fields.Char("Terms version", readonly=True, copy=False)
    grant_message_id = fields.Many2one(
        "social_crm.message",
        "Granted in",
        readonly=True,
        ondelete="set null",
        copy=False,
        help="The author's post that answered the request with the rights keyword.",
    )
    granted_at = fields.Datetime(readonly=True, copy=False)
    withdrawn_at = fields.Datetime(readonly=True, copy=False)
    withdraw_reason = fields.Char(
        "Reason", help="How the author withdrew, e.g. 'by DM on 3 May'.", copy=False
    )

    _sql_constraints = [
        (
            "campaign_message_unique",
            "UNIQUE(campaign_id, message_id)",
            "This post is already an entry of the campaign.",
        ),
    ]

    @api.depends("identity_id.partner_id", "company_id")
    def _compute_partner_id(self):
        company_link(self, "identity_id")

    def _compute_image_url(self):
        for entry in self:
            media = rights.public_media(entry.media_urls)
            entry.image_url = media[0] if media else False

    @api.depends("identity_id.handle", "campaign_id.hashtag")
    def _compute_display_title(self):
        for entry in self:
            who = entry.identity_id.handle or entry.identity_id.name or ""
            entry.display_title = f"#{entry.campaign_id.hashtag} @{who}".strip()

    def write(self, vals):
        """The rights and their evidence change only through the flow (the
        buttons, the author's answer), never by a typed value: an agent
        cannot mark rights granted over the ORM or JSON-RPC."""
        if EVIDENCE & set(vals) and not (self.env.su or in_flow(self, "social_crm_rights_flow")):
            raise UserError(
                self.env._(
                    "The rights of an entry change only through its buttons or the "
                    "author's answer: %s cannot be set by hand.",
                    ", ".join(sorted(EVIDENCE & set(vals))),
                )
            )
        return super().write(vals)

    def _flow_write(self, vals):
        return flow(self, "social_crm_rights_flow").write(vals)

    @api.constrains("published", "state")
    def _check_published(self):
        for entry in self:
            if entry.published and entry.state != "granted":
                raise ValidationError(
                    self.env._("Only entries whose author granted the rights can be published.")
                )

    # ------------------------------------------------------------------
    # Ingestion (called for every batch of new posts)
    # ------------------------------------------------------------------
    @api.model
    def _ingest_hook_content(self, messages, batch):
        """Ingestion hook (social_crm_ingest.py): photo campaigns and rights."""
        self._on_new_posts(messages)

    @api.model
    def _on_new_posts(self, messages):
        """Rights answers first (an answer is rarely an entry), then entries."""
        incoming = messages.filtered(lambda m: m.direction == "in" and m.author_identity_id)
        if incoming:
            self._check_grants(incoming)
            self._check_withdrawals(incoming)
            self._collect(incoming)

    @api.model
    def _collect(self, messages):
        """Make entries of posts with a running campaign's hashtag and a
        photo or video, on the campaign's accounts. Idempotent."""
        companies = messages.company_id
        campaigns = (
            self.env["social_crm.content.campaign"]
            .sudo()
            .search([("state", "=", "running"), ("company_id", "in", companies.ids)])
        )
        if not campaigns:
            return self.browse()
        with_media = messages.filtered("media_urls")
        existing = set(
            self.sudo()
            .search([("message_id", "in", with_media.ids), ("campaign_id", "in", campaigns.ids)])
            .mapped(lambda e: (e.campaign_id.id, e.message_id.id))
        )
        vals_list = []
        for campaign in campaigns:
            accounts = campaign._listening_accounts()
            for message in with_media:
                if (
                    message.account_id in accounts
                    and (campaign.id, message.id) not in existing
                    and rights.is_entry(message.text, message.media_urls, campaign.hashtag)
                ):
                    vals_list.append(
                        {
                            "campaign_id": campaign.id,
                            "message_id": message.id,
                            "identity_id": message.author_identity_id.id,
                            "media_urls": "\n".join(rights.public_media(message.media_urls)),
                        }
                    )
        return self.sudo().create(vals_list)

    @api.model
    def _check_grants(self, messages):
        """An author's answer with the rights keyword, in the entry's
        conversation and after our request, grants the rights to that entry."""
        waiting = self.sudo().search(
            [
                ("state", "=", "requested"),
                ("identity_id", "in", messages.author_identity_id.ids),
                ("request_message_id", "!=", False),
            ]
        )
        for entry in waiting:
            for message in messages.sorted("id"):
                if (
                    message.author_identity_id == entry.identity_id
                    and message.conversation_id == entry.conversation_id
                    and message.id > entry.request_message_id.id
                    and rights.grants(message.text, entry.campaign_id.rights_keyword)
                ):
                    entry._grant(message)
                    break

    @api.model
    def _check_withdrawals(self, messages):
        """An author with granted rights who asks to remove the photo (in any
        post), or withdraws in the photo's conversation, withdraws content
        reuse: every granted entry of theirs goes offline at once. Unpublishing
        by mistake costs a new request; missing a withdrawal would cost more."""
        granted = self.sudo().search(
            [("state", "=", "granted"), ("identity_id", "in", messages.author_identity_id.ids)]
        )
        for message in messages.sorted("id"):
            mine = granted.filtered(
                lambda e, m=message: e.identity_id == m.author_identity_id and e.state == "granted"
            )
            if any(
                message.id > (entry.grant_message_id.id or 0)
                and rights.withdraws(
                    message.text,
                    entry.campaign_id.rights_keyword,
                    in_thread=message.conversation_id == entry.conversation_id,
                )
                for entry in mine
            ):
                self._log_content_reuse(
                    message.author_identity_id,
                    "withdraw",
                    message.company_id,
                    message=message,
                    note=self.env._(
                        "Withdrawn in a post of %s.", fields.Datetime.to_string(message.posted_at)
                    ),
                )

    @api.model
    def _log_content_reuse(self, identity, event, company, message=None, agent=False, **vals):
        """A content-reuse event in the consent log for ``identity`` (and its
        contact). Recorded by the system unless ``agent``; ``message`` is the
        post that says so."""
        Consent = self.env["social_crm.consent"]
        return (Consent if agent else Consent.sudo()).create(
            {
                "partner_id": identity.partner_id.id,
                "identity_id": identity.id,
                "purpose": "content_reuse",
                "event": event,
                "channel": "social",
                "message_id": message.id if message else False,
                "company_id": company.id,
                **({} if agent else {"user_id": False}),
                **vals,
            }
        )

    def _grant(self, message):
        """The author said yes in ``message``: granted, and logged in the
        consent log (content reuse, with the post and the terms as evidence)."""
        self.ensure_one()
        self._flow_write(
            {
                "state": "granted",
                "grant_message_id": message.id,
                "granted_at": fields.Datetime.now(),
            }
        )
        self._log_content_reuse(
            self.identity_id,
            "grant",
            self.company_id,
            message=message,
            source_url=self.campaign_id.terms_url,
            wording=self.terms_wording,
            wording_version=f"photo-{self.terms_version}",
            note=self.env._(
                "Photo campaign %(campaign)s: %(entry)s",
                campaign=self.campaign_id.name,
                entry=self.post_url or self.display_title,
            ),
        )
        self.message_post(
            body=self.env._(
                "Rights granted by %(author)s in their post of %(when)s, on the terms of version "
                "%(version)s.",
                author=self.identity_id.name,
                when=fields.Datetime.to_string(message.posted_at),
                version=self.terms_version,
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------
    # Agent actions
    # ------------------------------------------------------------------
    def action_request_rights(self):
        """Reply to each entry asking for the rights, with the campaign's
        request. A reply the platform refuses changes nothing for that entry;
        the others are still asked (a sent reply cannot be unsent)."""
        sent, failed = 0, []
        self._lock_for_request()
        recently = fields.Datetime.now() - ASK_AGAIN_AFTER
        for entry in self:
            if entry.state == "requested" and entry.requested_at > recently:
                raise UserError(
                    self.env._(
                        "%(entry)s was asked for the rights on %(when)s: give the author a day "
                        "to answer before asking again.",
                        entry=entry.display_title,
                        when=fields.Datetime.to_string(entry.requested_at),
                    )
                )
            if entry.state not in ("new", "requested"):
                raise UserError(
                    self.env._(
                        "The rights to %(entry)s are %(state)s already: nothing to ask.",
                        entry=entry.display_title,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            entry.state
                        ].lower(),
                    )
                )
        self.conversation_id._lock_for_send()
        for entry in self:
            campaign = entry.campaign_id
            text = str(campaign._render_field("request_text", entry.ids)[entry.id]).strip()
            conversation = entry.conversation_id
            target = entry.message_id
            connector = target.account_id._get_connector()
            try:
                request = self.env["social_crm.outbound"]._send_once(
                    conversation,
                    "rights",
                    target.external_id,
                    text,
                    lambda key, e=entry, c=connector, t=text: e._rights_send(c, t, key),
                )
            except (ConnectorError, UserError) as error:
                failed.append(f"{entry.display_title}: {error_text(self.env, error)}")
                continue
            ours = conversation._record_our_post(request.post, target)
            entry._flow_write(
                {
                    "state": "requested",
                    "request_message_id": ours[:1].id,
                    "requested_at": fields.Datetime.now(),
                    "requested_by": self.env.user.id,
                    "request_wording": request.text or text,
                    "terms_wording": campaign.terms,
                    "terms_version": campaign.terms_version,
                }
            )
            request.done(self.env)
            sent += 1
        message = self.env._("Rights requested for %(count)s entries.", count=sent)
        if failed:
            message += " " + self.env._("Not sent: %s", "; ".join(failed))
        return self.env["social_crm.account"]._notify(message, "warning" if failed else "success")

    def _rights_send(self, connector, text, key):
        """Send the rights request ``text``: a public reply to the entry."""
        self.ensure_one()
        return connector.reply(text, in_reply_to=self.message_id.external_id, idempotency_key=key)

    def _lock_for_request(self):
        """Lock the entries before anything is posted, so two agents (or a
        double click) cannot both send a request: the second is told at once,
        before any reply leaves, instead of being retried after the first."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM social_crm_content WHERE id = ANY(%s) FOR UPDATE NOWAIT",
                    [self.ids],
                )
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure) as error:
            raise UserError(
                self.env._("Someone else is asking for these rights right now: refresh the page.")
            ) from error

    def action_publish(self):
        not_granted = self.filtered(lambda e: e.state != "granted")
        if not_granted:
            raise UserError(
                self.env._(
                    "Only entries whose author granted the rights can be published: %s",
                    ", ".join(not_granted.mapped("display_title")),
                )
            )
        self._flow_write({"published": True, "published_at": fields.Datetime.now()})
        return True

    def action_unpublish(self):
        self._flow_write({"published": False})
        return True

    def action_refused(self):
        """The author said no (or never answered): the entry is not used."""
        self._flow_write({"state": "refused", "published": False})
        return True

    def action_withdraw(self):
        """The author withdrew the rights: a withdrawal of content reuse in
        the consent log, which takes every granted entry of theirs offline
        at once (``_rights_withdrawn``); the entries stay as a record."""
        for entry in self:
            if entry.state != "granted":
                raise UserError(
                    self.env._("Only granted rights can be withdrawn (%s).", entry.display_title)
                )
        for entry in self:
            self._log_content_reuse(
                entry.identity_id,
                "withdraw",
                entry.company_id,
                agent=True,
                note=entry.withdraw_reason
                or self.env._("Withdrawn for %s, recorded by an agent.", entry.display_title),
            )
        return True

    @api.model
    def _rights_withdrawn(self, identities, consents):
        """Content reuse was withdrawn for ``identities``: their granted
        entries are withdrawn and unpublished."""
        entries = self.search([("identity_id", "in", identities.ids), ("state", "=", "granted")])
        entries._flow_write(
            {"state": "withdrawn", "published": False, "withdrawn_at": fields.Datetime.now()}
        )
        for entry in entries:
            entry.message_post(
                body=self.env._("Rights withdrawn: %s", consents[:1].note or ""),
                subtype_xmlid="mail.mt_note",
            )
        return entries

    def action_open_conversation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.conversation",
            "res_id": self.conversation_id.id,
            "view_mode": "form",
        }
