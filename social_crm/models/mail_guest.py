"""Posters in Discuss: one ``mail.guest`` per identity, the way im_livechat
shows visitors (never a new contact, never the agent or OdooBot)."""

from odoo import api, fields, models

from ..connectors.platforms import PLATFORMS, platform_label

#: the identity's fields a guest's name is made of
GUEST_SOURCES = {"handle", "profile_name", "user_id", "platform"}


class MailGuest(models.Model):
    _inherit = "mail.guest"

    social_crm_identity_id = fields.Many2one(
        "social_crm.identity",
        "Social identity",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="The poster this guest shows in Social CRM's Discuss threads.",
    )
    social_crm_handle = fields.Char("Handle", readonly=True)
    social_crm_platform = fields.Selection(PLATFORMS, "Platform", readonly=True)

    _sql_constraints = [
        (
            "social_crm_identity_unique",
            "unique(social_crm_identity_id)",
            "One guest per social identity.",
        )
    ]

    @api.model
    def _social_crm_guest_values(self, identity):
        platform = platform_label(identity.platform)
        who = identity.profile_name or identity.name or identity.handle or identity.user_id
        handle = identity.handle
        shown = f"@{handle}, {platform}" if handle and handle != who else platform
        name = f"{who} ({shown})"
        return {
            "name": name[:120],
            "social_crm_identity_id": identity.id,
            "social_crm_handle": handle or False,
            "social_crm_platform": identity.platform,
        }

    @api.model
    def _social_crm_guests_for(self, identities):
        """The guests of ``identities`` (created in one batch where missing),
        by identity id."""
        Guest = self.sudo()
        found = Guest.search([("social_crm_identity_id", "in", identities.ids)])
        by_identity = {g.social_crm_identity_id.id: g for g in found}
        missing = identities.filtered(lambda i: i.id not in by_identity)
        if missing:
            created = Guest.create([self._social_crm_guest_values(i) for i in missing])
            by_identity.update({g.social_crm_identity_id.id: g for g in created})
        return by_identity

    def _to_store(self, store, /, *, fields=None):
        result = super()._to_store(store, fields=fields)
        for guest in self.filtered("social_crm_identity_id"):
            store.add(
                guest,
                {
                    "social_crm_handle": guest.social_crm_handle or False,
                    "social_crm_platform": guest.social_crm_platform or False,
                },
            )
        return result


class SocialCrmIdentity(models.Model):
    _inherit = "social_crm.identity"

    def write(self, vals):
        result = super().write(vals)
        if GUEST_SOURCES.intersection(vals):
            # the guest shows what the identity still holds (retention, erasure)
            Guest = self.env["mail.guest"].sudo()
            for guest in Guest.search([("social_crm_identity_id", "in", self.ids)]):
                guest.write(Guest._social_crm_guest_values(guest.social_crm_identity_id))
        return result
