from odoo import fields, models

from ._oauth import PARAM


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
    social_crm_spread_velocity = fields.Float(
        related="company_id.social_crm_spread_velocity", readonly=False
    )
    social_crm_privacy_url = fields.Char(
        related="company_id.social_crm_privacy_url", readonly=False
    )
    social_crm_review_delay_days = fields.Integer(
        related="company_id.social_crm_review_delay_days", readonly=False
    )
    # the Connect buttons' apps (administrators only)

    social_crm_x_client_id = fields.Char(
        "X client id", config_parameter=f"{PARAM}x_client_id", groups="base.group_system"
    )
    social_crm_x_client_secret = fields.Char(
        "X client secret", config_parameter=f"{PARAM}x_client_secret", groups="base.group_system"
    )
    social_crm_meta_app_id = fields.Char(
        "Meta app id", config_parameter=f"{PARAM}meta_app_id", groups="base.group_system"
    )
    social_crm_meta_app_secret = fields.Char(
        "Meta app secret", config_parameter=f"{PARAM}meta_app_secret", groups="base.group_system"
    )
    social_crm_meta_config_id = fields.Char(
        "Meta Login for Business configuration id",
        config_parameter=f"{PARAM}meta_config_id",
        groups="base.group_system",
    )
    social_crm_oauth_redirect_uri = fields.Char(
        "Redirect URI", compute="_compute_social_crm_oauth", groups="base.group_system"
    )
    social_crm_base_url_frozen = fields.Boolean(
        compute="_compute_social_crm_oauth", groups="base.group_system"
    )

    def _compute_social_crm_oauth(self):
        account = self.env["social_crm.account"]
        for settings in self:
            settings.social_crm_oauth_redirect_uri = account._oauth_redirect_uri()
            settings.social_crm_base_url_frozen = account._oauth_base_url_frozen()

    # ingestion (issue 15): enrichment hooks in a follow-up job
    social_crm_ingest_deferred = fields.Boolean(
        "Enrich new posts in the background",
        config_parameter="social_crm.ingest_deferred",
        groups="base.group_system",
    )
