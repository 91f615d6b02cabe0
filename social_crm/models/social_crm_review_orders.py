from datetime import timedelta

from odoo import api, fields, models

#: the parameter that remembers up to when orders were looked at
SINCE_PARAM = "social_crm.review_orders_since"
#: the order models that may lead to an invitation, when their app is
#: installed, and the domain of a completed order
ORDER_SOURCES = {
    "sale.order": [("state", "=", "sale")],
    "pos.order": [("state", "in", ("paid", "done", "invoiced"))],
}


class SocialCrmReview(models.Model):
    """Invitations also follow a confirmed sales order (Sales) or a
    point-of-sale order (Point of Sale), when those apps are installed,
    after the company's delay. Everyone is invited, whatever they said
    before: Google forbids inviting only happy customers."""

    _inherit = "social_crm.review"

    order_model = fields.Char("Order type", readonly=True, index="btree_not_null")
    order_id = fields.Integer("Order id", readonly=True)
    order_name = fields.Char("Order", readonly=True)

    _sql_constraints = [
        (
            "order_unique",
            "UNIQUE(order_model, order_id)",
            "This order already has a review request.",
        )
    ]

    @api.model
    def _invite_for_orders(self, orders):
        """A review request for each order of a customer with an e-mail
        address, when its company invites reviews; once per order, sent
        after the company's delay counted from the order's date. Nothing
        about the customer (an earlier low score, a complaint) is looked at."""
        if not orders:
            return self.browse()
        known = set(
            self.sudo()
            .search([("order_model", "=", orders._name), ("order_id", "in", orders.ids)])
            .mapped("order_id")
        )
        vals_list = []
        for order in orders:
            company = order.company_id or self.env.company
            delay = company.social_crm_review_delay_days
            partner = order.partner_id
            if not partner.email:
                partner = partner.commercial_partner_id
            if delay <= 0 or not partner.email or order.id in known:
                continue
            when = order.date_order or fields.Datetime.now()
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_model": order._name,
                    "order_id": order.id,
                    "order_name": order.display_name,
                    "send_after": when + timedelta(days=delay),
                }
            )
        return self.sudo().create(vals_list)

    @api.model
    def _cron_invite_orders(self):
        """Scheduled action: invitations for the orders completed since the
        last run, for each order app that is installed (Sales, Point of
        Sale). The first run starts from now: past orders are not invited."""
        params = self.env["ir.config_parameter"].sudo()
        now = fields.Datetime.now()
        since = params.get_param(SINCE_PARAM)
        if not since:
            params.set_param(SINCE_PARAM, fields.Datetime.to_string(now))
            return self.browse()
        created = self.browse()
        for model, done in ORDER_SOURCES.items():
            if model not in self.env:
                continue  # the app is not installed
            orders = (
                self.env[model]
                .sudo()
                .search(
                    [*done, ("date_order", ">=", since), ("partner_id", "!=", False)],
                    order="date_order, id",
                )
            )
            created |= self._invite_for_orders(orders)
        params.set_param(SINCE_PARAM, fields.Datetime.to_string(now))
        return created
