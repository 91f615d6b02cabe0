import logging

from odoo import api, fields, models

from ._oauth import (
    OAuthRefused,
    _hash,
)

_logger = logging.getLogger(__name__)


class SocialCrmOauthPending(models.Model):
    _name = "social_crm.oauth.pending"
    _description = "Authorization waiting for its callback"
    _order = "id desc"

    state_hash = fields.Char(required=True, index=True, readonly=True)
    account_id = fields.Many2one("social_crm.account", required=True, ondelete="cascade")
    platform = fields.Char(required=True)
    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    session_hash = fields.Char(readonly=True)
    verifier = fields.Char(readonly=True)
    redirect_uri = fields.Char(required=True)
    expires_at = fields.Datetime(required=True)
    used = fields.Boolean()
    mastodon_app_id = fields.Many2one("social_crm.oauth.app", ondelete="cascade")
    #: Meta: the pages found, with their tokens, until one is picked
    pages = fields.Json()

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()

    def _claim(self, state, sid):
        """The pending authorization of ``state`` for this user and session,
        locked; refused (nothing stored) when unknown, used, expired, or
        another user's or session's."""
        pending = (
            self.sudo().search([("state_hash", "=", _hash(state))], limit=1) if state else None
        )
        if pending:
            self.env.cr.execute(
                "SELECT id FROM social_crm_oauth_pending WHERE id = %s FOR UPDATE", [pending.id]
            )
            pending.invalidate_recordset()
        if (
            not pending
            or pending.used
            or pending.user_id != self.env.user
            or pending.session_hash != _hash(sid)
        ):
            raise OAuthRefused(
                self.env._(
                    "This connection link is not valid: it was already used, or it was started "
                    "in another browser session. Nothing was saved. Go back to the account and "
                    "press Connect again."
                )
            )
        if pending.expires_at < fields.Datetime.now():
            raise OAuthRefused(
                self.env._(
                    "This connection link has expired (after 10 minutes). Nothing was saved. "
                    "Go back to the account and press Connect again."
                )
            )
        return pending
