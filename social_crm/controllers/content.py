from odoo import http
from odoo.http import request

from .. import rights
from ..connectors.platforms import platform_label
from ._headers import private_page
from ._lang import visitor_language


class SocialCrmContent(http.Controller):
    """A photo campaign's public gallery (published entries only) and its
    terms page, both behind the campaign's unguessable address."""

    def _campaign(self, token):
        campaign = request.env["social_crm.content.campaign"]._from_token(token)
        return campaign if campaign.active else None

    def _not_found(self):
        return request.render("social_crm.content_not_found", status=404)

    @http.route(
        "/social_crm/photos/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    @private_page
    @visitor_language
    def gallery(self, token, **kwargs):
        campaign = self._campaign(token)
        if not campaign:
            return self._not_found()
        entries = (
            request.env["social_crm.content"]
            .sudo()
            .search(
                [("campaign_id", "=", campaign.id), ("published", "=", True)],
                order="published_at desc, id desc",
            )
        )
        shown = []
        for entry in entries:
            media = rights.public_media(entry.media_urls)
            if not media:
                continue
            url = entry.post_url or ""
            platform = platform_label(entry.platform)
            shown.append(
                {
                    "id": entry.id,
                    "image": media[0],
                    "credit": request.env._(
                        "%(who)s on %(platform)s", who=entry.identity_id.name, platform=platform
                    ),
                    "url": url if rights.public_media([url]) else "",
                }
            )
        return request.render(
            "social_crm.content_gallery", {"campaign": campaign, "entries": shown}
        )

    @http.route(
        "/social_crm/photos/<string:token>/terms",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    @private_page
    @visitor_language
    def terms(self, token, **kwargs):
        campaign = self._campaign(token)
        if not campaign:
            return self._not_found()
        return request.render("social_crm.content_terms", {"campaign": campaign})
