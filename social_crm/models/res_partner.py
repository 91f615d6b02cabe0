from odoo import api, fields, models

from .. import matching, matching_sql
from ._helpers import count_by, window_action


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "social_crm.consent.mixin"]

    social_identity_ids = fields.One2many("social_crm.identity", "partner_id", "Social identities")
    # name keys for identity matching (exact, btree-indexed lookups)
    social_crm_surname_key = fields.Char(
        compute="_compute_social_crm_keys", store=True, index=True, copy=False
    )
    social_crm_name_key = fields.Char(
        compute="_compute_social_crm_keys", store=True, index=True, copy=False
    )
    social_conversation_count = fields.Integer(
        "Social conversations",
        compute="_compute_social_conversation_count",
        groups="social_crm.group_social_crm_agent",
    )

    social_crm_consent_ids = fields.One2many(
        "social_crm.consent", "partner_id", "Consent history", readonly=True
    )

    def _consent_key(self):
        return "partners"

    @api.depends("name", "is_company")
    def _compute_social_crm_keys(self):
        for partner in self:
            surname, glued = matching.partner_keys(partner.name, partner.is_company)
            partner.social_crm_surname_key = surname or False
            partner.social_crm_name_key = glued or False

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
        res = super().init()
        for statement in matching_sql.index_statements():
            self.env.cr.execute(statement)
        return res

    @api.model
    def _social_crm_candidates(self, evidence, profile, companies):
        """Partners that could be this profile, as :class:`matching.Partner` s."""
        self.env.flush_all()
        return matching_sql.fetch_candidates(self.env.cr, evidence, profile, companies.ids)
