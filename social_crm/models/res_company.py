from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    social_crm_auto_match = fields.Boolean(
        "Match social identities automatically",
        default=True,
        help="Propose contacts for new social identities in the background. "
        "Agents still confirm every suggestion.",
    )
