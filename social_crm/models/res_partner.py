from odoo import fields, models

from ._helpers import count_by, window_action


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
