from odoo import api, fields, models

from ._helpers import count_by, window_action
from .social_crm_account import PLATFORMS

#: connector Profile attribute -> identity field
PROFILE_FIELDS = {
    "handle": "handle",
    "display_name": "profile_name",
    "profile_url": "profile_url",
    "avatar_url": "avatar_url",
    "bio": "bio",
    "location": "location",
    "followers": "followers_count",
    "verified": "verified",
}


class SocialCrmIdentity(models.Model):
    _name = "social_crm.identity"
    _description = "Social identity"
    _inherit = ["mail.thread"]
    _order = "handle, id"

    name = fields.Char(compute="_compute_name", store=True)
    platform = fields.Selection(PLATFORMS, required=True, index=True)
    user_id = fields.Char("Platform user id", required=True, index=True)
    handle = fields.Char(index=True)
    profile_name = fields.Char("Display name")
    profile_url = fields.Char("Profile URL")
    avatar_url = fields.Char("Avatar URL")
    bio = fields.Text()
    location = fields.Char()
    followers_count = fields.Integer("Follower count")
    verified = fields.Boolean()
    partner_id = fields.Many2one(
        "res.partner", "Contact", index=True, tracking=True, ondelete="set null"
    )
    post_ids = fields.One2many("social_crm.message", "author_identity_id", "Posts")
    post_count = fields.Integer("Posts count", compute="_compute_post_count")

    _sql_constraints = [
        (
            "platform_user_unique",
            "UNIQUE(platform, user_id)",
            "This platform user already has an identity.",
        ),
    ]

    @api.depends("handle", "profile_name", "user_id")
    def _compute_name(self):
        for identity in self:
            handle = f"@{identity.handle}" if identity.handle else identity.user_id
            if identity.profile_name and identity.profile_name != identity.handle:
                identity.name = f"{identity.profile_name} ({handle})"
            else:
                identity.name = handle

    def _compute_post_count(self):
        counts = count_by(self, "social_crm.message", "author_identity_id")
        for identity in self:
            identity.post_count = counts.get(identity, 0)

    @api.model
    def _upsert_profiles(self, platform, profiles):
        """Create or refresh identities from connector profiles.

        :return: dict platform user id -> identity
        """
        latest = {p.user_id: p for p in profiles if p and p.user_id}
        if not latest:
            return {}
        found = self.search([("platform", "=", platform), ("user_id", "in", list(latest))])
        by_user = {identity.user_id: identity for identity in found}
        for user_id, identity in by_user.items():
            vals = {
                field: getattr(latest[user_id], attr)
                for attr, field in PROFILE_FIELDS.items()
                if getattr(latest[user_id], attr) not in (None, "")
                and getattr(latest[user_id], attr) != identity[field]
            }
            if vals:
                identity.write(vals)
        missing = [p for user_id, p in latest.items() if user_id not in by_user]
        created = self.with_context(mail_create_nolog=True).create(
            [
                dict(
                    {field: getattr(p, attr) for attr, field in PROFILE_FIELDS.items()},
                    platform=platform,
                    user_id=p.user_id,
                )
                for p in missing
            ]
        )
        by_user.update({identity.user_id: identity for identity in created})
        return by_user

    def action_view_posts(self):
        return window_action(self, "social_crm.action_social_crm_message", "author_identity_id")
