from odoo import api, fields, models
from odoo.tools import SQL

from .. import matching
from ._helpers import count_by, window_action

#: candidate rows fetched per identity at the most
CANDIDATE_LIMIT = 200


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_identity_ids = fields.One2many("social_crm.identity", "partner_id", "Social identities")
    social_conversation_count = fields.Integer(
        "Social conversations",
        compute="_compute_social_conversation_count",
        groups="social_crm.group_social_crm_agent",
    )

    def _compute_social_conversation_count(self):
        counts = count_by(self, "social_crm.conversation", "partner_id")
        for partner in self:
            partner.social_conversation_count = counts.get(partner, 0)

    def action_view_social_conversations(self):
        action = window_action(self, "social_crm.action_social_crm_conversation", "partner_id")
        action["context"] = {"search_default_filter_open": 0}
        return action

    # ------------------------------------------------------------------
    # Candidate retrieval for identity matching (SQL, indexed)
    # ------------------------------------------------------------------
    def init(self):
        super().init()
        cr = self.env.cr
        # pg_trgm makes the name search ('%vries%') an index scan; without the
        # extension (no privilege) matching still works, only slower.
        cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if not cr.fetchone():
            try:
                with cr.savepoint():
                    cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception:  # noqa: BLE001 - lacking the privilege is fine
                pass
        cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cr.fetchone():
            cr.execute(
                "CREATE INDEX IF NOT EXISTS res_partner_social_crm_name_trgm "
                "ON res_partner USING gin (lower(name) gin_trgm_ops)"
            )
        for name, expression in (
            ("email", "lower(email)"),
            ("ref", "regexp_replace(lower(ref), '[^a-z0-9]', '', 'g')"),
            ("phone", r"right(regexp_replace(phone, '\D', '', 'g'), 9)"),
            ("mobile", r"right(regexp_replace(mobile, '\D', '', 'g'), 9)"),
        ):
            cr.execute(
                f"CREATE INDEX IF NOT EXISTS res_partner_social_crm_{name} "
                f"ON res_partner (({expression}))"
            )

    @api.model
    def _social_crm_candidates(self, evidence, profile, companies):
        """Partners that could be this profile, as :class:`matching.Partner`
        records, with their stored social entries. One query on indexed
        expressions; never a loop over all partners."""
        names = set()
        if evidence.name:
            names |= {evidence.name.surname, evidence.name.joined, evidence.name.full}
        for part in evidence.handle_parts:
            names |= {part[start:] for start in range(0, max(len(part) - 3, 1))}
        patterns = [f"%{n}%" for n in names if len(n) >= 3]
        conditions = [
            SQL("lower(p.email) = ANY(%s)", list(evidence.emails)),
            SQL(
                "regexp_replace(lower(p.ref), '[^a-z0-9]', '', 'g') = ANY(%s)", list(evidence.refs)
            ),
            SQL(
                r"right(regexp_replace(p.phone, '\D', '', 'g'), 9) = ANY(%s)", list(evidence.phones)
            ),
            SQL(
                r"right(regexp_replace(p.mobile, '\D', '', 'g'), 9) = ANY(%s)",
                list(evidence.phones),
            ),
            SQL("lower(p.name) LIKE ANY(%s)", patterns),
            SQL(
                "p.id IN (SELECT partner_id FROM social_crm_identity WHERE platform = %s "
                "AND partner_id IS NOT NULL AND (user_id = %s OR lower(handle) = %s))",
                profile.platform,
                profile.user_id or "",
                (profile.handle or "").lower().lstrip("@"),
            ),
        ]
        if evidence.domains:
            conditions.append(SQL("p.website ILIKE ANY(%s)", [f"%{d}%" for d in evidence.domains]))
        query = SQL(
            """
            SELECT p.id, p.name, p.email, p.phone, p.mobile, p.city, p.zip, p.street,
                   p.website, p.ref, p.is_company
              FROM res_partner p
             WHERE p.active AND (p.company_id IS NULL OR p.company_id = ANY(%s))
               AND (%s)
             LIMIT %s
            """,
            companies.ids,
            SQL(" OR ").join(conditions),
            CANDIDATE_LIMIT,
        )
        self.env.cr.execute(query)
        rows = self.env.cr.dictfetchall()
        social = {}
        if rows:
            self.env.cr.execute(
                SQL(
                    "SELECT partner_id, platform, handle, user_id FROM social_crm_identity "
                    "WHERE partner_id = ANY(%s)",
                    [row["id"] for row in rows],
                )
            )
            for partner_id, platform, handle, user_id in self.env.cr.fetchall():
                social.setdefault(partner_id, []).append(
                    {"platform": platform, "handle": handle, "user_id": user_id}
                )
        return [
            matching.Partner.from_dict(dict(row, social=social.get(row["id"], []))) for row in rows
        ]
