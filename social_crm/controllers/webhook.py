import logging

from odoo import http
from odoo.http import request

from ..connectors import meta
from ..models.social_crm_webhook_event import MAX_BODY

_logger = logging.getLogger(__name__)


class SocialCrmWebhook(http.Controller):
    """Meta's webhook callback for Facebook Pages and Instagram.

    GET answers the subscription handshake. POST verifies the
    X-Hub-Signature-256 HMAC over the raw body with each Meta account's app
    secret, stores the delivery and answers at once; a scheduled action
    processes it. Unsigned or badly signed deliveries store nothing; a body
    over ``MAX_BODY`` is refused (413) before it is read; a delivery
    received before is answered as received and not stored again.
    """

    @http.route("/social_crm/webhook/meta", type="http", auth="public", methods=["GET"], csrf=False)
    def meta_subscribe(self, **params):
        accounts = (
            request.env["social_crm.account"]
            .sudo()
            .search([("platform", "in", ("facebook", "instagram")), ("active", "=", True)])
        )
        for account in accounts:
            challenge = meta.verify_subscription(params, account.meta_verify_token or "")
            if challenge is not None:
                return request.make_response(challenge, [("Content-Type", "text/plain")])
        return request.make_response("Forbidden", [("Content-Type", "text/plain")], status=403)

    @http.route(
        "/social_crm/webhook/meta",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        max_content_length=MAX_BODY,
    )
    def meta_deliver(self, **_params):
        raw_body = request.httprequest.get_data(cache=True)
        signature = request.httprequest.headers.get("X-Hub-Signature-256")
        event = request.env["social_crm.webhook.event"].sudo()._receive_meta(raw_body, signature)
        if not event:
            _logger.warning("social_crm: refused a Meta webhook delivery with a bad signature")
            return request.make_response("Forbidden", [("Content-Type", "text/plain")], status=403)
        return request.make_response("EVENT_RECEIVED", [("Content-Type", "text/plain")])
