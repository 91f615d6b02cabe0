"""Import customers' social handles with Odoo's contact import (issue 14).

Two import-only columns on contacts: "Social platform" and "Social handle or
profile URL" (several may be given in one cell, separated by spaces, commas
or semicolons). Each row's handles become identities linked to the contact in
the importing user's company: an identity already known for that handle is
linked, a new one is created with the handle only (the first post from it, or
the resolve step below, fills in the platform user id). A bad row raises a
clear error for that row, and base_import then imports nothing.
"""

import logging
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .. import social_handles
from ..connectors import ConnectorError, RateLimitError
from .social_crm_identity import Evidence

_logger = logging.getLogger(__name__)

AGENT = "social_crm.group_social_crm_agent"
_SEPARATORS = re.compile(r"[\s,;]+")
#: platforms whose connector looks a person up by handle
RESOLVABLE = ("x", "mastodon", "bluesky")
RESOLVE_RETRY = timedelta(days=7)


def _escape_like(value):
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _RowByRow(Exception):
    """A batch of imported rows holds a bad one: import them one by one."""


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_crm_import_platform = fields.Char(
        "Social platform",
        compute="_compute_social_crm_import",
        inverse="_inverse_social_crm_import",
        groups=AGENT,
        help="For importing contacts: X, Facebook, Instagram, Mastodon or Bluesky. "
        "May stay empty when the handle column holds profile URLs.",
    )
    social_crm_import_handle = fields.Char(
        "Social handle or profile URL",
        compute="_compute_social_crm_import",
        inverse="_inverse_social_crm_import",
        groups=AGENT,
        help="For importing contacts: @name, or a profile URL such as https://x.com/name, "
        "https://mastodon.social/@name or https://bsky.app/profile/name.bsky.social. "
        "The contact gets a linked social identity.",
    )

    def _compute_social_crm_import(self):
        self.social_crm_import_platform = False
        self.social_crm_import_handle = False

    def _inverse_social_crm_import(self):
        """Handled in create and write (in batch), never stored."""

    @api.model
    def _social_crm_parse_import(self, vals):
        """``(vals without the import columns, [(platform, handle, url)])``;
        UserError with the row's problem."""
        if "social_crm_import_platform" not in vals and "social_crm_import_handle" not in vals:
            return vals, []
        vals = dict(vals)  # base_import retries row by row with the same dicts
        platform = vals.pop("social_crm_import_platform", False) or ""
        cell = vals.pop("social_crm_import_handle", False) or ""
        found = []
        try:
            values = [v for v in _SEPARATORS.split(cell.strip()) if v] or [""]
            for value in values:
                parsed = social_handles.parse(platform, value)
                if parsed:
                    found.append(parsed)
        except social_handles.HandleError as exc:
            # the engine's English words, in the user's language (the .pot has them)
            why = self.env._(exc.template, **exc.params)
            raise UserError(self.env._("Social handle: %s", why)) from None
        return vals, found

    @api.model_create_multi
    def create(self, vals_list):
        try:
            parsed = [self._social_crm_parse_import(vals) for vals in vals_list]
            partners = super().create([vals for vals, _handles in parsed])
            pairs = [
                (p, handles)
                for p, (_vals, handles) in zip(partners, parsed, strict=True)
                if handles
            ]
            if pairs:
                self._social_crm_link_imported(pairs)
        except UserError as exc:
            if len(vals_list) > 1 and self.env.context.get("import_file"):
                # base_import's batch: let it retry row by row, so that each bad
                # row gets its own error (a UserError here would be shown
                # once more, on the batch's first row)
                raise _RowByRow(str(exc)) from None
            raise
        return partners

    def write(self, vals):
        vals, handles = self._social_crm_parse_import(vals)
        result = super().write(vals)
        if handles:
            self._social_crm_link_imported([(partner, handles) for partner in self])
        return result

    @api.model
    def _social_crm_link_imported(self, pairs):
        """Link (or create) an identity per imported handle, for the contact
        of its row, in the importing user's company."""
        Identity = self.env["social_crm.identity"].with_company(self.env.company)
        Identity.check_access("create")
        wanted = {}
        for partner, handles in pairs:
            for platform, handle, url in handles:
                key = social_handles.key(platform, handle)
                other = wanted.get(key)
                if other and other[0] != partner:
                    raise UserError(
                        self.env._(
                            "Social handle: %(handle)s on %(platform)s is given for both "
                            "%(one)s and %(other)s.",
                            handle=handle,
                            platform=social_handles.PLATFORM_LABELS[platform],
                            one=other[0].display_name,
                            other=partner.display_name,
                        )
                    )
                wanted[key] = (partner, platform, handle, url)
        known = {}
        keys = list(wanted)
        for start in range(0, len(keys), 500):
            domain = expression.OR(
                [
                    [("platform", "=", platform), ("handle", "=ilike", _escape_like(handle))]
                    for platform, handle in keys[start : start + 500]
                ]
            )
            for identity in Identity.search(domain):
                key = social_handles.key(identity.platform, identity.handle)
                known.setdefault(key, Identity.browse())
                known[key] |= identity
        evidence = Evidence(self.env._("imported from a contact list by %s", self.env.user.name))
        linking = Identity.with_context(social_crm_evidence=evidence)
        to_create = []
        for key, (partner, platform, handle, url) in wanted.items():
            identities = known.get(key, Identity.browse())
            if partner in identities.partner_id:
                continue  # imported before
            linked = identities.filtered("partner_id")
            if linked:
                raise UserError(
                    self.env._(
                        "Social handle: %(handle)s on %(platform)s is already linked to "
                        "%(other)s; unlink it there first, or leave it out of this row.",
                        handle=handle,
                        platform=social_handles.PLATFORM_LABELS[platform],
                        other=linked[0].partner_id.display_name,
                    )
                )
            if identities:
                # the one that posted (user id known) is the person; else the oldest
                identity = identities.sorted(lambda i: (not i.user_id, i.id))[0]
                linking.browse(identity.id).partner_id = partner
            else:
                to_create.append(
                    {
                        "platform": platform,
                        "handle": handle,
                        "profile_url": url,
                        "partner_id": partner.id,
                    }
                )
        if to_create:
            linking.with_context(mail_create_nolog=True).create(to_create)


class SocialCrmIdentity(models.Model):
    _inherit = "social_crm.identity"

    handle_checked_at = fields.Datetime(
        "Handle looked up",
        readonly=True,
        copy=False,
        help="When the platform was last asked for this handle's user id (imported handles).",
    )

    @api.model
    def _cron_resolve_handles(self, limit=100, now=None):
        """Scheduled action: ask the platform for the user id of handles that
        have none yet (imported or typed on a contact), with an active,
        connected account of that platform. Handles that are gone are asked
        again a week later; a rate limit stops that platform until the next run."""
        now = now or fields.Datetime.now()
        Account = self.env["social_crm.account"].sudo()
        for platform in RESOLVABLE:
            account = Account.search(
                [("platform", "=", platform), ("active", "=", True), ("state", "=", "connected")],
                limit=1,
            )
            if not account:
                continue
            identities = self.sudo().search(
                [
                    ("platform", "=", platform),
                    ("user_id", "=", False),
                    ("handle", "!=", False),
                    "|",
                    ("handle_checked_at", "=", False),
                    ("handle_checked_at", "<", now - RESOLVE_RETRY),
                ],
                limit=limit,
                order="id",
            )
            if not identities:
                continue
            connector = account._get_connector()
            for identity in identities:
                try:
                    profile = connector.get_profile(handle=identity.handle)
                except RateLimitError:
                    break
                except ConnectorError as exc:
                    _logger.info("social_crm: handle %s not found: %s", identity.handle, exc)
                    identity.handle_checked_at = now
                    continue
                identity._adopt_profile(profile, now)

    def _adopt_profile(self, profile, now):
        """This handle-only identity is ``profile``'s account: take its user id,
        unless another identity already holds it (the matcher suggests then)."""
        self.ensure_one()
        vals = {"handle_checked_at": now}
        if profile and profile.user_id:
            taken = self.search_count(
                [("platform", "=", self.platform), ("user_id", "=", profile.user_id)]
            )
            if not taken:
                vals["user_id"] = profile.user_id
                for attr, field in (
                    ("display_name", "profile_name"),
                    ("avatar_url", "avatar_url"),
                    ("profile_url", "profile_url"),
                    ("followers", "followers_count"),
                ):
                    if getattr(profile, attr, None):
                        vals[field] = getattr(profile, attr)
        self.write(vals)
