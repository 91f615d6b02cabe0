from odoo import fields, models, tools
from odoo.tools import SQL

from ..connectors.platforms import PLATFORMS


class SocialCrmFollowerReport(models.Model):
    """Per account: how many followers are known contacts and customers, and
    how many of the company's customers follow it. The seed's hunch, "half
    of our fans are good customers", is the customer share. Followers count
    both kinds of row: those on the platform's follower list and the fans
    (Facebook and Instagram, by their interactions), split in the fan columns."""

    _name = "social_crm.follower.report"
    _description = "Social CRM followers and customers"
    _auto = False
    _order = "account_id"
    _rec_name = "account_id"

    account_id = fields.Many2one("social_crm.account", readonly=True)
    platform = fields.Selection(PLATFORMS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    follower_count = fields.Integer("Followers", readonly=True)
    known_count = fields.Integer("Followers who are contacts", readonly=True)
    customer_follower_count = fields.Integer("Followers who are customers", readonly=True)
    fan_count = fields.Integer(
        "Of which fans",
        readonly=True,
        help="Counted among the followers: people who liked, reacted to, commented on, "
        "mentioned or messaged the account lately (Facebook and Instagram list no followers).",
    )
    customer_fan_count = fields.Integer("Fans who are customers", readonly=True)
    customer_share = fields.Float("Customers among followers (%)", readonly=True, aggregator=None)
    customer_count = fields.Integer("Customers", readonly=True)
    customers_following = fields.Integer("Customers who follow", readonly=True)
    customers_following_share = fields.Float(
        "Customers who follow (%)", readonly=True, aggregator=None
    )

    def _customer_condition(self, alias):
        """SQL: the contact ``alias`` (or its company) is a customer; the same
        rule as ``res.partner._social_crm_customer_domain``."""
        partner = SQL.identifier(alias)
        if "customer_rank" in self.env["res.partner"]._fields:
            return SQL(
                "(%(p)s.customer_rank > 0 OR EXISTS (SELECT 1 FROM res_partner cp"
                " WHERE cp.id = %(p)s.commercial_partner_id AND cp.customer_rank > 0))",
                p=partner,
            )
        return SQL(
            "EXISTS (SELECT 1 FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id"
            " WHERE s.is_won AND l.active AND l.partner_id IN"
            " (%(p)s.id, %(p)s.commercial_partner_id))",
            p=partner,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %(view)s AS (
            WITH f AS (
                SELECT f.account_id,
                       count(*) AS follower_count,
                       count(fp.id) AS known_count,
                       count(fp.id) FILTER (WHERE %(follower_is_customer)s)
                           AS customer_follower_count,
                       count(*) FILTER (WHERE f.kind = 'fan') AS fan_count,
                       count(fp.id) FILTER (WHERE f.kind = 'fan' AND %(follower_is_customer)s)
                           AS customer_fan_count,
                       count(DISTINCT fp.commercial_partner_id)
                           FILTER (WHERE %(follower_is_customer)s) AS customers_following
                  FROM social_crm_follower f
                  -- the contact the account's company linked (stored per follower)
                  LEFT JOIN res_partner fp ON fp.id = f.partner_id
                 WHERE f.active
                 GROUP BY f.account_id
            ), c AS (
                SELECT a.id AS account_id,
                       count(DISTINCT cu.commercial_partner_id) AS customer_count
                  FROM social_crm_account a
                  JOIN res_partner cu ON cu.active
                       AND (cu.company_id IS NULL OR cu.company_id = a.company_id)
                       AND %(is_customer)s
                 GROUP BY a.id
            )
            SELECT a.id, a.id AS account_id, a.platform, a.company_id,
                   coalesce(f.follower_count, 0) AS follower_count,
                   coalesce(f.known_count, 0) AS known_count,
                   coalesce(f.customer_follower_count, 0) AS customer_follower_count,
                   coalesce(f.fan_count, 0) AS fan_count,
                   coalesce(f.customer_fan_count, 0) AS customer_fan_count,
                   100.0 * f.customer_follower_count / NULLIF(f.follower_count, 0)
                       AS customer_share,
                   coalesce(c.customer_count, 0) AS customer_count,
                   coalesce(f.customers_following, 0) AS customers_following,
                   100.0 * f.customers_following / NULLIF(c.customer_count, 0)
                       AS customers_following_share
              FROM social_crm_account a
              LEFT JOIN f ON f.account_id = a.id
              LEFT JOIN c ON c.account_id = a.id
             WHERE a.active
            )
            """,
                view=SQL.identifier(self._table),
                follower_is_customer=self._customer_condition("fp"),
                is_customer=self._customer_condition("cu"),
            )
        )
