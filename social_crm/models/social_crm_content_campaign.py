import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import rights
from ..connectors.platforms import WEBHOOK_PLATFORMS
from ._helpers import by_token, window_action

DEFAULT_TERMS = (
    "You allow {company} to show the photo or video you posted with this "
    "hashtag, with your name or handle, on its website, in its shops and on its "
    "social media accounts, free of charge, for two years. You keep every right "
    "to it, and you can withdraw this permission at any time by sending us a "
    "message; we then remove it within a week."
)
DEFAULT_REQUEST = (
    "Hi {{ object.identity_id.profile_name or object.identity_id.handle or '' }}, what a "
    "great photo! May we show it on our website and socials, with your name? Reply "
    "#{{ object.campaign_id.rights_keyword }} to agree to our terms: "
    "{{ object.campaign_id.terms_url }}"
)


class SocialCrmContentCampaign(models.Model):
    """A hashtag photo campaign: posts with the hashtag and a photo become
    entries; the company asks each author for the right to use theirs, and
    publishes the entries whose authors said yes in the campaign's gallery."""

    _name = "social_crm.content.campaign"
    _description = "Photo campaign"
    _inherit = ["mail.thread", "mail.render.mixin"]
    _order = "state, id desc"
    # like reply templates: agents may render the stored request text, while
    # writing code into it needs the "Mail Template Editor" group
    _unrestricted_rendering = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    hashtag = fields.Char(
        required=True,
        tracking=True,
        help="Posts with this hashtag and a photo or video enter the campaign, e.g. #ourstyle.",
    )
    rights_keyword = fields.Char(
        "Rights keyword",
        compute="_compute_rights_keyword",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="Authors grant the rights to their entry by replying with this hashtag.",
    )
    account_ids = fields.Many2many(
        "social_crm.account",
        string="Accounts",
        domain="[('company_id', '=', company_id)]",
        help="The accounts that listen for the hashtag. Empty: every account of the company.",
    )
    stream_ids = fields.One2many("social_crm.stream", "content_campaign_id", "Streams")
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
    )
    terms = fields.Text(
        required=True,
        default=lambda self: DEFAULT_TERMS.format(company=self.env.company.name),
        help="What an author agrees to. Each request keeps the wording it asked for.",
    )
    terms_version = fields.Char(compute="_compute_terms_version", store=True, precompute=True)
    request_text = fields.Text(
        "Rights request",
        required=True,
        default=DEFAULT_REQUEST,
        render_engine="inline_template",
        help="The reply that asks an author for the rights; placeholders as in reply templates, "
        "rendered on the entry (object).",
    )
    access_token = fields.Char(
        required=True, copy=False, readonly=True, default=lambda self: secrets.token_urlsafe(16)
    )
    terms_url = fields.Char("Terms page", compute="_compute_urls")
    gallery_url = fields.Char("Gallery", compute="_compute_urls")
    entry_ids = fields.One2many("social_crm.content", "campaign_id", "Entries")
    entry_count = fields.Integer("Number of entries", compute="_compute_counts")
    granted_count = fields.Integer("Rights granted", compute="_compute_counts")
    published_count = fields.Integer("Published", compute="_compute_counts")

    _sql_constraints = [
        ("access_token_unique", "UNIQUE(access_token)", "The gallery address must be unique."),
    ]

    @api.depends("hashtag")
    def _compute_rights_keyword(self):
        for campaign in self:
            if campaign.hashtag and not campaign.rights_keyword:
                try:
                    campaign.rights_keyword = rights.default_keyword(campaign.hashtag)
                except rights.RightsError:
                    campaign.rights_keyword = False

    @api.depends("terms")
    def _compute_terms_version(self):
        for campaign in self:
            campaign.terms_version = rights.terms_version(campaign.terms)

    def _compute_render_model(self):
        self.render_model = "social_crm.content"

    def _compute_urls(self):
        base = self.get_base_url()
        for campaign in self:
            token = campaign.access_token
            campaign.terms_url = f"{base}/social_crm/photos/{token}/terms" if token else False
            campaign.gallery_url = f"{base}/social_crm/photos/{token}" if token else False

    def _compute_counts(self):
        groups = self.env["social_crm.content"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "state", "published"], ["__count"]
        )
        for campaign in self:
            rows = [(state, published, n) for c, state, published, n in groups if c == campaign]
            campaign.entry_count = sum(n for _s, _p, n in rows)
            campaign.granted_count = sum(n for state, _p, n in rows if state == "granted")
            campaign.published_count = sum(n for _s, published, n in rows if published)

    @api.constrains("hashtag", "rights_keyword")
    def _check_hashtags(self):
        for campaign in self:
            for value in (campaign.hashtag, campaign.rights_keyword):
                try:
                    rights.normalize_hashtag(value)
                except rights.RightsError as error:
                    raise ValidationError(str(error)) from error
            if rights.normalize_hashtag(campaign.rights_keyword) == rights.normalize_hashtag(
                campaign.hashtag
            ):
                raise ValidationError(
                    self.env._(
                        "The rights keyword must differ from the campaign hashtag: every "
                        "entry carries the hashtag, so it cannot mean 'yes'."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_tags(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_tags(vals)
        result = super().write(vals)
        if {"hashtag", "account_ids"} & set(vals):
            self.filtered(lambda c: c.state == "running")._sync_streams()
        return result

    @api.model
    def _normalize_tags(self, vals):
        """Store hashtags as platforms compare them: no "#", lower case. Bad
        input gets a clear error (the constraint says what is wrong)."""
        for field in ("hashtag", "rights_keyword"):
            if vals.get(field):
                try:
                    vals[field] = rights.normalize_hashtag(vals[field])
                except rights.RightsError as error:
                    raise ValidationError(str(error)) from error

    # ------------------------------------------------------------------
    # Listening
    # ------------------------------------------------------------------
    def _listening_accounts(self):
        self.ensure_one()
        accounts = self.account_ids or self.env["social_crm.account"].search(
            [("company_id", "=", self.company_id.id)]
        )
        return accounts.filtered("active")

    def _sync_streams(self):
        """One hashtag stream per polled account (webhook platforms deliver
        their posts themselves); streams of accounts no longer listening are
        archived, never deleted (their posts stay)."""
        Stream = self.env["social_crm.stream"].sudo().with_context(active_test=False)
        for campaign in self:
            accounts = campaign._listening_accounts().filtered(
                lambda a: a.platform not in WEBHOOK_PLATFORMS
            )
            query = f"#{campaign.hashtag}"
            streams = Stream.search([("content_campaign_id", "=", campaign.id)])
            for account in accounts:
                stream = streams.filtered(lambda s, a=account: s.account_id == a)[:1]
                if stream:
                    stream.write({"active": True, "kind": "hashtag", "query": query})
                else:
                    Stream.create(
                        {
                            "account_id": account.id,
                            "kind": "hashtag",
                            "query": query,
                            "content_campaign_id": campaign.id,
                        }
                    )
            streams.filtered(lambda s, a=accounts: s.account_id not in a).active = False

    def action_start(self):
        for campaign in self:
            if not campaign._listening_accounts():
                raise UserError(
                    self.env._(
                        "Connect a social media account first (Social CRM → Configuration → "
                        "Accounts): the campaign listens through it."
                    )
                )
        self.write({"state": "running"})
        self._sync_streams()
        return True

    def action_close(self):
        """Stop collecting entries. Granted and published entries stay."""
        self.write({"state": "closed"})
        self.env["social_crm.stream"].sudo().search(
            [("content_campaign_id", "in", self.ids)]
        ).active = False
        return True

    def action_view_entries(self):
        self.ensure_one()
        action = window_action(self, "social_crm.action_social_crm_content", "campaign_id")
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_open_gallery(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.gallery_url, "target": "new"}

    @api.model
    def _from_token(self, token):
        """The campaign behind a public address, or an empty recordset."""
        return by_token(self, token)
