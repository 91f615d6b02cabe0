from odoo import fields, models

#: who reads the panel: agents, and sales staff without Social CRM rights
SALES_PANEL_GROUPS = "social_crm.group_social_crm_agent,sales_team.group_sale_salesman"


class SocialCrmSalesPanelMixin(models.AbstractModel):
    """The read-only social panel of sales staff on contacts and leads (no
    access to the inbox). Each model computes it in
    ``_compute_social_crm_sales_panel``, with ``res.partner``'s
    ``_social_crm_sales_panel()``."""

    _name = "social_crm.sales.panel.mixin"
    _description = "Social CRM panel for sales staff"

    social_crm_sales_identities = fields.Html(
        "Social profiles",
        compute="_compute_social_crm_sales_panel",
        sanitize=True,
        groups=SALES_PANEL_GROUPS,
    )
    social_crm_sales_posts = fields.Text(
        "Recent posts",
        compute="_compute_social_crm_sales_panel",
        groups=SALES_PANEL_GROUPS,
        help="The last five posts of this person's social identities, as plain text.",
    )
