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

    def _social_crm_popup_agents(self, company):
        """Who gets the "known customer posts" pop-up of an account of
        ``company`` whose team is ``self``: the agents of the team, or all
        agents of the company when the account has no team (``self`` empty).
        The customer's salesperson comes on top (see the conversation)."""
        agents = self.env.ref("social_crm.group_social_crm_agent").sudo().users
        agents = agents.filtered(lambda u: company in u.company_ids and not u.share)
        if self:
            self.ensure_one()
            agents &= self.sudo().member_ids | self.sudo().user_id
        return agents
