import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import classify, reviews
from ._helpers import INTENTS, SENTIMENTS, by_token, company_manager, flow, in_flow

#: how long a review link stays valid once sent
LINK_VALID = timedelta(days=30)
#: what only the review's own flow writes
FLOW_ONLY = frozenset(
    {"state", "published_at", "hold_reason", "sent_at", "expires_at", "partner_id", "lead_id"}
    | {"sentiment", "intent"}
)


class SocialCrmReview(models.Model):
    """A customer review, Booking.com style: invited after a won deal,
    written on a personal page, published whatever its rating, answered in
    public by the company. Held only when it shows contact details or a
    link; rejected only for a policy reason."""

    _name = "social_crm.review"
    _description = "Customer review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "submitted_at desc, id desc"
    _rec_name = "display_title"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    lead_id = fields.Many2one(
        "crm.lead", "Won deal", index="btree_not_null", ondelete="set null", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("to_send", "To send"),
            ("sent", "Invited"),
            ("held", "To check"),
            ("published", "Published"),
            ("rejected", "Rejected"),
            ("expired", "Expired"),
        ],
        default="to_send",
        required=True,
        index=True,
        tracking=True,
        readonly=True,
    )
    send_after = fields.Datetime("Invite on", index=True, default=fields.Datetime.now)
    sent_at = fields.Datetime("Invited on", readonly=True)
    expires_at = fields.Datetime("Link valid until", readonly=True)
    access_token = fields.Char(
        required=True,
        copy=False,
        readonly=True,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(32),
    )
    rating = fields.Selection(reviews.RATINGS, readonly=True, tracking=True)
    title = fields.Char(readonly=True)
    text = fields.Text(readonly=True)
    submitted_at = fields.Datetime(readonly=True)
    hold_reason = fields.Char("Held because", readonly=True)
    published_at = fields.Datetime(readonly=True)
    reject_reason = fields.Selection(reviews.REJECT_REASONS, tracking=True)
    reject_note = fields.Char("Explanation")
    response = fields.Text(
        "Our public response", tracking=True, help="Shown under the review on the reviews page."
    )
    response_by = fields.Many2one("res.users", readonly=True)
    sentiment = fields.Selection(SENTIMENTS, readonly=True)
    intent = fields.Selection(INTENTS, readonly=True)
    public_name = fields.Char("Shown as", compute="_compute_public_name")
    display_title = fields.Char(compute="_compute_display_title")

    _sql_constraints = [
        ("lead_unique", "UNIQUE(lead_id)", "This deal already has a review request."),
        ("token_unique", "UNIQUE(access_token)", "The review link must be unique."),
    ]

    @api.depends("partner_id.name")
    def _compute_public_name(self):
        for review in self:
            review.public_name = reviews.public_name(review.partner_id.name)

    @api.depends("partner_id.name", "rating")
    def _compute_display_title(self):
        for review in self:
            stars = f" ({review.rating}/5)" if review.rating else ""
            review.display_title = f"{review.partner_id.name or ''}{stars}"

    # ------------------------------------------------------------------
    # Inviting
    # ------------------------------------------------------------------
    @api.model
    def _invite_for_won(self, leads):
        """A review request for each newly won deal of a customer with an
        e-mail address, when the company invites reviews; sent after the
        company's delay, once per deal."""
        vals_list = []
        known = set(self.sudo().search([("lead_id", "in", leads.ids)]).lead_id.ids)
        for lead in leads:
            company = lead.company_id or self.env.company
            delay = company.social_crm_review_delay_days
            partner = lead.partner_id
            if delay <= 0 or not partner.email or lead.id in known:
                continue
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "lead_id": lead.id,
                    "company_id": company.id,
                    "send_after": fields.Datetime.now() + timedelta(days=delay),
                }
            )
        return self.sudo().create(vals_list)

    @api.model
    def _cron_send(self, batch_size=100):
        """Scheduled action: send the due invitations (skipping blacklisted
        addresses), expire links not used in time, batch by batch."""
        now = fields.Datetime.now()
        self.search([("state", "=", "sent"), ("expires_at", "<", now)])._flow_write(
            {"state": "expired"}
        )
        due = [("state", "=", "to_send"), ("send_after", "<=", now)]
        batch = self.search(due, limit=batch_size, order="send_after, id")
        template = self.env.ref("social_crm.mail_template_review_request")
        blacklisted = set(
            self.env["mail.blacklist"]
            .sudo()
            .search([("email", "in", [p.email_normalized for p in batch.partner_id])])
            .mapped("email")
        )
        for review in batch:
            if not review.partner_id.email or review.partner_id.email_normalized in blacklisted:
                review._flow_write({"state": "expired"})
                review.message_post(
                    body=self.env._("Not sent: the customer has no e-mail address or opted out.")
                )
                continue
            template.send_mail(review.id)
            review._flow_write({"state": "sent", "sent_at": now, "expires_at": now + LINK_VALID})
        remaining = self.search_count(due)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)

    def _review_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/social_crm/review/{self.sudo().access_token}"

    @api.model
    def _from_token(self, token):
        """The review behind a personal link that can still be used."""
        review = by_token(self, token)
        now = fields.Datetime.now()
        if review.state != "sent" or (review.expires_at and review.expires_at < now):
            return self.browse()
        return review

    # ------------------------------------------------------------------
    # Writing and publishing
    # ------------------------------------------------------------------
    def _submit(self, rating, title, text):
        """The customer's review from the page: published at once, unless it
        shows contact details or a link (held for a person). A low rating is
        published like any other and gives the team a to-do to respond."""
        self.ensure_one()
        rating, title, text = reviews.clean_submission(rating, title, text)
        held = reviews.hold_reason(title, text)
        found = classify.classify(f"{title}\n{text}") if (title or text) else {}
        now = fields.Datetime.now()
        self._flow_write(
            {
                "rating": rating,
                "title": title,
                "text": text,
                "submitted_at": now,
                "state": "held" if held else "published",
                "hold_reason": held or False,
                "published_at": False if held else now,
                "sentiment": found.get("sentiment", False),
                "intent": found.get("intent", False),
            }
        )
        owner = self._owner()
        if held and owner:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Check a review: it shows %s", held),
                user_id=owner.id,
            )
        if int(rating) <= reviews.LOW_RATING and owner:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Respond to a %s-star review", rating),
                user_id=owner.id,
            )

    def _owner(self):
        """The deal's team lead or salesperson, else a manager of the company."""
        lead = self.lead_id
        return lead.team_id.user_id or lead.user_id or company_manager(self.env, self.company_id)

    def _check_moderator(self):
        if not self.env.user.has_group("social_crm.group_social_crm_manager"):
            raise UserError(self.env._("Only Social CRM managers publish or reject reviews."))

    def action_publish(self):
        """Publish a held review once its contact details are no concern."""
        self._check_moderator()
        for review in self:
            if review.state not in ("held", "rejected"):
                raise UserError(
                    self.env._("Only reviews to check or rejected ones can be published.")
                )
        self._flow_write(
            {
                "state": "published",
                "published_at": fields.Datetime.now(),
                "reject_reason": False,
                "reject_note": False,
            }
        )
        return True

    def action_reject(self):
        """Reject for a policy reason (never for the rating): say which."""
        self._check_moderator()
        for review in self:
            if not review.reject_reason:
                raise UserError(
                    self.env._(
                        "Choose why the review breaks the policy (a low rating is no reason): "
                        "personal data, abuse, off topic, spam or not by the customer."
                    )
                )
            if review.state not in ("held", "published"):
                raise UserError(self.env._("Only submitted reviews can be rejected."))
        self._flow_write({"state": "rejected", "published_at": False})
        return True

    def write(self, vals):
        """The customer's words never change; the state and its dates change
        only through the flow (the page, the cron, the buttons), so nobody
        hides a low score over JSON-RPC. The response is free to write."""
        if "response" in vals:
            vals = dict(vals, response_by=self.env.user.id if vals["response"] else False)
        if self.env.su or in_flow(self, "social_crm_review_flow"):
            return super().write(vals)
        if {"rating", "title", "text", "submitted_at"} & set(vals):
            raise UserError(
                self.env._("A review is the customer's own words: nobody can change it.")
            )
        if FLOW_ONLY & set(vals):
            raise UserError(
                self.env._(
                    "A review is sent, published or rejected only with its buttons "
                    "(%s cannot be set by hand).",
                    ", ".join(sorted(FLOW_ONLY & set(vals))),
                )
            )
        return super().write(vals)

    def _flow_write(self, vals):
        return flow(self, "social_crm_review_flow").write(vals)
