from odoo import fields, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    social_crm_capacity = fields.Integer(
        "Social capacity",
        default=20,
        help="At most this many open social conversations are assigned to this member.",
    )
    social_crm_last_assigned_at = fields.Datetime("Last social assignment", readonly=True)

    _sql_constraints = [
        (
            "social_crm_capacity_positive",
            "CHECK(social_crm_capacity >= 0)",
            "The social capacity cannot be negative.",
        ),
    ]
