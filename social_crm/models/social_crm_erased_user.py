import hashlib
import hmac

from odoo import api, fields, models

from ..connectors.platforms import PLATFORMS


class SocialCrmErasedUser(models.Model):
    """A tombstone: a platform user whose identity was erased.

    A retried or late webhook delivery (a reaction, a comment) or a follower
    sweep must not bring an erased person back. Only a keyed hash of the
    platform user id is kept (HMAC-SHA256 under the database secret), never
    the id itself: the table holds no personal data and is shared by all
    companies. Posts such a person writes are still stored, without an
    identity.
    """

    _name = "social_crm.erased.user"
    _description = "Social CRM erased platform user"
    _rec_name = "platform"

    platform = fields.Selection(PLATFORMS, required=True, readonly=True)
    user_hash = fields.Char(required=True, readonly=True, help="HMAC-SHA256 of the user id.")
    erased_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    _sql_constraints = [
        ("user_unique", "UNIQUE(platform, user_hash)", "This user is already erased."),
    ]

    @api.model
    def _hash(self, platform, user_id):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret") or ""
        message = f"{platform}:{user_id}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    @api.model
    def _erased(self, platform, user_ids):
        """Those of ``user_ids`` (platform user ids) that were erased."""
        hashes = {self._hash(platform, user_id): str(user_id) for user_id in user_ids if user_id}
        if not hashes:
            return set()
        found = self.sudo().search_fetch(
            [("platform", "=", platform), ("user_hash", "in", list(hashes))], ["user_hash"]
        )
        return {hashes[tomb.user_hash] for tomb in found}

    @api.model
    def _is_erased(self, platform, user_id):
        return bool(self._erased(platform, [user_id]))

    @api.model
    def _bury(self, platform, user_ids):
        """Remember that ``user_ids`` were erased on ``platform``."""
        new = {str(user_id) for user_id in user_ids if user_id} - self._erased(platform, user_ids)
        return self.sudo().create(
            [{"platform": platform, "user_hash": self._hash(platform, user_id)} for user_id in new]
        )
