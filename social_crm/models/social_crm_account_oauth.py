"""The Connect buttons: OAuth flows of the accounts (issue 14).

The receptionist presses Connect on an account; the platform's consent
screen comes back to ``/social_crm/oauth/callback``. What must stay on the
server stays in admin-only models: the pending authorizations (``state``, the
PKCE verifier, bound to the user and the session, single use, 10 minutes) and
the apps registered on Mastodon instances. The HTTP requests are made by
:mod:`..connectors.oauth` (plain Python) through the account's SafeSession.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..connectors import AuthenticationError, ConnectorError, Message, get_connector, oauth
from ._helpers import error_text, flow, in_flow
from ._oauth import (
    CALLBACK_PATH,
    OAUTH_FLOW,
    OAUTH_PLATFORMS,
    PARAM,
    OAuthRefused,
    _hash,
    _session_id,
)

_logger = logging.getLogger(__name__)


class SocialCrmAccount(models.Model):
    _name = "social_crm.account"
    _inherit = ["social_crm.account", "mail.activity.mixin"]

    state = fields.Selection(
        selection_add=[("reconnect", "Needs reconnecting"), ("error",)],
        ondelete={"reconnect": "set default"},
    )
    x_oauth_access_token = fields.Char(
        "X user access token", groups="base.group_system", copy=False, readonly=True
    )
    x_oauth_refresh_token = fields.Char(
        "X refresh token", groups="base.group_system", copy=False, readonly=True
    )
    x_oauth_expires_at = fields.Datetime(
        "X token expires at", groups="base.group_system", copy=False, readonly=True
    )
    x_send_images = fields.Boolean(
        "Send images", help="Ask X for the media.write permission when connecting."
    )
    oauth_connected = fields.Boolean(compute="_compute_oauth_setup")
    oauth_missing_step = fields.Char("Missing step", compute="_compute_oauth_setup")
    oauth_base_url_frozen = fields.Boolean(compute="_compute_oauth_setup")

    # ------------------------------------------------------------------
    # Settings and the administrator's checklist
    # ------------------------------------------------------------------
    def _oauth_param(self, name):
        return self.env["ir.config_parameter"].sudo().get_param(f"{PARAM}{name}") or ""

    @api.model
    def _oauth_redirect_uri(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        return f"{base.rstrip('/')}{CALLBACK_PATH}"

    @api.model
    def _oauth_base_url_frozen(self):
        return bool(self.env["ir.config_parameter"].sudo().get_param("web.base.url.freeze"))

    @api.depends(
        "platform",
        "state",
        "server_url",
        "bluesky_app_password",
        "mastodon_access_token",
        "meta_page_access_token",
        "x_oauth_access_token",
    )
    def _compute_oauth_setup(self):
        for account in self:
            sudo = account.sudo()
            account.oauth_connected = bool(
                sudo.x_oauth_access_token
                or sudo.mastodon_access_token
                or sudo.meta_page_access_token
                or (sudo.bluesky_app_password and account.state != "draft")
            )
            account.oauth_missing_step = account._oauth_missing_step() or False
            account.oauth_base_url_frozen = account._oauth_base_url_frozen()

    def _oauth_missing_step(self):
        """What an administrator must still do before Connect works, in plain words."""
        if self.platform == "x":
            if not (self._oauth_param("x_client_id") and self._oauth_param("x_client_secret")):
                return self.env._(
                    "An administrator must first enter the X app's client id and secret in "
                    "Settings, Social CRM, Connect buttons (see the checklist there)."
                )
        elif self.platform == "mastodon":
            if not self.sudo().server_url:
                return self.env._(
                    "An administrator must first enter the Mastodon server (such as "
                    "mastodon.social) in the account."
                )
        elif self.platform in ("facebook", "instagram"):
            if not all(self._oauth_param(k) for k in ("meta_app_id", "meta_app_secret")):
                return self.env._(
                    "An administrator must first enter the Meta app id and secret in Settings, "
                    "Social CRM, Connect buttons (see the checklist there)."
                )
            if not self._oauth_param("meta_config_id"):
                return self.env._(
                    "An administrator must first enter the Facebook Login for Business "
                    "configuration id in Settings, Social CRM, Connect buttons."
                )
        elif self.platform == "bluesky":
            if not self.sudo().bluesky_app_password:
                return self.env._(
                    "An administrator must enter the account's handle and an app password "
                    "(Bluesky: Settings, Privacy and security, App passwords); then press "
                    "Connect."
                )
        return ""

    # ------------------------------------------------------------------
    # Connect: to the platform's consent screen
    # ------------------------------------------------------------------
    def action_oauth_connect(self):
        """Connect (or Reconnect): the platform's consent screen, with a
        single-use ``state`` bound to this user and browser session."""
        self.ensure_one()
        self.check_access("write")
        if self.platform not in OAUTH_PLATFORMS:
            return self.action_test_connection()
        missing = self._oauth_missing_step()
        if missing:
            raise UserError(missing)
        redirect_uri = self._oauth_redirect_uri()
        state = oauth.new_state()
        vals = {
            "state_hash": _hash(state),
            "account_id": self.id,
            "platform": self.platform,
            "user_id": self.env.uid,
            "session_hash": _hash(_session_id()),
            "redirect_uri": redirect_uri,
            "expires_at": fields.Datetime.now() + oauth.STATE_LIFETIME,
        }
        try:
            if self.platform == "x":
                verifier, challenge = oauth.pkce_pair()
                vals["verifier"] = verifier
                url = oauth.x_authorize_url(
                    self._oauth_param("x_client_id"),
                    redirect_uri,
                    state,
                    challenge,
                    media=self.x_send_images,
                )
            elif self.platform == "mastodon":
                instance = oauth.instance_url(self.sudo().server_url)
                app = self.env["social_crm.oauth.app"]._for_instance(
                    instance, redirect_uri, self._connector_session()
                )
                vals["mastodon_app_id"] = app.id
                url = oauth.mastodon_authorize_url(instance, app.client_id, redirect_uri, state)
            else:
                url = oauth.meta_login_url(
                    self._oauth_param("meta_app_id"),
                    self._oauth_param("meta_config_id"),
                    redirect_uri,
                    state,
                )
        except ConnectorError as error:
            raise UserError(error_text(self.env, error)) from None
        self.env["social_crm.oauth.pending"].sudo().create(vals)
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    # ------------------------------------------------------------------
    # The callback
    # ------------------------------------------------------------------
    @api.model
    def _oauth_claim(self, state, code, error, sid):
        """``(pending, account)`` of ``state``, claimed once for this
        session by a user who may write the account; a cancelled
        authorization (``error`` or no ``code``) is refused and forgotten."""
        pending = self.env["social_crm.oauth.pending"]._claim(state, sid)
        account = pending.account_id.with_env(self.env)  # as the user, not sudo
        account.check_access("write")
        pending.used = True
        if error or not code:
            pending.unlink()
            raise OAuthRefused(
                self.env._(
                    "The connection was cancelled on the platform's page. Nothing was saved."
                )
            )
        return pending, account

    @api.model
    def _oauth_exchange_refused(self, pending, account, error):
        """The platform refused the code or token exchange: forget the
        authorization, log the platform's words, tell the user in ours."""
        pending.unlink()
        _logger.info("social_crm: connecting account %s: %s", account.id, error.detail or error)
        raise OAuthRefused(
            self.env._(
                "The platform did not accept the connection: %s", error_text(self.env, error)
            )
        ) from None

    @api.model
    def _oauth_callback(self, state, code, error="", sid=""):
        """Finish the authorization of ``state``; returns the account and,
        for Meta, the page-picking wizard (or None)."""
        pending, account = self._oauth_claim(state, code, error, sid)
        session = account._connector_session()
        try:
            if pending.platform == "x":
                token = oauth.x_exchange(
                    session,
                    self._oauth_param("x_client_id"),
                    self._oauth_param("x_client_secret"),
                    pending.redirect_uri,
                    code,
                    pending.verifier,
                )
                account._oauth_store(
                    {
                        "x_oauth_access_token": token.access_token,
                        "x_oauth_refresh_token": token.refresh_token,
                        "x_oauth_expires_at": token.expires_at,
                    }
                )
            elif pending.platform == "mastodon":
                app = pending.mastodon_app_id
                token = oauth.mastodon_exchange(
                    session,
                    app.instance,
                    app.client_id,
                    app.client_secret,
                    pending.redirect_uri,
                    code,
                )
                account._oauth_store({"mastodon_access_token": token.access_token})
            else:
                app_secret = self._oauth_param("meta_app_secret")
                token = oauth.meta_exchange(
                    session,
                    self._oauth_param("meta_app_id"),
                    app_secret,
                    pending.redirect_uri,
                    code,
                )
                pages = oauth.meta_pages(session, app_secret, token.access_token)
                pending.pages = [p.__dict__ for p in pages]
                wizard = self.env["social_crm.oauth.page.wizard"]._for_pending(pending)
                return account, wizard
        except ConnectorError as exc:
            self._oauth_exchange_refused(pending, account, exc)
        pending.unlink()
        account._oauth_verify()
        return account, None

    def _oauth_store(self, vals):
        """Write what a platform gave us, in the OAuth flow (not an RPC write)."""
        flow(self.sudo(), OAUTH_FLOW).write(dict(vals, state="draft", error_message=False))

    def _oauth_verify(self):
        """Test the fresh tokens at once (handle and platform user id)."""
        try:
            profile = self._get_connector().test_connection()
        except ConnectorError as error:
            self._record_error(error)
            return
        flow(self.sudo(), OAUTH_FLOW).write(
            {
                "state": "connected",
                "error_message": False,
                "handle": profile.handle or self.handle,
                "external_user_id": profile.user_id,
            }
        )

    def _check_connection_rights(self, vals, allowed=frozenset()):
        if in_flow(self, OAUTH_FLOW):
            return
        return super()._check_connection_rights(vals, allowed=allowed)

    # ------------------------------------------------------------------
    # X tokens: refresh before expiry, under a row lock (they rotate)
    # ------------------------------------------------------------------
    def _get_connector(self):
        self.ensure_one()
        if self.platform == "x" and self.sudo().x_oauth_access_token:
            credentials = {
                "bearer_token": self._x_user_token(),
                "oauth2_user": True,
                "handle": self.handle,
            }
            return get_connector("x", credentials, self._connector_session())
        return super()._get_connector()

    def _x_user_token(self):
        """The account's X user token, refreshed first when it expires
        within ten minutes. X rotates refresh tokens: lock the row so two
        workers never spend the same refresh token."""
        self.ensure_one()
        sudo = self.sudo()
        expires = sudo.x_oauth_expires_at
        if expires and expires - oauth.REFRESH_MARGIN > fields.Datetime.now():
            return sudo.x_oauth_access_token
        self.env.cr.execute("SELECT id FROM social_crm_account WHERE id = %s FOR UPDATE", [self.id])
        sudo.invalidate_recordset(
            ["x_oauth_access_token", "x_oauth_refresh_token", "x_oauth_expires_at"]
        )
        expires = sudo.x_oauth_expires_at
        if expires and expires - oauth.REFRESH_MARGIN > fields.Datetime.now():
            return sudo.x_oauth_access_token  # another worker refreshed it meanwhile
        if not sudo.x_oauth_refresh_token:
            return sudo.x_oauth_access_token
        try:
            token = oauth.x_refresh(
                self._connector_session(),
                self._oauth_param("x_client_id"),
                self._oauth_param("x_client_secret"),
                sudo.x_oauth_refresh_token,
            )
        except ConnectorError as error:
            if error.transient:
                raise
            # X refuses a revoked or spent refresh token with a 400
            raise AuthenticationError(
                Message("oauth_x_revoked"),
                status=401,
                code=error.code,
                detail=error.detail,
            ) from None
        flow(sudo, OAUTH_FLOW).write(
            {
                "x_oauth_access_token": token.access_token,
                "x_oauth_refresh_token": token.refresh_token or sudo.x_oauth_refresh_token,
                "x_oauth_expires_at": token.expires_at,
            }
        )
        return token.access_token

    @api.model
    def _cron_refresh_x_tokens(self):
        """Keep connected X accounts' tokens fresh even when nothing polls."""
        soon = fields.Datetime.now() + timedelta(minutes=30)
        accounts = self.sudo().search(
            [
                ("platform", "=", "x"),
                ("x_oauth_refresh_token", "!=", False),
                ("x_oauth_expires_at", "<", soon),
            ]
        )
        for account in accounts:
            try:
                with self.env.cr.savepoint():
                    account._x_user_token()
            except ConnectorError as error:
                account._record_error(error)

    # ------------------------------------------------------------------
    # Disconnect, and "needs reconnecting"
    # ------------------------------------------------------------------
    def action_oauth_disconnect(self):
        """Revoke the tokens at the platform (where it can) and forget them."""
        self.ensure_one()
        self.check_access("write")
        sudo = self.sudo()
        try:
            if self.platform == "x" and sudo.x_oauth_refresh_token:
                oauth.x_revoke(
                    self._connector_session(),
                    self._oauth_param("x_client_id"),
                    self._oauth_param("x_client_secret"),
                    sudo.x_oauth_refresh_token,
                )
            elif self.platform == "mastodon" and sudo.mastodon_access_token:
                app = (
                    self.env["social_crm.oauth.app"]
                    .sudo()
                    .search([("instance", "=", oauth.instance_url(sudo.server_url))], limit=1)
                )
                if app:
                    oauth.mastodon_revoke(
                        self._connector_session(),
                        app.instance,
                        app.client_id,
                        app.client_secret,
                        sudo.mastodon_access_token,
                    )
        except ConnectorError as error:
            _logger.info("social_crm: revoking account %s: %s", self.id, error.detail or error)
        flow(sudo, OAUTH_FLOW).write(
            {
                "x_oauth_access_token": False,
                "x_oauth_refresh_token": False,
                "x_oauth_expires_at": False,
                "mastodon_access_token": False,
                "meta_page_access_token": False,
                "bluesky_app_password": False,
                "state": "draft",
                "error_message": False,
            }
        )
        return self._notify(self.env._("Disconnected."), "success")

    def _record_error(self, error):
        if not oauth.needs_reconnect(error):
            return super()._record_error(error)
        if getattr(error, "detail", ""):
            _logger.info("social_crm: account %s: %s", self.id, error.detail)
        was = self.state
        words = error.words() if isinstance(error, ConnectorError) else {"text": str(error)}
        self.sudo().write({"state": "reconnect", "error_words": words})
        if was != "reconnect":
            self._oauth_reconnect_activity()

    def _oauth_reconnect_activity(self):
        admins = (
            self.env.ref("base.group_system")
            .sudo()
            .users.filtered(lambda u: not u.share and self.company_id in u.company_ids)
        )
        admin = admins[:1]
        if admin:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=admin.id,
                summary=self.env._("Reconnect %s", self.name),
                note=self.env._(
                    "The platform no longer accepts this account's connection (expired or "
                    "revoked). Open the account and press Reconnect. The streams keep their "
                    "place and catch up afterwards."
                ),
            )
