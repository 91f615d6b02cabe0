"""Issue 12, points 3 and 4: a salesman's day.

Leads made from posts reach the pipeline (an opportunity when the company
does not use leads, with the contact's salesperson, their team and a to-do),
and sales staff see the social side of their contacts and leads, read-only
and without the inbox."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import Post, Profile
from .common import RpcAttack, SocialCrmCommon

SALESMAN = "sales_team.group_sale_salesman"
AGENT_SELLER = "social_crm.group_social_crm_agent,sales_team.group_sale_salesman"


class SalesCommon(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env, login="sc_persona_seller", name="Sam Seller", groups=SALESMAN
        )
        cls.seller_team = cls.env["crm.team"].create({"name": "Social sellers"})
        cls.env["crm.team.member"].create(
            {"crm_team_id": cls.seller_team.id, "user_id": cls.seller.id}
        )
        # the agent who makes the lead sees only their own leads
        cls.agent_seller = new_test_user(
            cls.env, login="sc_persona_agent", name="Aga Agent", groups=AGENT_SELLER
        )
        cls.desk = cls.env["crm.team"].create({"name": "Social desk"})
        cls.account.team_id = cls.desk
        cls.partner = cls.env["res.partner"].create(
            {"name": "Pia Prospect", "email": "pia@example.com", "user_id": cls.seller.id}
        )
        cls.post = cls.ingest("s1", "Do you deliver <b>sofas</b> to Utrecht?")
        cls.identity = cls.post.author_identity_id
        cls.identity.partner_id = cls.partner

    @classmethod
    def ingest(cls, external_id, text, account=None):
        author = Profile(
            "501", handle="pia_p", display_name="Pia P", profile_url="https://x.com/pia_p"
        )
        [post] = cls.env["social_crm.message"]._ingest(
            account or cls.account, [Post(external_id, text, author=author)]
        )
        return post

    def lead_of(self, identity):
        return self.env["crm.lead"].search(
            [("social_crm_identity_id", "=", identity.id)], order="id desc", limit=1
        )


class TestSalesLeads(SalesCommon):
    def test_post_lead_lands_in_the_salespersons_pipeline(self):
        self.assertFalse(self.agent_seller.has_group("crm.group_use_lead"))
        action = self.post.with_user(self.agent_seller).action_create_lead()
        lead = self.lead_of(self.identity)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.user_id, self.seller)
        self.assertEqual(lead.team_id, self.seller_team)
        # in his pipeline ("My Pipeline": his opportunities)
        mine = (
            self.env["crm.lead"]
            .with_user(self.seller)
            .search([("type", "=", "opportunity"), ("user_id", "=", self.seller.id)])
        )
        self.assertIn(lead, mine)
        # the agent may not open another's lead: told where it went
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("Sam Seller", action["params"]["message"])

    def test_salesperson_gets_a_todo_quoting_the_post_as_text(self):
        self.post.with_user(self.agent_seller).action_create_lead()
        activity = self.lead_of(self.identity).activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.seller)
        self.assertEqual(activity.summary, "A prospect posted on X (Twitter)")
        self.assertIn("&lt;b&gt;sofas&lt;/b&gt;", activity.note)
        self.assertNotIn("<b>", activity.note)

    def test_a_customer_posting_is_said_so(self):
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.env["crm.lead"].create(
            {
                "name": "Sofa last year",
                "type": "opportunity",
                "partner_id": self.partner.id,
                "stage_id": won.id,
            }
        )
        self.post.with_user(self.agent_seller).action_create_lead()
        lead = self.lead_of(self.identity)
        self.assertEqual(lead.activity_ids.summary, "A customer posted on X (Twitter)")

    def test_company_using_leads_gets_a_lead(self):
        self.agent_seller.groups_id |= self.env.ref("crm.group_use_lead")
        self.post.with_user(self.agent_seller).action_create_lead()
        lead = self.lead_of(self.identity)
        self.assertEqual((lead.type, lead.user_id), ("lead", self.seller))

    def test_without_salesperson_the_accounts_team_gets_it_unassigned(self):
        self.partner.user_id = False
        action = self.post.with_user(self.agent_seller).action_create_lead()
        lead = self.lead_of(self.identity)
        self.assertEqual(
            (lead.type, lead.user_id.id, lead.team_id), ("opportunity", False, self.desk)
        )
        self.assertFalse(lead.activity_ids)
        self.assertEqual(action["res_id"], lead.id)  # the agent can open it
        # any salesman finds it among the pipeline's unassigned opportunities
        self.assertIn(
            lead,
            self.env["crm.lead"].with_user(self.seller).search([("type", "=", "opportunity")]),
        )

    def test_the_same_person_posting_again_adds_to_the_open_lead(self):
        self.post.with_user(self.agent_seller).action_create_lead()
        lead = self.lead_of(self.identity)
        again = self.ingest("s2", "Still waiting for an answer on the sofa")
        again.with_user(self.agent_seller).action_create_lead()
        self.assertEqual(self.lead_of(self.identity), lead, "no second lead")
        self.assertEqual(len(lead.activity_ids), 2)
        self.assertIn("Still waiting", lead.message_ids[0].body)

    def test_erasure_blanks_the_todos_quoting_the_post(self):
        self.post.with_user(self.agent_seller).action_create_lead()
        lead = self.lead_of(self.identity)
        done = lead.activity_ids
        done.with_user(self.seller).action_feedback(feedback="Called her back")
        self.ingest("s2", "Any news on my sofa order?").with_user(
            self.agent_seller
        ).action_create_lead()
        self.assertIn("sofa order", lead.activity_ids.note)
        done_message = lead.message_ids.filtered("mail_activity_type_id")
        self.assertIn("sofas", done_message.body)
        self.identity.with_user(self.manager).action_erase()
        self.assertNotIn("sofa order", lead.activity_ids.note)
        self.assertIn("[erased]", lead.activity_ids.note)
        self.assertNotIn("sofas", done_message.body)

    def test_salesperson_outside_the_company_is_not_assigned(self):
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.partner.user_id = new_test_user(
            self.env,
            login="sc_persona_far",
            groups=SALESMAN,
            company_id=other.id,
            company_ids=[other.id],
        )
        self.post.with_user(self.agent_seller).action_create_lead()
        lead = self.lead_of(self.identity)
        self.assertEqual((lead.user_id, lead.team_id), (self.env["res.users"], self.desk))


class TestSalesPanel(SalesCommon):
    def grant(self, partner, company=None):
        return (
            self.env["social_crm.consent"]
            .sudo()
            .with_company(company or self.company)
            .create(
                {
                    "partner_id": partner.id,
                    "purpose": "commercial",
                    "event": "grant",
                    "channel": "web_page",
                    "source_url": "https://shop.example.com/social_crm/consent/abc",
                    "wording_version": "commercial-en-v1",
                    "wording": "Yes, you may send me offers.",
                    "ip_address": "203.0.113.7",
                    "email": partner.email,
                }
            )
        )

    def test_salesman_sees_identities_consent_and_recent_posts(self):
        partner = self.partner.with_user(self.seller)
        self.assertEqual(partner.social_crm_consent_commercial, "none")
        self.assertFalse(partner.social_crm_contactable)
        html = partner.social_crm_sales_identities
        self.assertIn("@pia_p", html)
        self.assertIn('href="https://x.com/pia_p"', html)
        # the post as plain text (a Text field: the browser escapes it)
        self.assertIn("Do you deliver <b>sofas</b> to Utrecht?", partner.social_crm_sales_posts)
        self.assertIn("@pia_p on X", partner.social_crm_sales_posts)
        self.grant(self.partner)
        self.env.invalidate_all()
        self.assertEqual(partner.social_crm_consent_commercial, "granted")
        self.assertTrue(partner.social_crm_contactable)

    def test_last_five_posts_newest_first(self):
        for n in range(2, 8):
            self.ingest(f"s{n}", f"Post number {n}")
        text = self.partner.with_user(self.seller).social_crm_sales_posts
        self.assertEqual(text.count("@pia_p on X"), 5)
        self.assertNotIn("sofas", text)

    def test_what_another_company_knows_stays_hidden(self):
        other = self.env["res.company"].create({"name": "Shop B"})
        account_b = self.env["social_crm.account"].create(
            {"name": "B on X", "platform": "x", "handle": "shop_b", "company_id": other.id}
        )
        secret = self.ingest("b1", "Secret to shop B", account=account_b)
        # B links another identity of theirs to the same contact
        identity_b = self.env["social_crm.identity"].create(
            {"platform": "x", "user_id": "777", "handle": "pia_at_b"}
        )
        identity_b.with_company(other).partner_id = self.partner
        self.grant(self.partner, company=other)
        partner = self.partner.with_user(self.seller)
        self.assertNotIn("pia_at_b", partner.social_crm_sales_identities)
        self.assertNotIn("Secret to shop B", partner.social_crm_sales_posts)
        self.assertEqual(partner.social_crm_consent_commercial, "none")
        self.assertTrue(secret.exists())

    def test_lead_shows_the_social_panel(self):
        self.post.with_user(self.agent_seller).action_create_lead()
        lead = self.lead_of(self.identity).with_user(self.seller)
        self.assertIn("@pia_p", lead.social_crm_sales_identities)
        self.assertIn("<b>sofas</b>", lead.social_crm_sales_posts)

    def test_panel_only_for_readable_records(self):
        other = self.env["res.company"].create({"name": "Shop C"})
        hidden = self.env["res.partner"].create({"name": "Hidden", "company_id": other.id})
        self.identity.partner_id = hidden
        with self.assertRaises(AccessError):
            hidden.with_user(self.seller).read(["social_crm_sales_identities"])

    def test_salesman_cannot_change_social_data(self):
        identity = self.identity.with_user(self.seller)
        with self.assertRaises(AccessError):
            identity.write({"handle": "someone_else"})
        with self.assertRaises(AccessError):
            identity.read(["handle"])
        with self.assertRaises(AccessError):
            self.env["social_crm.consent"].with_user(self.seller).create(
                {"partner_id": self.partner.id, "purpose": "commercial", "event": "grant"}
            )
        with self.assertRaises(AccessError):
            self.env["social_crm.consent.wizard"].with_user(self.seller).create(
                {"partner_id": self.partner.id}
            )
        with self.assertRaises(AccessError):
            self.partner.with_user(self.seller).write(
                {"social_identity_ids": [(0, 0, {"platform": "x", "handle": "sneaky"})]}
            )

    def test_salesman_gets_no_inbox(self):
        for model in ("social_crm.conversation", "social_crm.message"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.seller).search([])
        menus = self.env["ir.ui.menu"].with_user(self.seller)._visible_menu_ids()
        self.assertNotIn(self.env.ref("social_crm.menu_social_crm_inbox").id, menus)
        self.assertNotIn(self.env.ref("social_crm.menu_social_crm_root").id, menus)


@tagged("post_install", "-at_install")
class TestSalesRpc(RpcAttack, HttpCase, SalesCommon):
    def test_salesman_reads_the_panel_but_changes_nothing_social(self):
        [values] = self.rpc(
            self.seller,
            "res.partner",
            "web_read",
            [self.partner.id],
            specification={
                "social_crm_sales_identities": {},
                "social_crm_sales_posts": {},
                "social_crm_contactable": {},
                "social_crm_consent_commercial": {},
            },
        )
        self.assertIn("@pia_p", values["social_crm_sales_identities"])
        self.assertEqual(values["social_crm_consent_commercial"], "none")
        attacks = [
            ("social_crm.identity", "write", [[self.identity.id], {"handle": "x"}]),
            ("social_crm.identity", "read", [[self.identity.id], ["handle", "bio"]]),
            ("social_crm.identity", "search_read", [[]]),
            (
                "social_crm.consent",
                "create",
                [{"partner_id": self.partner.id, "purpose": "commercial", "event": "grant"}],
            ),
            ("social_crm.consent", "search_read", [[]]),
            ("social_crm.consent.wizard", "create", [{"partner_id": self.partner.id}]),
            (
                "res.partner",
                "write",
                [
                    [self.partner.id],
                    {"social_identity_ids": [(0, 0, {"platform": "x", "handle": "sneaky"})]},
                ],
            ),
            ("res.partner", "write", [[self.partner.id], {"social_crm_contactable": True}]),
            # the inbox: its conversations and posts
            ("social_crm.conversation", "web_search_read", [[], {"display_name": {}}]),
            ("social_crm.message", "search_read", [[]]),
        ]
        for model, method, args in attacks:
            with self.subTest(model=model, method=method):
                with self.assertRpcRefused("AccessError", "UserError", "ValidationError"):
                    self.rpc(self.seller, model, method, *args)
        self.assertEqual(self.identity.handle, "pia_p")
        self.assertFalse(self.partner.social_crm_contactable)


@tagged("post_install", "-at_install")
class TestSalesTour(HttpCase):
    def test_salesman_sees_oboema_socially_and_finds_the_lead_in_his_pipeline(self):
        oboema = self.env.ref("social_crm.demo_partner_oboema", raise_if_not_found=False)
        if not oboema:
            self.skipTest("needs the demo data")
        seller = new_test_user(self.env, login="sc_tour_seller", name="Tom Seller", groups=SALESMAN)
        agent = new_test_user(self.env, login="sc_tour_agent", groups=AGENT_SELLER)
        oboema.user_id = seller
        yesican = self.env.ref("social_crm.demo_identity_yesican")
        self.assertEqual(yesican.with_company(self.env.company).partner_id, oboema)
        post = yesican.post_ids.filtered(lambda m: m.direction == "in").sorted("id")[:1]
        post.with_user(agent).action_create_lead()
        self.start_tour(
            f"/odoo/contacts/{oboema.id}", "social_crm_salesman_tour", login="sc_tour_seller"
        )
