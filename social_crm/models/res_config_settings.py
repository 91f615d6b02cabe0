from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_crm_auto_match = fields.Boolean(
        related="company_id.social_crm_auto_match", readonly=False
    )
