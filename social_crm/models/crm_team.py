from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    social_crm_auto_assign = fields.Boolean(
        "Assign social conversations",
        help="New social conversations of this team's accounts go round-robin to "
        "its online members, up to each member's capacity.",
    )
    social_crm_assigned_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="Technical: touched by each assignment run, which locks the team's row.",
    )
