from odoo import api, fields, models
from odoo.http import request


class ResCompany(models.Model):
    _inherit = "res.company"

    social_crm_auto_match = fields.Boolean(
        "Match social identities automatically",
        default=True,
        help="Propose contacts for new social identities in the background. "
        "Agents still confirm every suggestion.",
    )
    social_crm_match_consented_only = fields.Boolean(
        "Match only contacts who consented",
        help="Propose only contacts who consented to profile enrichment (or posters who "
        "consented themselves). Without that consent nobody is matched.",
    )
    social_crm_retention_days = fields.Integer(
        "Keep posts of unknown people (days)",
        default=365,
        help="Posts by identities not linked to a contact are anonymised after this many "
        "days (text and author removed; the counts stay), with the conversation titles, "
        "lead quotes, profiles, suggestions, old follower rows and expired consent requests "
        "of those people. 0 keeps them.",
    )
    social_crm_spike_factor = fields.Float(
        "Spike factor",
        default=3.0,
        help="Alert when a stream gets this many times the posts (or negative posts) "
        "of the same hour last week.",
    )
    social_crm_spike_min = fields.Integer(
        "Spike minimum",
        default=10,
        help="No spike alert below this many posts in an hour.",
    )
    social_crm_influencer_followers = fields.Integer(
        "Influencer threshold",
        default=10000,
        help="Alert on a complaint from an author with at least this many followers (0: never).",
    )
    social_crm_review_delay_days = fields.Integer(
        "Invite reviews after (days)",
        default=0,
        help="Days after a deal is won that the customer is invited by e-mail to review it. "
        "0: no invitations.",
    )
    social_crm_privacy_url = fields.Char(
        "Privacy policy URL",
        help="Linked from the consent, review and photo pages and from their e-mails.",
    )

    @api.model
    def _social_crm_public_layout(self):
        """The frame of the public pages: the website's own (its header,
        footer and menu) when Website is installed and the page is served by
        it, else Odoo's bare frontend layout."""
        website = getattr(request, "website", None) if request else None
        return "website.layout" if website else "web.frontend_layout"

    def _social_crm_privacy_url(self):
        """The privacy policy linked from public pages and e-mails (the
        company's setting: an http(s) address or a path of this site)."""
        self.ensure_one()
        url = (self.social_crm_privacy_url or "").strip()
        safe = url.startswith(("https://", "http://")) or (
            url.startswith("/") and not url.startswith("//")
        )
        return url if safe else ""
