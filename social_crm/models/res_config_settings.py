from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_crm_auto_match = fields.Boolean(
        related="company_id.social_crm_auto_match", readonly=False
    )
    social_crm_match_consented_only = fields.Boolean(
        related="company_id.social_crm_match_consented_only", readonly=False
    )
    social_crm_retention_days = fields.Integer(
        related="company_id.social_crm_retention_days", readonly=False
    )
    social_crm_spike_factor = fields.Float(
        related="company_id.social_crm_spike_factor", readonly=False
    )
    social_crm_spike_min = fields.Integer(related="company_id.social_crm_spike_min", readonly=False)
    social_crm_influencer_followers = fields.Integer(
        related="company_id.social_crm_influencer_followers", readonly=False
    )
    social_crm_privacy_url = fields.Char(
        related="company_id.social_crm_privacy_url", readonly=False
    )
    social_crm_review_delay_days = fields.Integer(
        related="company_id.social_crm_review_delay_days", readonly=False
    )
