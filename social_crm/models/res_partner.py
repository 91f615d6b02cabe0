from odoo import api, fields, models

from .. import matching, matching_sql
from ._helpers import count_by, window_action


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "social_crm.consent.mixin"]

    social_identity_ids = fields.One2many("social_crm.identity", "partner_id", "Social identities")
    # name keys for identity matching (exact, btree-indexed lookups)
    social_crm_surname_key = fields.Char(
        compute="_compute_social_crm_keys", store=True, index=True, copy=False
    )
    social_crm_name_key = fields.Char(
        compute="_compute_social_crm_keys", store=True, index=True, copy=False
    )
    social_conversation_count = fields.Integer(
        "Social conversations",
        compute="_compute_social_conversation_count",
        groups="social_crm.group_social_crm_agent",
    )
    social_crm_review_count = fields.Integer(
        "Reviews",
        compute="_compute_social_crm_review_count",
        groups="social_crm.group_social_crm_agent,sales_team.group_sale_salesman",
    )

    social_crm_consent_ids = fields.One2many(
        "social_crm.consent", "partner_id", "Consent history", readonly=True
    )

    social_crm_follows_us = fields.Boolean(
        "Follows us",
        compute="_compute_social_crm_follows_us",
        search="_search_social_crm_follows_us",
        help="One of this contact's social identities follows one of our accounts.",
    )
    social_crm_is_customer = fields.Boolean(
        "Customer",
        compute="_compute_social_crm_is_customer",
        search="_search_social_crm_is_customer",
        help="Invoiced or sold to (when invoicing is installed), else a won opportunity.",
    )

    def _consent_key(self):
        return "partners"

    @api.model
    def _social_crm_customer_domain(self):
        """Who counts as a customer: someone invoiced or sold to (when
        invoicing is installed), else someone with a won opportunity."""
        if "customer_rank" in self._fields:
            return [("customer_rank", ">", 0)]
        return [("opportunity_ids.stage_id.is_won", "=", True)]

    @api.model
    def _social_crm_customers(self):
        """Query of the customers' ids. Being a customer is a fact that every
        reader of the followers sees, whatever their sales rights (an agent
        may not read leads): the rule is evaluated as superuser. Use it only
        inside a search that applies the reader's own rules."""
        Partner = self.sudo()
        return Partner._search(Partner._social_crm_customer_domain())

    def _compute_social_crm_is_customer(self):
        customers = self.search([("id", "in", self.ids), ("social_crm_is_customer", "=", True)])
        for partner in self:
            partner.social_crm_is_customer = partner in customers

    def _search_social_crm_is_customer(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on 'Customer'."))
        in_ = "in" if (operator == "=") == value else "not in"
        return [("id", in_, self._social_crm_customers())]

    @api.model
    def _social_crm_action_not_following(self):
        """Customers none of whose social identities follows one of our accounts
        (the menu opens the same list: ``action_social_crm_customers_not_following_list``)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers who do not follow us yet"),
            "res_model": "res.partner",
            "views": [(False, "list"), (False, "form")],
            "domain": [
                ("social_crm_is_customer", "=", True),
                ("social_crm_follows_us", "=", False),
            ],
        }

    def _compute_social_crm_follows_us(self):
        following = self.search([("id", "in", self.ids), ("social_crm_follows_us", "=", True)])
        for partner in self:
            partner.social_crm_follows_us = partner in following

    def _search_social_crm_follows_us(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on 'Follows us'."))
        self.env["social_crm.follower"].flush_model(["partner_id", "active"])
        # a contact person following counts for their company too
        self.env.cr.execute(
            "SELECT p.id FROM social_crm_follower f JOIN res_partner p ON p.id = f.partner_id"
            " WHERE f.active UNION"
            " SELECT p.commercial_partner_id FROM social_crm_follower f"
            " JOIN res_partner p ON p.id = f.partner_id WHERE f.active"
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return [("id", "in" if (operator == "=") == value else "not in", ids)]

    @api.depends("name", "is_company")
    def _compute_social_crm_keys(self):
        for partner in self:
            surname, glued = matching.partner_keys(partner.name, partner.is_company)
            partner.social_crm_surname_key = surname or False
            partner.social_crm_name_key = glued or False

    def _compute_social_conversation_count(self):
        counts = count_by(self, "social_crm.conversation", "partner_id")
        for partner in self:
            partner.social_conversation_count = counts.get(partner, 0)

    def _compute_social_crm_review_count(self):
        counts = count_by(self, "social_crm.review", "partner_id")
        for partner in self:
            partner.social_crm_review_count = counts.get(partner, 0)

    def action_view_social_crm_reviews(self):
        return window_action(self, "social_crm.action_social_crm_review", "partner_id")

    def action_view_social_conversations(self):
        action = window_action(self, "social_crm.action_social_crm_conversation", "partner_id")
        action["context"] = {"search_default_filter_open": 0}
        return action

    # ------------------------------------------------------------------
    # Candidate retrieval for identity matching (SQL, indexed)
    # ------------------------------------------------------------------
    def init(self):
        res = super().init()
        for statement in matching_sql.index_statements():
            self.env.cr.execute(statement)
        return res

    @api.model
    def _social_crm_candidates(self, evidence, profile, companies):
        """Partners that could be this profile, as :class:`matching.Partner` s."""
        self.env.flush_all()
        return matching_sql.fetch_candidates(self.env.cr, evidence, profile, companies.ids)
