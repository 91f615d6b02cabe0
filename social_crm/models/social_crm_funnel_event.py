from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import funnel
from ._helpers import in_flow


class SocialCrmFunnelEvent(models.Model):
    """A dated move of a social identity to a further funnel stage, and what
    caused it. Append-only: the history is evidence, not a draft."""

    _name = "social_crm.funnel.event"
    _description = "Social CRM funnel step"
    _order = "event_date desc, id desc"
    _rec_name = "stage"

    identity_id = fields.Many2one(
        "social_crm.identity", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one("res.partner", "Contact", readonly=True, index="btree_not_null")
    platform = fields.Selection(related="identity_id.platform", store=True)
    stage = fields.Selection(funnel.STAGES, required=True, readonly=True, index=True)
    previous_stage = fields.Selection(funnel.STAGES, readonly=True)
    source = fields.Selection(funnel.SOURCES, required=True, readonly=True)
    event_date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    message_id = fields.Many2one("social_crm.message", "Post", ondelete="set null", readonly=True)
    lead_id = fields.Many2one("crm.lead", ondelete="set null", readonly=True)
    user_id = fields.Many2one("res.users", "By", readonly=True, default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    def write(self, vals):
        if not in_flow(self, "social_crm_erasure"):
            raise UserError(self.env._("Funnel history cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_for_erasure(self):
        if not in_flow(self, "social_crm_erasure"):
            raise UserError(self.env._("Funnel history cannot be deleted."))
