import logging
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..connectors import (
    ConnectorError,
    Profile,
    SafeSession,
    UnsafeRequest,
    check_url,
    get_connector,
)
from ..connectors.platforms import PLATFORMS, WEBHOOK_PLATFORMS, platform_label
from ._helpers import (
    SOFT_RELOAD,
    count_by,
    error_place,
    error_text,
    error_words,
    flow,
    human_error,
    in_flow,
    notification,
    window_action,
)

_logger = logging.getLogger(__name__)

META_CREDENTIALS = {
    "external_user_id": "page_id",
    "meta_page_access_token": "page_access_token",
    "meta_app_secret": "app_secret",
}

#: per platform: account field -> connector credential name. Secret fields
#: are readable by administrators only (``groups=``).
CREDENTIAL_FIELDS = {
    "x": {
        "x_bearer_token": "bearer_token",
        "x_api_key": "consumer_key",
        "x_api_secret": "consumer_secret",
        "x_access_token": "access_token",
        "x_access_token_secret": "access_token_secret",
    },
    "mastodon": {"server_url": "instance_url", "mastodon_access_token": "access_token"},
    "bluesky": {"server_url": "service", "bluesky_app_password": "app_password"},
    "facebook": META_CREDENTIALS,
    "instagram": META_CREDENTIALS,
    "flickr": {
        "flickr_api_key": "api_key",
        "flickr_api_secret": "api_secret",
        "flickr_oauth_token": "oauth_token",
        "flickr_oauth_token_secret": "oauth_token_secret",
    },
}
ALL_CREDENTIAL_FIELDS = {field for fields_ in CREDENTIAL_FIELDS.values() for field in fields_}
#: what decides where a connector sends the credentials, and as whom: only
#: administrators set them (a manager could otherwise send an administrator's
#: token to a server of their own)
CONNECTION_FIELDS = ALL_CREDENTIAL_FIELDS | {
    "platform",
    "handle",
    "server_url",
    "external_user_id",
    "meta_verify_token",
}
#: what a manager may set when creating an account (no credentials yet)
CREATE_FIELDS = {"platform", "handle"}
#: the flow of "Test connection", which fills in handle and platform user id
CONNECTION_FLOW = "social_crm_connection_test"


class SocialCrmAccount(models.Model):
    _name = "social_crm.account"
    _description = "Social CRM account"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    platform = fields.Selection(PLATFORMS, required=True, default="x", tracking=True)
    handle = fields.Char(help="Our own handle on the platform, without the @.")
    external_user_id = fields.Char(
        "Platform user id", copy=False, help="Filled in by 'Test connection'."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one(
        "crm.team", "Webcare team", help="The sales team whose members answer this account's posts."
    )
    state = fields.Selection(
        [("draft", "Not tested"), ("connected", "Connected"), ("error", "Error")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    error_message = fields.Text(readonly=True, copy=False)
    # the exception's class, status, code and the platform's own words
    error_detail = fields.Text(
        "Technical detail", readonly=True, copy=False, groups="base.group_system"
    )
    last_sync_at = fields.Datetime("Last sync", readonly=True, copy=False)
    stream_ids = fields.One2many("social_crm.stream", "account_id", "Streams")
    conversation_count = fields.Integer(compute="_compute_conversation_count")

    # Credentials: only administrators can read or write them, through any
    # channel (views, RPC, exports). Connectors get them via sudo().
    x_bearer_token = fields.Char("Bearer token", groups="base.group_system", copy=False)
    x_api_key = fields.Char("API key", groups="base.group_system", copy=False)
    x_api_secret = fields.Char("API key secret", groups="base.group_system", copy=False)
    x_access_token = fields.Char("Access token", groups="base.group_system", copy=False)
    x_access_token_secret = fields.Char(
        "Access token secret", groups="base.group_system", copy=False
    )
    server_url = fields.Char(
        "Server",
        groups="base.group_system",
        help="Mastodon: your instance, such as https://mastodon.social. "
        "Bluesky: leave empty for https://bsky.social.",
    )
    mastodon_access_token = fields.Char(
        "Mastodon access token", groups="base.group_system", copy=False
    )
    bluesky_app_password = fields.Char(
        "App password",
        groups="base.group_system",
        copy=False,
        help="Bluesky: Settings, Privacy and security, App passwords. Never your own password.",
    )
    meta_page_access_token = fields.Char(
        "Page access token", groups="base.group_system", copy=False
    )
    meta_app_secret = fields.Char(
        "App secret",
        groups="base.group_system",
        copy=False,
        help="Meta signs every webhook delivery with it; badly signed ones are refused.",
    )
    meta_verify_token = fields.Char(
        "Webhook verify token",
        groups="base.group_system",
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        help="Paste it into the Meta app's webhook settings with the callback URL.",
    )
    # Flickr: the app's key reads; the member's OAuth 1.0a token comments
    flickr_api_key = fields.Char("Flickr API key", groups="base.group_system", copy=False)
    flickr_api_secret = fields.Char("Flickr API secret", groups="base.group_system", copy=False)
    flickr_oauth_token = fields.Char("OAuth token", groups="base.group_system", copy=False)
    flickr_oauth_token_secret = fields.Char(
        "OAuth token secret", groups="base.group_system", copy=False
    )
    webhook_url = fields.Char("Webhook callback URL", compute="_compute_webhook_url")
    # followers: one sweep over all pages, then a pause
    follower_sync = fields.Boolean(
        "Sync followers",
        default=True,
        help="Pull the list of this account's followers once a day and match them to contacts "
        "(Mastodon, Bluesky, and X on a plan that allows it).",
    )
    follower_ids = fields.One2many("social_crm.follower", "account_id", "Social followers")
    follower_count = fields.Integer(compute="_compute_follower_count")
    follower_cursor = fields.Json(copy=False, readonly=True)
    follower_sweep = fields.Integer(copy=False, readonly=True)
    follower_next_sync_at = fields.Datetime("Next follower sync", copy=False, index=True)
    follower_last_sweep_at = fields.Datetime("Followers complete at", copy=False, readonly=True)
    follower_error = fields.Text(copy=False, readonly=True)

    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        for account in self:
            meta = account.platform in WEBHOOK_PLATFORMS
            account.webhook_url = f"{base}/social_crm/webhook/meta" if meta else False

    def _compute_follower_count(self):
        counts = count_by(self, "social_crm.follower", "account_id")
        for account in self:
            account.follower_count = counts.get(account, 0)

    def _compute_conversation_count(self):
        counts = count_by(self, "social_crm.conversation", "account_id")
        for account in self:
            account.conversation_count = counts.get(account, 0)

    # ------------------------------------------------------------------
    # Connector
    # ------------------------------------------------------------------
    @api.constrains("server_url")
    def _check_server_url(self):
        for account in self.sudo():
            url = (account.server_url or "").strip()
            if not url:
                continue
            try:
                check_url(url if "://" in url else f"https://{url}")
            except UnsafeRequest as exc:
                raise ValidationError(
                    self.env._(
                        "The server address of '%(account)s' is refused: %(why)s "
                        "Enter the https address of a public server, such as "
                        "https://mastodon.social.",
                        account=account.name,
                        why=error_text(self.env, exc),
                    )
                ) from None

    def _check_connection_rights(self, vals, allowed=frozenset()):
        """Only administrators set connection fields (server, handle, keys),
        except a flow of our own (Test connection) or a superuser job."""
        touched = set(vals) & CONNECTION_FIELDS - set(allowed)
        if touched and not (
            self.env.su
            or self.env.user.has_group("base.group_system")
            or in_flow(self, CONNECTION_FLOW)
        ):
            raise AccessError(
                self.env._(
                    "Only administrators may change how an account connects (%s).",
                    ", ".join(sorted(touched)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_connection_rights(vals, allowed=CREATE_FIELDS)
        return super().create(vals_list)

    def _connector_session(self):
        """The HTTP session every connector call goes through: public https
        hosts only, no redirects, a deadline and a size cap (tests inject a
        replaying session here)."""
        return SafeSession()

    def _get_connector(self):
        self.ensure_one()
        sudo = self.sudo()
        credentials = {
            name: sudo[field] for field, name in CREDENTIAL_FIELDS.get(self.platform, {}).items()
        }
        credentials["handle"] = self.handle
        if self.platform == "demo":
            credentials["media_base"] = f"{self.get_base_url()}/social_crm"
        return get_connector(self.platform, credentials, self._connector_session())

    def _own_profile(self):
        """Our account as a post author (for replies we send)."""
        self.ensure_one()
        if not self.external_user_id:
            return None
        return Profile(
            user_id=self.external_user_id, handle=self.handle or "", display_name=self.name
        )

    def _human_error(self, error):
        """``(sentence, detail)`` about ``error``: what failed and what to do
        for everyone, the technical facts for administrators only."""
        self.ensure_one()
        platform = platform_label(self.platform)
        place = error_place(platform, self.sudo().server_url)
        return human_error(self.env, error, place)

    def _error_words(self, error):
        """``(words, detail)`` about ``error``: the words to store (shown in
        the reader's language), the technical facts for administrators."""
        self.ensure_one()
        platform = platform_label(self.platform)
        place = error_place(platform, self.sudo().server_url)
        return error_words(self.env, error, place)

    def _record_error(self, error):
        """Store our own words about ``error``; the technical facts (the
        platform's text from ``error.detail``) go to the log and to
        ``error_detail``, which administrators only read."""
        words, detail = self._error_words(error)
        _logger.info("social_crm: account %s: %s", self.id, detail)
        self.write({"state": "error", "error_words": words})
        self.sudo().error_detail = detail

    def _record_success(self):
        vals = {"last_sync_at": fields.Datetime.now()}
        if self.state != "connected" or self.error_message:
            vals.update(state="connected", error_message=False)
            self.sudo().error_detail = False
        self.write(vals)

    def action_test_connection(self):
        """Test the keys: only who may change the account may make it call out."""
        self.ensure_one()
        self.check_access("write")
        try:
            profile = self._get_connector().test_connection()
        except ConnectorError as error:
            self._record_error(error)
            return self._notify(
                self.env._("Connection failed: %s", self._human_error(error)[0]), "danger"
            )
        flow(self, CONNECTION_FLOW).write(
            {
                "state": "connected",
                "error_message": False,
                "handle": profile.handle or self.handle,
                "external_user_id": profile.user_id,
            }
        )
        return self._notify(
            self.env._("Connected as @%(handle)s.", handle=profile.handle), "success"
        )

    def _notify(self, message, kind):
        return notification(message, kind, sticky=kind == "danger", then=SOFT_RELOAD)

    def action_view_followers(self):
        return window_action(self, "social_crm.action_social_crm_follower", "account_id")

    def action_view_conversations(self):
        return window_action(self, "social_crm.action_social_crm_conversation", "account_id")

    def write(self, vals):
        self._check_connection_rights(vals)
        if vals.keys() & (ALL_CREDENTIAL_FIELDS | {"platform", "handle"}) and "state" not in vals:
            vals = dict(vals, state="draft")
        return super().write(vals)
