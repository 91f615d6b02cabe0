import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .. import reviews
from ..connectors import ConnectorError
from ..connectors.reviews_api import ApprovalNeeded
from .social_crm_guard import system

_logger = logging.getLogger(__name__)

SOURCES = [("google", "Google"), ("trustpilot", "Trustpilot"), ("facebook", "Facebook")]
RECOMMENDATIONS = [("positive", "Recommends"), ("negative", "Does not recommend")]
#: what an author may change in a review; each change keeps the previous words
EDITABLE = ("rating", "recommendation", "title", "text")


class SocialCrmExternalReview(models.Model):
    """A review of the company on another platform (Google, Trustpilot, a
    Facebook recommendation). Unlike our own reviews, its author may edit
    it there: each edit keeps the previous version. Our reply goes back
    through the platform."""

    _name = "social_crm.external.review"
    _description = "Review on another platform"
    _inherit = ["mail.thread", "social_crm.guarded"]
    _order = "posted_at desc, id desc"
    _rec_name = "display_title"
    _social_crm_protected = frozenset(
        {"source", "account_id", "external_id", "identity_id", "author_name", "url"}
        | {"rating", "recommendation", "title", "text", "language", "posted_at", "edited_at"}
        | {"edit_count", "reply_state", "reply_sent_at", "reply_error", "erased"}
    )

    source = fields.Selection(SOURCES, required=True, index=True, readonly=True)
    account_id = fields.Many2one(
        "social_crm.account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, readonly=True
    )
    external_id = fields.Char("Platform id", required=True, readonly=True)
    identity_id = fields.Many2one(
        "social_crm.identity", "Author", index="btree_not_null", ondelete="set null", readonly=True
    )
    partner_id = fields.Many2one("res.partner", "Contact", compute="_compute_partner_id")
    author_name = fields.Char("Written by", readonly=True)
    rating = fields.Selection(reviews.RATINGS, readonly=True, help="Stars, 1 to 5.")
    recommendation = fields.Selection(
        RECOMMENDATIONS, readonly=True, help="Facebook: a recommendation, without stars."
    )
    title = fields.Char(readonly=True)
    text = fields.Text(readonly=True)
    language = fields.Char(readonly=True)
    url = fields.Char("Link", readonly=True)
    posted_at = fields.Datetime("Written on", readonly=True)
    edited_at = fields.Datetime("Last edited on", readonly=True)
    edit_count = fields.Integer("Edits", readonly=True)
    version_ids = fields.One2many(
        "social_crm.external.review.version", "review_id", "Earlier versions", readonly=True
    )
    reply_text = fields.Text("Our public reply")
    reply_state = fields.Selection(
        [("none", "No reply"), ("sent", "Sent"), ("failed", "Not sent")],
        default="none",
        required=True,
        readonly=True,
        tracking=True,
    )
    reply_sent_at = fields.Datetime(readonly=True)
    reply_error = fields.Text("Why the reply was not sent", readonly=True)
    erased = fields.Boolean(readonly=True)
    display_title = fields.Char(compute="_compute_display_title")

    _sql_constraints = [
        (
            "external_unique",
            "UNIQUE(account_id, external_id)",
            "This review is already stored for this account.",
        )
    ]

    @api.depends("identity_id", "company_id")
    def _compute_partner_id(self):
        for review in self:
            identity = review.identity_id.with_company(review.company_id)
            review.partner_id = identity.partner_id

    @api.depends("source", "author_name", "rating", "recommendation")
    def _compute_display_title(self):
        sources = dict(SOURCES)
        for review in self:
            if review.rating:
                score = f"{review.rating}/5"
            else:
                score = "+" if review.recommendation == "positive" else "-"
                score = score if review.recommendation else ""
            name = review.author_name or "?"
            review.display_title = f"{sources.get(review.source, '')}: {name} {score}".strip()

    # ------------------------------------------------------------------
    # Storing what the platforms send
    # ------------------------------------------------------------------
    @api.model
    def _values(self, item):
        return {
            "rating": str(item.rating) if item.rating else False,
            "recommendation": item.recommendation or False,
            "title": item.title or False,
            "text": item.text or False,
        }

    @api.model
    def _store(self, account, items):
        """Store the reviews ``items`` (:class:`ExternalReview`) of
        ``account``: once per (account, platform id). An edit by the author
        keeps the previous words as a version. Authors become identities,
        matched to contacts like the authors of posts.

        :return: (created, edited) counts
        """
        latest = {item.external_id: item for item in items if item.external_id}
        if not latest:
            return 0, 0
        Identity = self.env["social_crm.identity"].sudo()
        people = Identity._upsert_profiles(
            account.platform, [i.author for i in latest.values() if i.author]
        )
        found = (
            self.sudo()
            .with_context(active_test=False)
            .search([("account_id", "=", account.id), ("external_id", "in", list(latest))])
        )
        by_id = {review.external_id: review for review in found}
        new, edited = [], 0
        Version = self.env["social_crm.external.review.version"].sudo()
        for external_id, item in latest.items():
            vals = self._values(item)
            identity = people.get(item.author.user_id) if item.author else None
            review = by_id.get(external_id)
            if not review:
                vals.update(
                    source=item.source,
                    account_id=account.id,
                    external_id=external_id,
                    identity_id=identity.id if identity else False,
                    author_name=(item.author.display_name if item.author else "") or False,
                    language=item.language or False,
                    url=item.url or False,
                    posted_at=item.created_at or fields.Datetime.now(),
                    edited_at=item.updated_at
                    if item.updated_at and item.updated_at != item.created_at
                    else False,
                )
                if item.reply_text:
                    vals.update(
                        reply_text=item.reply_text, reply_state="sent", reply_sent_at=item.reply_at
                    )
                new.append(vals)
                continue
            if review.erased:
                continue
            if any((review[name] or False) != vals[name] for name in EDITABLE):
                Version.create(
                    {
                        "review_id": review.id,
                        "rating": review.rating,
                        "recommendation": review.recommendation,
                        "title": review.title,
                        "text": review.text,
                        "written_at": review.edited_at or review.posted_at,
                    }
                )
                vals.update(
                    edited_at=item.updated_at or fields.Datetime.now(),
                    edit_count=review.edit_count + 1,
                )
                system(review.sudo()).write(vals)
                review.sudo().message_post(
                    body=self.env._("The author edited this review; the earlier words are kept.")
                )
                edited += 1
        created = system(self.sudo()).with_context(mail_create_nolog=True).create(new)
        if people:
            Identity.browse([i.id for i in people.values()])._trigger_matching()
        return len(created), edited

    # ------------------------------------------------------------------
    # Replying through the platform
    # ------------------------------------------------------------------
    def action_send_reply(self):
        """Send our reply through the platform the review is on."""
        self.check_access("write")
        for review in self:
            text = (review.reply_text or "").strip()
            if not text:
                raise UserError(self.env._("Write the reply first."))
            if review.erased:
                raise UserError(self.env._("This review was erased: it cannot be answered."))
            account = review.account_id.sudo()
            try:
                connector = account._get_connector()
                if review.source == "facebook":
                    connector.reply(text, review.external_id)
                else:
                    connector.reply_review(review.external_id, text)
            except ConnectorError as error:
                words = account._human_error(error)[0]
                _logger.info("social_crm: review %s reply: %s", review.id, error.detail or error)
                if isinstance(error, ApprovalNeeded):
                    account._record_approval_needed(error)
                system(review).write({"reply_state": "failed", "reply_error": words})
                continue
            system(review).write(
                {
                    "reply_state": "sent",
                    "reply_sent_at": fields.Datetime.now(),
                    "reply_error": False,
                }
            )
        return True

    def write(self, vals):
        if "reply_text" in vals and not self.env.su:
            sent = self.filtered(lambda r: r.reply_state == "sent")
            if sent and vals.get("reply_text") != sent[:1].reply_text:
                # a changed reply must be sent again (Google replaces it)
                vals = dict(vals)
                result = super().write(vals)
                system(sent).write({"reply_state": "none"})
                return result
        return super().write(vals)


class SocialCrmExternalReviewVersion(models.Model):
    """The words of an external review before its author edited it."""

    _name = "social_crm.external.review.version"
    _description = "Earlier version of a review on another platform"
    _order = "written_at desc, id desc"

    review_id = fields.Many2one(
        "social_crm.external.review", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="review_id.company_id", store=True, index=True, readonly=True
    )
    rating = fields.Selection(reviews.RATINGS, readonly=True)
    recommendation = fields.Selection(RECOMMENDATIONS, readonly=True)
    title = fields.Char(readonly=True)
    text = fields.Text(readonly=True)
    written_at = fields.Datetime("Written on", readonly=True)

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("An earlier version of a review cannot be changed."))
        return super().write(vals)


class SocialCrmExternalReviewPrivacy(models.Model):
    """What privacy (models/social_crm_privacy.py) asks of external reviews:
    export, erasure, retention."""

    _inherit = "social_crm.external.review"

    @api.model
    def _of_identities(self, identities):
        return self.sudo().search([("identity_id", "in", identities.ids)], order="posted_at, id")

    @api.model
    def _export(self, reviews_):
        return [
            {
                "source": review.source,
                "date": fields.Datetime.to_string(review.posted_at),
                "external_id": review.external_id,
                "url": review.url or None,
                "rating": review.rating or None,
                "recommendation": review.recommendation or None,
                "title": review.title or None,
                "text": review.text or None,
                "earlier_versions": [
                    {
                        "date": fields.Datetime.to_string(version.written_at),
                        "rating": version.rating or None,
                        "recommendation": version.recommendation or None,
                        "title": version.title or None,
                        "text": version.text or None,
                    }
                    for version in review.version_ids
                ],
                "our_reply": review.reply_text or None,
            }
            for review in reviews_
        ]

    @api.model
    def _retention(self, company, cutoff):
        """Reviews older than ``cutoff`` by people not linked to a contact of
        ``company``: the author, the words and the earlier versions go; the
        source, date and score stay (for the averages)."""
        old = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("erased", "=", False),
                ("posted_at", "<", cutoff),
            ]
        )
        unknown = old.filtered(lambda r: not r.partner_id)
        unknown.version_ids.unlink()
        system(unknown).write(
            {"identity_id": False, "author_name": False, "title": False, "text": False}
            | {"reply_text": False, "erased": True}
        )
        return unknown


class SocialCrmIdentity(models.Model):
    """Review authors are matched to contacts like the authors of posts:
    the same engine, with the words of their reviews as evidence."""

    _inherit = "social_crm.identity"

    @api.model
    def _match_due_domain(self):
        reviewed = (
            self.env["social_crm.external.review"]
            .sudo()
            ._search([("company_id", "=", self.env.company.id)])
        )
        return expression.OR(
            [
                super()._match_due_domain(),
                [
                    ("match_state", "=", "pending"),
                    ("partner_id", "=", False),
                    ("id", "in", reviewed.subselect("identity_id")),
                ],
            ]
        )

    def _match_profile(self):
        profile = super()._match_profile()
        written = (
            self.env["social_crm.external.review"]
            .sudo()
            .search([("identity_id", "=", self.id)], order="posted_at desc", limit=20)
        )
        words = [f"{r.title or ''}\n{r.text or ''}".strip() for r in written]
        profile.texts = list(profile.texts or []) + [w for w in words if w]
        return profile
