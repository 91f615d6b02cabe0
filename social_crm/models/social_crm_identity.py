import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from .. import funnel, matching_sql
from ..connectors import Profile
from ..connectors.platforms import PLATFORMS
from ._helpers import count_by, link_key, window_action

_logger = logging.getLogger(__name__)

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


#: what an identity's contact link stands at, for people (the contact
#: field, the pending suggestions and the matching state together)
LINK_STATES = [
    ("linked", "Linked"),
    ("suggested", "Suggested"),
    ("pending", "To match"),
    ("none", "No contact found"),
]


class Evidence(str):
    """Why an identity was linked, as the server found it: passed in the
    context key ``social_crm_evidence``. JSON-RPC carries plain strings,
    never this class, so a client cannot write evidence into the log."""

    __slots__ = ()


class SocialCrmIdentity(models.Model):
    _name = "social_crm.identity"
    _description = "Social identity"
    _inherit = ["mail.thread", "social_crm.consent.mixin"]
    _order = "handle, id"

    name = fields.Char(compute="_compute_name", store=True)
    platform = fields.Selection(PLATFORMS, required=True, index=True)
    user_id = fields.Char(
        "Platform user id",
        index=True,
        help="Empty for a handle entered on a contact before its account posted: the "
        "first post from that handle fills it in, and the identity stays linked.",
    )
    handle = fields.Char(index=True)
    profile_name = fields.Char("Display name")
    profile_url = fields.Char("Profile URL")
    avatar_url = fields.Char("Avatar URL")
    bio = fields.Text()
    location = fields.Char()
    followers_count = fields.Integer("Follower count")
    verified = fields.Boolean()
    # The platform profile above is global: every company sees the same
    # person. What a company knows or decides about them is its own
    # (company_dependent, stored as jsonb keyed by company id): the contact
    # link, the matching state, the funnel stage, the advocate score and
    # the consent flags. Server code reads them with_company(the account's
    # company).
    partner_id = fields.Many2one(
        "res.partner", "Contact", company_dependent=True, tracking=True, ondelete="set null"
    )
    post_ids = fields.One2many("social_crm.message", "author_identity_id", "Posts")
    match_state = fields.Selection(
        [("pending", "To match"), ("done", "Matching done")],
        default="pending",
        company_dependent=True,
        copy=False,
        help="Identities to match are proposed to agents in the background.",
    )
    suggestion_ids = fields.One2many("social_crm.suggestion", "identity_id", "Suggestions")
    link_state = fields.Selection(
        LINK_STATES,
        "Contact link",
        compute="_compute_link_state",
        search="_search_link_state",
        help="Linked: a contact of this company is linked. Suggested: matching proposes "
        "contacts to confirm. To match: matching has not run yet. No contact found: it ran "
        "and found none.",
    )
    post_count = fields.Integer("Posts count", compute="_compute_post_count")
    funnel_stage = fields.Selection(
        funnel.STAGES,
        "Funnel stage",
        default="anonymous",
        company_dependent=True,
        readonly=True,
        tracking=True,
        help="The furthest stage reached; see the funnel history for when and why.",
    )
    funnel_event_ids = fields.One2many(
        "social_crm.funnel.event", "identity_id", "Funnel history", readonly=True
    )
    lead_ids = fields.One2many("crm.lead", "social_crm_identity_id", "Leads")
    consent_ids = fields.One2many(
        "social_crm.consent", "identity_id", "Consent history", readonly=True
    )
    advocate_score = fields.Float(
        "Advocate score",
        digits=(4, 1),
        readonly=True,
        company_dependent=True,
        aggregator="max",
        help="0 to 100: praise, positive posts, photos and rights granted, following us, over "
        "the last 90 days (recent ones count most); complaints count against. Daily.",
    )
    advocate_reasons = fields.Char("Why", readonly=True, company_dependent=True)
    advocate_date = fields.Date("Scored on", readonly=True, copy=False, company_dependent=True)

    _sql_constraints = [
        (
            "platform_user_unique",
            "UNIQUE(platform, user_id)",
            "This platform user already has an identity.",
        ),
    ]

    def init(self):
        # looks up the identities a company linked to given contacts (jsonb)
        self.env.cr.execute(matching_sql.link_index_statement())
        # the candidate query looks identities up by (platform, lower(handle))
        self.env.cr.execute(matching_sql.handle_index_statement())
        if self.pool.has_trigram:  # handle "=ilike" lookups of the ORM (see matching_sql)
            self.env.cr.execute(matching_sql.handle_trigram_index_statement())

    def _consent_key(self):
        return "identities"

    @api.constrains("user_id", "handle")
    def _check_user_or_handle(self):
        for identity in self:
            if not identity.user_id and not identity.handle:
                raise ValidationError(self.env._("A social identity needs a handle or a user id."))

    @api.depends("handle", "profile_name", "user_id")
    def _compute_name(self):
        for identity in self:
            handle = f"@{identity.handle}" if identity.handle else identity.user_id
            if identity.profile_name and identity.profile_name != identity.handle:
                identity.name = f"{identity.profile_name} ({handle})"
            else:
                identity.name = handle

    @api.depends("partner_id", "match_state", "suggestion_ids.state", "suggestion_ids.company_id")
    @api.depends_context("company")
    def _compute_link_state(self):
        for identity in self:
            if identity.partner_id:
                identity.link_state = "linked"
            elif identity.suggestion_ids.filtered(
                lambda s: s.state == "pending" and s.company_id == self.env.company
            ):
                identity.link_state = "suggested"
            elif identity.match_state == "done":
                identity.link_state = "none"
            else:
                identity.link_state = "pending"

    def _search_link_state(self, operator, value):
        if operator not in ("=", "!=") or value not in dict(LINK_STATES):
            raise NotImplementedError(self.env._("Unsupported search on 'Contact link'."))
        # links and suggestions are per company
        pending = [("state", "=", "pending"), ("company_id", "=", self.env.company.id)]
        suggested = [("suggestion_ids", "any", pending)]
        domain = {
            "linked": [("partner_id", "!=", False)],
            "suggested": [("partner_id", "=", False), *suggested],
            "pending": [("partner_id", "=", False), ("match_state", "=", "pending")]
            + ["!", *suggested],
            "none": [("partner_id", "=", False), ("match_state", "=", "done")] + ["!", *suggested],
        }[value]
        return domain if operator == "=" else ["!", *expression.normalize_domain(domain)]

    def _compute_post_count(self):
        counts = count_by(self, "social_crm.message", "author_identity_id")
        for identity in self:
            identity.post_count = counts.get(identity, 0)

    @api.model
    def _upsert_profiles(self, platform, profiles):
        """Create or refresh identities from connector profiles. People
        who were erased (``social_crm.erased.user``) are not created again.

        :return: dict platform user id -> identity
        """
        latest = {p.user_id: p for p in profiles if p and p.user_id}
        if not latest:
            return {}
        erased = self.env["social_crm.erased.user"]._erased(platform, list(latest))
        found = self.search([("platform", "=", platform), ("user_id", "in", list(latest))])
        by_user = {identity.user_id: identity for identity in found}
        # handles stored on contacts before their account posted: adopt them,
        # while no user id is known for that handle (handles are recycled: a
        # new account using a known handle gets its own identity, and the
        # matcher only suggests the contact)
        unknown = {
            p.handle.lower().lstrip("@"): user_id
            for user_id, p in latest.items()
            if user_id not in by_user and p.handle and user_id not in erased
        }
        if unknown:
            domain = expression.OR([[("handle", "=ilike", handle)] for handle in unknown])
            same_handle = self.search(expression.AND([[("platform", "=", platform)], domain]))
            taken = {i.handle.lower() for i in same_handle if i.user_id}
            for stored in same_handle.filtered(lambda i: not i.user_id):
                user_id = unknown.get(stored.handle.lower())
                if user_id and user_id not in by_user and stored.handle.lower() not in taken:
                    stored.user_id = user_id
                    by_user[user_id] = stored
        for user_id, identity in by_user.items():
            vals = {
                field: getattr(latest[user_id], attr)
                for attr, field in PROFILE_FIELDS.items()
                if getattr(latest[user_id], attr) not in (None, "")
                and getattr(latest[user_id], attr) != identity[field]
            }
            if vals:
                identity.write(vals)
        missing = [
            p for user_id, p in latest.items() if user_id not in by_user and user_id not in erased
        ]
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

    # ------------------------------------------------------------------
    # Funnel
    # ------------------------------------------------------------------
    def _funnel_advance(self, stage, source, message=None, lead=None, when=None, company=None):
        """Move to ``stage`` if it lies further on, and log the move with its
        date and cause. Earlier stages passed over are not invented."""
        if company is None:
            company = (message or lead).company_id if message or lead else self.env.company
        # the stage is the company's own: read and move it in that company
        self = self.with_company(company or self.env.company)
        Event = self.env["social_crm.funnel.event"].sudo()
        vals_list = []
        for identity in self:
            if not funnel.is_further(identity.funnel_stage or "anonymous", stage):
                continue
            vals_list.append(
                {
                    "identity_id": identity.id,
                    "partner_id": identity.partner_id.id,
                    "stage": stage,
                    "previous_stage": identity.funnel_stage or "anonymous",
                    "source": source,
                    "event_date": when or fields.Datetime.now(),
                    "message_id": message.id if message else False,
                    "lead_id": lead.id if lead else False,
                    "company_id": self.env.company.id,
                }
            )
            identity.sudo().funnel_stage = stage
        return Event.create(vals_list)

    def _as_profile(self):
        """This identity as a :class:`Profile` (to address them, to match them)."""
        self.ensure_one()
        return Profile(
            id=str(self.id),
            platform=self.platform or "",
            user_id=self.user_id or "",
            handle=self.handle or "",
            display_name=self.profile_name or "",
            profile_url=self.profile_url or "",
            avatar_url=self.avatar_url or "",
            bio=self.bio or "",
            location=self.location or "",
            followers=self.followers_count or 0,
            verified=bool(self.verified),
        )

    def action_create_lead(self):
        """Create a lead for this person (or open the one they already have)."""
        self.ensure_one()
        latest = self.post_ids.filtered(lambda m: m.direction == "in")[:1]
        return self.env["crm.lead"]._social_crm_from_identity(self, latest)._social_crm_open()

    def action_view_posts(self):
        return window_action(self, "social_crm.action_social_crm_message", "author_identity_id")

    # ------------------------------------------------------------------
    # Linking and matching
    # ------------------------------------------------------------------
    @staticmethod
    def _clean_handle(vals):
        """Store a handle typed as "@Name" or as a profile URL as "Name"."""
        handle = (vals.get("handle") or "").strip()
        if "/" in handle:
            if not vals.get("profile_url"):
                vals = dict(vals, profile_url=handle)
            handle = ([p for p in handle.split("?")[0].split("/") if p] or [""])[-1]
        if vals.get("handle"):
            vals = dict(vals, handle=handle.lstrip("@"))
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        identities = super().create([self._clean_handle(vals) for vals in vals_list])
        for identity in identities.filtered("partner_id"):
            identity._log_link(identity.partner_id, self.env["res.partner"])
        identities.filtered("partner_id").match_state = "done"
        self._trigger_matching()
        return identities

    def write(self, vals):
        vals = self._clean_handle(vals)
        before = (
            {identity: identity.partner_id for identity in self} if "partner_id" in vals else {}
        )
        rematch = vals.keys() & {"handle", "profile_name", "bio", "location", "profile_url"}
        result = super().write(vals)
        if rematch and "match_state" not in vals:
            self._match_again_everywhere()
        for identity, old in before.items():
            if identity.partner_id != old:
                evidence = self.env.context.get("social_crm_evidence")
                # only the server's own evidence (a client sends plain strings)
                evidence = evidence if isinstance(evidence, Evidence) else None
                identity._log_link(identity.partner_id, old, evidence)
        if rematch:
            self._trigger_matching()
        return result

    def _log_link(self, new, old, evidence=None):
        """Log a (un)link on the identity and on both contacts (plain text).

        Posted as the system but signed by the user: agents may link an
        identity without having the right to edit contacts.
        """
        user = self.env.user
        because = self.env._(" Evidence: %s", evidence) if evidence else ""
        log = {"author_id": user.partner_id.id, "subtype_xmlid": "mail.mt_note"}
        if new:
            self.sudo().message_post(
                body=self.env._(
                    "Linked to %(partner)s by %(user)s.", partner=new.name, user=user.name
                )
                + because,
                **log,
            )
            new.sudo().message_post(
                body=self.env._(
                    "Social identity %(identity)s linked by %(user)s.",
                    identity=self.name,
                    user=user.name,
                )
                + because,
                **log,
                # it names this identity: linked to it, so erasure finds it
                message_id=link_key(self),
            )
            self.suggestion_ids.filtered(lambda s: s.state == "pending")._decide("rejected")
        if old:
            old.sudo().message_post(
                body=self.env._(
                    "Social identity %(identity)s unlinked by %(user)s.",
                    identity=self.name,
                    user=user.name,
                ),
                **log,
                # it names this identity: linked to it, so erasure finds it
                message_id=link_key(self),
            )
