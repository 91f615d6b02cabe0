"""Connect a Flickr account: OAuth 1.0a in three steps, on the Connect
button of the other platforms.

The API key and secret of the company's Flickr app are entered on the
account by an administrator. Connect asks Flickr for a request token (with
our callback address, which carries a single-use ``state`` bound to this user
and browser session), sends the person to Flickr to allow "write" (to
comment), and exchanges Flickr's ``oauth_verifier`` for the member's token at
the callback. The request token's secret waits in the pending authorization,
which only the server reads.
"""

import logging
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..connectors import ConnectorError, oauth
from ..connectors import flickr as flickr_api
from ._helpers import error_text
from ._oauth import _hash, _session_id

_logger = logging.getLogger(__name__)


class SocialCrmOauthPending(models.Model):
    _inherit = "social_crm.oauth.pending"

    flickr_request_token = fields.Char(readonly=True)
    flickr_request_secret = fields.Char(readonly=True)


class SocialCrmAccount(models.Model):
    _inherit = "social_crm.account"

    @api.depends(
        "platform",
        "state",
        "server_url",
        "bluesky_app_password",
        "mastodon_access_token",
        "meta_page_access_token",
        "x_oauth_access_token",
        "flickr_oauth_token",
    )
    def _compute_oauth_setup(self):
        result = super()._compute_oauth_setup()
        for account in self.filtered(lambda a: a.platform == "flickr"):
            account.oauth_connected = bool(account.sudo().flickr_oauth_token)
        return result

    def _oauth_missing_step(self):
        if self.platform != "flickr":
            return super()._oauth_missing_step()
        sudo = self.sudo()
        if not (sudo.flickr_api_key and sudo.flickr_api_secret):
            return self.env._(
                "An administrator must first enter the API key and secret of your Flickr app "
                "(Flickr, The App Garden) on the account; then press Connect."
            )
        return ""

    def action_oauth_connect(self):
        if self.platform != "flickr":
            return super().action_oauth_connect()
        self.ensure_one()
        self.check_access("write")
        missing = self._oauth_missing_step()
        if missing:
            raise UserError(missing)
        sudo = self.sudo()
        state = oauth.new_state()
        redirect_uri = self._oauth_redirect_uri()
        try:
            request = flickr_api.oauth_request_token(
                self._connector_session(),
                sudo.flickr_api_key,
                sudo.flickr_api_secret,
                f"{redirect_uri}?{urlencode({'state': state})}",
            )
        except ConnectorError as error:
            raise UserError(error_text(self.env, error)) from None
        self.env["social_crm.oauth.pending"].sudo().create(
            {
                "state_hash": _hash(state),
                "account_id": self.id,
                "platform": "flickr",
                "user_id": self.env.uid,
                "session_hash": _hash(_session_id()),
                "redirect_uri": redirect_uri,
                "expires_at": fields.Datetime.now() + oauth.STATE_LIFETIME,
                "flickr_request_token": request.token,
                "flickr_request_secret": request.secret,
            }
        )
        url = flickr_api.oauth_authorize_url(request.token, perms="write")
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    @api.model
    def _oauth_callback(self, state, code, error="", sid=""):
        """Flickr's callback brings ``oauth_verifier`` (passed as ``code``)."""
        Pending = self.env["social_crm.oauth.pending"]
        found = Pending.sudo().search([("state_hash", "=", _hash(state))], limit=1)
        if not state or found.platform != "flickr":
            return super()._oauth_callback(state, code, error=error, sid=sid)
        pending, account = self._oauth_claim(state, code, error, sid)
        sudo = account.sudo()
        try:
            token = flickr_api.oauth_access_token(
                account._connector_session(),
                sudo.flickr_api_key,
                sudo.flickr_api_secret,
                pending.flickr_request_token,
                pending.flickr_request_secret,
                code,
            )
        except ConnectorError as exc:
            self._oauth_exchange_refused(pending, account, exc)
        pending.unlink()
        account._oauth_store(
            {"flickr_oauth_token": token.token, "flickr_oauth_token_secret": token.secret}
        )
        account._oauth_verify()
        return account, None

    def action_oauth_disconnect(self):
        """Forget the member's token (Flickr has no revocation call: the
        member can also remove the app under Flickr's Settings, Sharing &
        Extending)."""
        if self.platform == "flickr":
            self.ensure_one()
            self.check_access("write")
            self._oauth_store({"flickr_oauth_token": False, "flickr_oauth_token_secret": False})
        return super().action_oauth_disconnect()
