from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import format_datetime

from .. import matching, matching_sql, sales_panel
from ..connectors.platforms import platform_label
from ._helpers import count_by, window_action


#: who sees the read-only social panel on contacts and leads
class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "social_crm.consent.mixin", "social_crm.sales.panel.mixin"]

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

    @api.depends_context("company", "allowed_company_ids")
    def _compute_social_crm_sales_panel(self):
        # the panel reads identities and posts as superuser: only for the
        # contacts the acting user may read, and only their own company's links
        readable = self.filtered("id")._filtered_access("read")
        Identity = self.env["social_crm.identity"].sudo()
        for partner in self:
            identities = Identity.browse()
            if partner in readable:
                identities = Identity.search([("partner_id", "=", partner.id)])
            html, text = self._social_crm_sales_panel(identities, partner=partner)
            partner.social_crm_sales_identities = html
            partner.social_crm_sales_posts = text

    @api.model
    def _social_crm_sales_panel(self, identities, partner=None, company=None):
        """``(html, text)``: the table of ``identities`` and the last five
        posts received from them by ``company`` (else the active companies),
        and the posts linked to ``partner`` by those companies."""
        if not identities and not partner:
            return False, False
        rows = [
            (
                platform_label(identity.platform),
                sales_panel.handle_label(identity.handle) or identity.user_id,
                identity.profile_url,
            )
            for identity in identities
        ]
        headers = (self.env._("Platform"), self.env._("Handle"), self.env._("Profile"))
        companies = company or self.env.companies
        who = [("author_identity_id", "in", identities.ids)]
        if partner:
            who = expression.OR([who, [("partner_id", "=", partner.id)]])
        posts = (
            self.env["social_crm.message"]
            .sudo()
            .search(
                expression.AND(
                    [
                        who,
                        [
                            ("direction", "=", "in"),
                            ("erased", "=", False),
                            ("company_id", "in", companies.ids),
                        ],
                    ]
                ),
                order="posted_at desc, id desc",
                limit=5,
            )
        )
        if not rows and not posts:
            return False, False
        quoted = [
            (
                self.env._(
                    "%(when)s, %(who)s on %(platform)s",
                    when=format_datetime(self.env, post.posted_at or post.received_at),
                    who=sales_panel.handle_label(post.author_identity_id.handle)
                    or post.author_identity_id.user_id
                    or "?",
                    platform=platform_label(post.platform),
                ),
                post.text,
            )
            for post in posts
        ]
        return sales_panel.identities_html(rows, headers) or False, sales_panel.posts_text(
            quoted
        ) or False

    @api.model
    def _social_crm_customer_domain(self):
        """Who counts as a customer: someone invoiced or sold to (when
        invoicing is installed), else someone with a won opportunity."""
        if "customer_rank" in self._fields:
            return [("customer_rank", ">", 0)]
        return [("opportunity_ids.stage_id.is_won", "=", True)]

    def _social_crm_is_customer(self):
        """Is this contact (or its company) a customer: invoiced, sold to
        or with a won opportunity? A fact about the contact, whoever asks."""
        if not self:
            return False
        domain = expression.OR(
            [
                self._social_crm_customer_domain(),
                [("opportunity_ids.stage_id.is_won", "=", True)],
            ]
        )
        commercial = self.commercial_partner_id
        return bool(
            self.sudo().search_count(
                expression.AND([[("id", "in", (self | commercial).ids)], domain]), limit=1
            )
        )

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
        if self.pool.has_trigram:  # the candidate query's website lookup
            self.env.cr.execute(matching_sql.website_trigram_index_statement())
        return res

    @api.model
    def _social_crm_candidates(self, evidence, profile, companies):
        """Partners that could be this profile, as :class:`matching.Partner` s."""
        self.env.flush_all()
        return matching_sql.fetch_candidates(self.env.cr, evidence, profile, companies.ids)
