"""The customer card beside a conversation: the contact's number, tags,
open opportunities, sales and invoiced totals and earlier conversations,
computed with the reader's rights."""

from odoo import api, fields, models


class SocialCrmConversationCustomer(models.Model):
    _inherit = "social_crm.conversation"

    # customer card (computed with the reader's rights: other companies stay hidden)
    partner_ref = fields.Char(related="partner_id.ref", string="Customer number")
    partner_since = fields.Datetime(related="partner_id.create_date", string="Customer since")
    partner_category_ids = fields.Many2many(related="partner_id.category_id", string="Tags")
    partner_opportunity_count = fields.Integer(
        "Open opportunities", compute="_compute_customer_card"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_sales_total = fields.Monetary(
        "Confirmed sales", compute="_compute_customer_card", currency_field="currency_id"
    )
    partner_invoiced_total = fields.Monetary(
        "Invoiced", compute="_compute_customer_card", currency_field="currency_id"
    )
    partner_value_shown = fields.Char(compute="_compute_customer_card")
    partner_other_conversation_ids = fields.Many2many(
        "social_crm.conversation",
        compute="_compute_customer_card",
        string="Earlier conversations",
    )

    @api.depends("partner_id")
    @api.depends_context("uid")
    def _compute_customer_card(self):
        Lead = self.env["crm.lead"]
        can_see_leads = Lead.has_access("read")
        for conversation in self:
            partner = conversation.partner_id.commercial_partner_id
            conversation.partner_sales_total = conversation.partner_invoiced_total = 0
            conversation.partner_value_shown = ""
            if not partner:
                conversation.partner_opportunity_count = 0
                conversation.partner_other_conversation_ids = False
                continue
            conversation._compute_customer_value(partner)
            conversation.partner_opportunity_count = can_see_leads and Lead.search_count(
                [("partner_id", "child_of", partner.id), ("type", "=", "opportunity")]
            )
            conversation.partner_other_conversation_ids = self.search(
                [("partner_id", "child_of", partner.id), ("id", "!=", conversation._origin.id)],
                order="last_message_at desc",
                limit=10,
            )

    def _compute_customer_value(self, partner):
        """Confirmed sales and invoiced totals, in the company's currency, when
        those apps are installed and the reader may see them (record rules
        apply, so other companies stay hidden)."""
        shown = []
        company = self.company_id
        if "sale.order" in self.env and self.env["sale.order"].has_access("read"):
            [[total]] = self.env["sale.order"]._read_group(
                [
                    ("partner_id", "child_of", partner.id),
                    ("state", "=", "sale"),
                    ("company_id", "=", company.id),
                    ("currency_id", "=", company.currency_id.id),
                ],
                [],
                ["amount_untaxed:sum"],
            )
            self.partner_sales_total = total or 0
            shown.append("sales")
        if "account.move" in self.env and self.env["account.move"].has_access("read"):
            [[total]] = self.env["account.move"]._read_group(
                [
                    ("partner_id", "child_of", partner.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("company_id", "=", company.id),
                ],
                [],
                ["amount_untaxed_signed:sum"],
            )
            self.partner_invoiced_total = total or 0
            shown.append("invoices")
        self.partner_value_shown = ",".join(shown)
