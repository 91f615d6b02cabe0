from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    social_crm_popup_info = fields.Text(
        "Social CRM pop-ups",
        compute="_compute_social_crm_popup_info",
        help="When you get the pop-up that a known customer posts on social media, and why.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["social_crm_popup_info"]

    @api.depends_context("uid", "lang")
    def _compute_social_crm_popup_info(self):
        # it names teams, accounts and a count of customers: for the user
        # themself (the preferences) and Social CRM managers only
        reader = self.env.user
        manager = self.env.su or reader.has_group("social_crm.group_social_crm_manager")
        for user in self:
            shown = not user.share and (manager or user == reader)
            user.social_crm_popup_info = user._social_crm_popup_info() if shown else False

    def _social_crm_popup_info(self):
        """Say, in plain words, for which accounts this user gets the pop-up
        (the same rule as ``crm.team._social_crm_popup_agents``) and, when
        for none, why and what to ask."""
        self.ensure_one()
        accounts = (
            self.env["social_crm.account"]
            .sudo()
            .search([("company_id", "in", self.company_ids.ids)], order="name, id")
        )
        lines = []
        if not self.has_group("social_crm.group_social_crm_agent"):
            teams = accounts.team_id
            lines.append(
                self.env._(
                    "You are not a Social CRM agent: you get no pop-ups for the social "
                    "accounts. Ask your manager for agent rights (and a place in one of the "
                    "teams %s).",
                    ", ".join(teams.mapped("name")),
                )
                if teams
                else self.env._(
                    "You are not a Social CRM agent: you get no pop-ups for the social "
                    "accounts. Ask your manager for agent rights."
                )
            )
        else:
            mine = accounts.filtered(
                lambda a: self in a.team_id._social_crm_popup_agents(a.company_id)
            )
            for team in mine.team_id:
                of_team = mine.filtered(lambda a, t=team: a.team_id == t)
                lines.append(
                    self.env._(
                        "You get them for the accounts of team %(team)s: %(accounts)s.",
                        team=team.name,
                        accounts=", ".join(of_team.mapped("name")),
                    )
                )
            teamless = mine.filtered(lambda a: not a.team_id)
            if teamless:
                lines.append(
                    self.env._(
                        "You get them for the accounts without a team, as every agent of "
                        "their company: %s.",
                        ", ".join(teamless.mapped("name")),
                    )
                )
            if not mine:
                teams = accounts.team_id
                if not teams:
                    lines.append(self.env._("Your company has no social account yet."))
                elif len(teams) == 1:
                    lines.append(
                        self.env._(
                            "You are not an agent of a team that has a social account: ask "
                            "your manager to add you to team %s.",
                            teams.name,
                        )
                    )
                else:
                    lines.append(
                        self.env._(
                            "You are not an agent of a team that has a social account: ask "
                            "your manager to add you to one of the teams %s.",
                            ", ".join(teams.mapped("name")),
                        )
                    )
        customers = (
            self.env["res.partner"]
            .sudo()
            .search_count(
                [
                    "|",
                    ("user_id", "=", self.id),
                    "&",
                    ("user_id", "=", False),
                    ("commercial_partner_id.user_id", "=", self.id),
                ]
            )
        )
        lines.append(
            self.env._(
                "You also get them when one of your customers posts (you are the salesperson "
                "of %s contacts), with a link to the contact if you cannot open the "
                "conversation.",
                customers,
            )
            if customers
            else self.env._("You are nobody's salesperson, so you get none for your own customers.")
        )
        return "\n".join(lines)
