from odoo import http
from odoo.http import request

from ..consent_wording import PAGE
from ..models._helpers import client_ip
from ._headers import private_page
from ._lang import visitor_lang


class SocialCrmConsent(http.Controller):
    """The public opt-in page. Unknown, used and expired tokens get the same
    "not valid" page; posts need Odoo's CSRF token as well as a live token.

    A GET never changes anything: mail scanners and link previews fetch the
    links in an e-mail. The confirmation and the withdrawal links show a page
    with a button; only its POST (with the CSRF token) records the event.
    Every page is sent with :data:`._headers.PRIVATE_PAGE_HEADERS`."""

    def _render(self, consent_request, template, **values):
        version, wording, page = consent_request._texts()
        return request.render(
            template,
            {
                "consent_request": consent_request,
                "page": page,
                "wording": wording,
                "wording_version": version,
                **values,
            },
        )

    def _invalid(self):
        texts = PAGE["nl" if visitor_lang().startswith("nl_") else "en"]
        return request.render(
            "social_crm.consent_invalid",
            {"message": texts["invalid"].format(company=request.env.company.name)},
            status=404,
        )

    @http.route(
        "/social_crm/consent/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    @private_page
    def consent_page(self, token, **kwargs):
        consent_request = request.env["social_crm.consent.request"].sudo()._from_token(token)
        if not consent_request:
            return self._invalid()
        return self._render(consent_request, "social_crm.consent_page", token=token)

    @http.route(
        "/social_crm/consent/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    @private_page
    def consent_submit(self, token, email="", phone="", agree="", **kwargs):
        consent_request = request.env["social_crm.consent.request"].sudo()._from_token(token)
        if not consent_request:
            return self._invalid()
        error = None
        if not agree:
            error = "must_agree"
        else:
            try:
                consent_request._submit(email, phone, client_ip(request.httprequest))
            except ValueError:
                error = "bad_email"
        if error:
            return self._render(
                consent_request, "social_crm.consent_page", token=token, error=error, email=email
            )
        return self._render(consent_request, "social_crm.consent_done", done="check")

    def _confirmable(self, token):
        Request = request.env["social_crm.consent.request"].sudo()
        return Request._from_token(token, field="confirm_token", states=("submitted",))

    @http.route(
        "/social_crm/consent/confirm/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    @private_page
    def consent_confirm_page(self, token, **kwargs):
        """The link in the e-mail: a page with a "Confirm" button."""
        consent_request = self._confirmable(token)
        if not consent_request:
            return self._invalid()
        return self._render(consent_request, "social_crm.consent_confirm", token=token)

    @http.route(
        "/social_crm/consent/confirm/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    @private_page
    def consent_confirm(self, token, **kwargs):
        consent_request = self._confirmable(token)
        if not consent_request:
            return self._invalid()
        consent_request._confirm(request.httprequest.remote_addr)
        return self._render(consent_request, "social_crm.consent_done", done="done")

    @http.route(
        "/social_crm/consent/withdraw/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    @private_page
    def consent_withdraw_page(self, token, **kwargs):
        consent_request = self._withdrawable(token)
        if not consent_request:
            return self._invalid()
        return self._render(consent_request, "social_crm.consent_withdraw", token=token)

    @http.route(
        "/social_crm/consent/withdraw/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    @private_page
    def consent_withdraw(self, token, **kwargs):
        consent_request = self._withdrawable(token)
        if not consent_request:
            return self._invalid()
        consent_request._withdraw(client_ip(request.httprequest))
        return self._render(consent_request, "social_crm.consent_done", done="withdrawn")

    def _withdrawable(self, token):
        """A withdrawal link works until it is used, or until the consent it
        withdraws expires (there is nothing left to withdraw then)."""
        Request = request.env["social_crm.consent.request"].sudo()
        return Request._from_token(token, field="withdraw_token", states=("confirmed",)).filtered(
            lambda r: not r.withdrawn_at and not r._consent_expired()
        )
