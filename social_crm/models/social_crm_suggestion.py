from odoo import fields, models
from odoo.exceptions import UserError


class SocialCrmSuggestion(models.Model):
    """A contact proposed for a social identity, for an agent to decide.

    Rejections are kept: the matcher never proposes a rejected pair again.
    """

    _name = "social_crm.suggestion"
    _description = "Social identity suggestion"
    _order = "state, score desc, id desc"

    identity_id = fields.Many2one(
        "social_crm.identity", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", "Contact", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="partner_id.company_id", store=True)
    score = fields.Float(digits=(3, 2))
    reasons = fields.Text()
    state = fields.Selection(
        [("pending", "To decide"), ("confirmed", "Confirmed"), ("rejected", "Rejected")],
        default="pending",
        required=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", "Decided by", readonly=True)
    decided_at = fields.Datetime("Decided at", readonly=True)

    # No UNIQUE(identity, partner): Odoo's partner merge deletes rows whose
    # re-pointing would violate one, and a merge must delete nothing (a
    # rejection on either contact stays remembered). The matcher never
    # proposes a pair twice (see social_crm.identity._apply_match).

    def _decide(self, state):
        if self.filtered(lambda s: s.state != "pending"):
            raise UserError(self.env._("This suggestion was already decided."))
        self.write(
            {"state": state, "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
        )

    def action_confirm(self):
        for suggestion in self:
            identity = suggestion.identity_id
            if identity.partner_id:
                raise UserError(self.env._("%s is already linked to a contact.", identity.name))
            suggestion._decide("confirmed")
            identity.with_context(
                social_crm_evidence=(suggestion.reasons or "").replace("\n", "; ")
            ).partner_id = suggestion.partner_id
        return True

    def action_reject(self):
        self._decide("rejected")
        return True

    def action_link_other(self):
        """Open the identity to choose another contact."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.identity",
            "res_id": self.identity_id.id,
            "view_mode": "form",
            "target": "current",
        }
