from odoo import http
from odoo.http import request

from ..models._oauth import CALLBACK_PATH, OAuthRefused
from ._headers import private_page


class SocialCrmOauth(http.Controller):
    """Where the platforms' consent screens send the person back. The
    ``state`` must be one this user started in this browser session, unused
    and at most 10 minutes old; else a clear page, and nothing is stored."""

    @http.route(CALLBACK_PATH, type="http", auth="user", methods=["GET"])
    @private_page
    def callback(self, state="", code="", error="", oauth_verifier="", **kwargs):
        Account = request.env["social_crm.account"]
        # OAuth 1.0a (Flickr) sends its verifier where OAuth 2.0 sends a code
        code = code or oauth_verifier
        try:
            account, wizard = Account._oauth_callback(state, code, error, request.session.sid)
        except OAuthRefused as refused:
            # refused before anything was stored; a state spent on a failed
            # exchange stays spent (the deletion is committed)
            return request.render(
                "social_crm.oauth_refused", {"message": refused.args[0]}, status=400
            )
        if wizard:
            return request.redirect(f"/odoo/social_crm.oauth.page.wizard/{wizard.id}")
        return request.redirect(f"/odoo/action-social_crm.action_social_crm_account/{account.id}")
