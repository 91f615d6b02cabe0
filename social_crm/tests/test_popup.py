import json

from odoo.tests import new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase

from ..connectors import Post, Profile
from .common import SocialCrmCommon


def pushed(env, notification_type):
    """{partner id: payload} of the bus notifications of this transaction."""
    env.cr.precommit.run()
    found = {}
    for row in env["bus.bus"].sudo().search([]):
        message = json.loads(row.message)
        if message.get("type") == notification_type:
            channel = json.loads(row.channel)  # [db, "res.partner", id]
            found[channel[2]] = message["payload"]
    return found


@tagged("post_install", "-at_install")
class TestCustomerPopup(SocialCrmCommon):
    def test_known_customer_post_pops_up_for_the_team_only(self):
        customer = self.env["res.partner"].create({"name": "B. Oboema", "ref": "5234"})
        self.env["social_crm.identity"].create(
            {"platform": "x", "user_id": "501", "handle": "yesican", "partner_id": customer.id}
        )
        in_team = new_test_user(
            self.env, login="in_team", groups="social_crm.group_social_crm_agent"
        )
        other = new_test_user(
            self.env, login="not_in_team", groups="social_crm.group_social_crm_agent"
        )
        company_b = self.env["res.company"].create({"name": "B"})
        elsewhere = new_test_user(
            self.env,
            login="other_company",
            company_id=company_b.id,
            company_ids=[company_b.id],
            groups="social_crm.group_social_crm_agent",
        )
        team = self.env["crm.team"].create({"name": "Webcare", "member_ids": [in_team.id]})
        self.account.team_id = team
        self.env["bus.bus"].sudo().search([]).unlink()
        [message] = self.Message._ingest(
            self.account,
            [
                Post(
                    "p1",
                    "<b>Where</b> are my savings account papers?",
                    author=Profile("501", handle="yesican"),
                )
            ],
        )
        notes = pushed(self.env, "social_crm/customer_post")
        self.assertEqual(set(notes), {in_team.partner_id.id})
        self.assertNotIn(other.partner_id.id, notes)
        self.assertNotIn(elsewhere.partner_id.id, notes)
        payload = notes[in_team.partner_id.id]
        self.assertEqual(payload["title"], "B. Oboema (customer 5234) on X (Twitter)")
        self.assertEqual(payload["text"], "<b>Where</b> are my savings account papers?")
        self.assertEqual(payload["conversation_id"], message.conversation_id.id)

    def test_unknown_posters_do_not_pop_up(self):
        self.env["bus.bus"].sudo().search([]).unlink()
        self.Message._ingest(self.account, [Post("p2", "hi", author=Profile("502", handle="anon"))])
        self.assertFalse(pushed(self.env, "social_crm/customer_post"))


@tagged("post_install", "-at_install")
class TestCustomerPopupTour(WebsocketCase):
    """A real websocket: WebsocketCase re-enables it in test mode."""

    def test_popup_opens_the_customer_card(self):
        company = self.env["res.company"].create({"name": "Popup store"})
        new_test_user(
            self.env,
            login="popup_agent",
            name="Pia Popup",
            company_id=company.id,
            company_ids=[company.id],
            groups="social_crm.group_social_crm_manager",
        )
        customer = self.env["res.partner"].create(
            {"name": "B. Oboema", "ref": "5234", "company_id": company.id}
        )
        Identity = self.env["social_crm.identity"]
        identity = Identity.search([("platform", "=", "demo"), ("user_id", "=", "demo-yesican")])
        identity = identity or Identity.create(
            {"platform": "demo", "user_id": "demo-yesican", "handle": "yesican"}
        )
        identity.with_company(company).partner_id = customer  # the store's own link
        account = self.env["social_crm.account"].create(
            {"name": "Popup demo", "platform": "demo", "company_id": company.id}
        )
        self.env["social_crm.stream"].create(
            {
                "name": "Popup tour stream",
                "account_id": account.id,
                "kind": "mention",
                "page_size": 1,
            }
        )
        self.start_tour("/odoo/social-inbox", "social_crm_customer_popup_tour", login="popup_agent")


@tagged("post_install", "-at_install")
class TestCustomerCard(SocialCrmCommon):
    def test_card_shows_customer_value_the_reader_may_see(self):
        if "sale.order" not in self.env:
            self.skipTest("sale is not installed")  # make test installs it
        customer = self.env["res.partner"].create({"name": "B. Oboema", "ref": "5234"})
        product = self.env["product.product"].create(
            {"name": "Mortgage advice", "list_price": 1000}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "price_unit": 1000,
                            "tax_id": False,
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["social_crm.identity"].create(
            {"platform": "x", "user_id": "501", "handle": "yesican", "partner_id": customer.id}
        )
        [post] = self.Message._ingest(self.account, [Post("v1", "hi", author=Profile("501"))])
        conversation = post.conversation_id
        seller = new_test_user(
            self.env,
            login="seller",
            groups=(
                "social_crm.group_social_crm_agent,sales_team.group_sale_salesman_all_leads,"
                "account.group_account_invoice"
            ),
        )
        card = conversation.with_user(seller)
        self.assertEqual((card.partner_sales_total, card.partner_invoiced_total), (2000, 2000))
        self.assertEqual(card.partner_ref, "5234")
        # an agent without sales or invoicing rights sees no figures, and no error
        plain = conversation.with_user(self.agent)
        self.assertEqual((plain.partner_sales_total, plain.partner_value_shown), (0, ""))

    def test_card_shows_nothing_of_companies_the_agent_may_not_see(self):
        customer = self.env["res.partner"].create({"name": "Shared Customer", "ref": "77"})
        identity = self.env["social_crm.identity"].create(
            {"platform": "x", "user_id": "777", "handle": "shared", "partner_id": customer.id}
        )
        company_b = self.env["res.company"].create({"name": "B"})
        identity.with_company(company_b).partner_id = customer  # B linked them too
        account_b = self.account.copy({"name": "B account", "company_id": company_b.id})
        author = Profile("777", handle="shared")
        [in_a] = self.Message._ingest(self.account, [Post("a1", "hi A", author=author)])
        [in_b] = self.Message._ingest(account_b, [Post("b1", "hi B", author=author)])
        agent_a = new_test_user(
            self.env,
            login="card_agent_a",
            company_id=self.company.id,
            company_ids=[self.company.id],
            groups="social_crm.group_social_crm_agent",
        )
        admin_view = in_a.conversation_id.partner_other_conversation_ids
        self.assertIn(in_b.conversation_id, admin_view, "the superuser sees both companies")
        card = in_a.conversation_id.with_user(agent_a)
        self.assertFalse(card.partner_other_conversation_ids, "B's conversation stays hidden")
