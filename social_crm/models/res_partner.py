from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_identity_ids = fields.One2many("social_crm.identity", "partner_id", "Social identities")
    social_conversation_count = fields.Integer(
        "Social conversations",
        compute="_compute_social_conversation_count",
        groups="social_crm.group_social_crm_agent",
    )

    def _compute_social_conversation_count(self):
        counts = dict(
            self.env["social_crm.conversation"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.social_conversation_count = counts.get(partner, 0)

    def action_view_social_conversations(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.action_social_crm_conversation"
        )
        action["domain"] = [("partner_id", "in", self.ids)]
        action["context"] = {"search_default_filter_open": 0}
        return action
