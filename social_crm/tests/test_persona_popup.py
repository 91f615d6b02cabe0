from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase

from ..connectors import Post, Profile
from .common import SocialCrmCommon
from .test_popup import pushed

POPUP = "social_crm/customer_post"


@tagged("post_install", "-at_install")
class TestPersonaPopup(SocialCrmCommon):
    """Who gets the "a known customer posts" pop-up (issue 12, point 5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agent = "social_crm.group_social_crm_agent"
        cls.member = new_test_user(cls.env, login="pp_member", groups=agent)
        cls.newcomer = new_test_user(cls.env, login="pp_newcomer", groups=agent)
        cls.company_b = cls.env["res.company"].create({"name": "Other store"})
        cls.elsewhere = new_test_user(
            cls.env,
            login="pp_elsewhere",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
            groups=agent,
        )
        cls.nobody = new_test_user(cls.env, login="pp_nobody", groups="base.group_user")
        cls.seller = new_test_user(
            cls.env, login="pp_seller", name="Sam Seller", groups="base.group_user"
        )
        cls.team = cls.env["crm.team"].create({"name": "Webcare", "member_ids": [cls.member.id]})
        cls.firm = cls.env["res.partner"].create({"name": "Oboema BV", "is_company": True})
        cls.customer = cls.env["res.partner"].create(
            {"name": "B. Oboema", "ref": "5234", "parent_id": cls.firm.id}
        )
        cls.env["social_crm.identity"].create(
            {"platform": "x", "user_id": "501", "handle": "yesican", "partner_id": cls.customer.id}
        )

    def post(self, text="<b>Where</b> are my papers?", external_id="pp1"):
        self.env["bus.bus"].sudo().search([]).unlink()
        [message] = self.Message._ingest(
            self.account, [Post(external_id, text, author=Profile("501", handle="yesican"))]
        )
        return message, pushed(self.env, POPUP)

    def test_team_agents_only_when_the_account_has_a_team(self):
        self.account.team_id = self.team
        message, notes = self.post()
        self.assertIn(self.member.partner_id.id, notes)
        for user in (self.newcomer, self.elsewhere, self.nobody, self.agent):
            self.assertNotIn(user.partner_id.id, notes, user.login)
        conversation = message.conversation_id
        self.assertEqual(notes[self.member.partner_id.id]["conversation_id"], conversation.id)

    def test_all_company_agents_when_the_account_has_no_team(self):
        self.assertFalse(self.account.team_id)
        message, notes = self.post()
        conversation = message.conversation_id
        for user in (self.member, self.newcomer, self.agent):
            self.assertEqual(notes[user.partner_id.id]["conversation_id"], conversation.id)
        self.assertNotIn(self.elsewhere.partner_id.id, notes, "an agent of another company")
        self.assertNotIn(self.nobody.partner_id.id, notes, "no rights, not the salesperson")

    def test_salesperson_without_agent_rights_gets_a_link_to_the_contact(self):
        self.account.team_id = self.team
        self.customer.user_id = self.seller
        message, notes = self.post()
        payload = notes[self.seller.partner_id.id]
        self.assertFalse(payload["conversation_id"], "no inbox link: they cannot open it")
        self.assertFalse(payload["message_id"])
        self.assertEqual(payload["partner_id"], self.customer.id)
        self.assertEqual(payload["title"], "Your customer B. Oboema (customer 5234) on X (Twitter)")
        self.assertEqual(payload["text"], "<b>Where</b> are my papers?", "plain text, as sent")
        # what the link would have led to is indeed closed to them; the contact is not
        with self.assertRaises(AccessError):
            message.conversation_id.with_user(self.seller).check_access("read")
        self.customer.with_user(self.seller).check_access("read")
        self.assertNotIn(self.nobody.partner_id.id, notes)
        self.assertEqual(set(notes), {self.member.partner_id.id, self.seller.partner_id.id})

    def test_salesperson_of_the_commercial_partner(self):
        self.account.team_id = self.team
        self.firm.user_id = self.seller
        __, notes = self.post()
        self.assertEqual(notes[self.seller.partner_id.id]["partner_id"], self.customer.id)

    def test_salesperson_who_may_open_the_conversation_gets_the_inbox_link(self):
        self.account.team_id = self.team
        self.customer.user_id = self.newcomer  # an agent, not in the team
        message, notes = self.post()
        payload = notes[self.newcomer.partner_id.id]
        self.assertEqual(payload["conversation_id"], message.conversation_id.id)
        self.assertTrue(payload["title"].startswith("Your customer "))

    def test_salesperson_of_another_company_gets_nothing(self):
        self.customer.user_id = self.elsewhere
        __, notes = self.post()
        self.assertNotIn(self.elsewhere.partner_id.id, notes)

    def test_unknown_poster_pops_up_for_nobody_not_even_a_salesperson(self):
        self.customer.user_id = self.seller
        self.env["bus.bus"].sudo().search([]).unlink()
        self.Message._ingest(self.account, [Post("pp9", "hi", author=Profile("999"))])
        self.assertFalse(pushed(self.env, POPUP))


@tagged("post_install", "-at_install")
class TestPersonaPopupPreference(SocialCrmCommon):
    """Each user reads in their preferences whether and why they get the pop-up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agent = "social_crm.group_social_crm_agent"
        cls.member = new_test_user(cls.env, login="pq_member", groups=agent)
        cls.newcomer = new_test_user(cls.env, login="pq_newcomer", groups=agent)
        cls.seller = new_test_user(cls.env, login="pq_seller", groups="base.group_user")
        cls.team = cls.env["crm.team"].create({"name": "Webcare", "member_ids": [cls.member.id]})
        cls.account.team_id = cls.team

    def info(self, user):
        """The line as the user reads it in their preferences form."""
        [values] = user.with_user(user).read(["social_crm_popup_info"])
        return values["social_crm_popup_info"]

    def test_team_member_reads_the_team_and_its_accounts(self):
        info = self.info(self.member)
        self.assertIn("You get them for the accounts of team Webcare: Store on X.", info)
        self.assertIn("nobody's salesperson", info)

    def test_agent_outside_the_team_reads_whom_to_ask(self):
        info = self.info(self.newcomer)
        # demo data may add accounts of other teams: those are named too
        self.assertRegex(
            info,
            r"^You are not an agent of a team that has a social account: ask your manager to "
            r"add you to (team|one of the teams) [^\n]*\bWebcare\b",
        )
        self.assertNotIn("You get them for the accounts", info)

    def test_teamless_account_counts_for_every_company_agent(self):
        self.account.team_id = False
        info = self.info(self.newcomer)
        self.assertIn("accounts without a team", info)
        self.assertIn("Store on X", info)

    def test_non_agent_reads_they_need_agent_rights_and_about_their_customers(self):
        self.env["res.partner"].create({"name": "Mine", "user_id": self.seller.id})
        info = self.info(self.seller)
        self.assertIn("You are not a Social CRM agent", info)
        self.assertRegex(info, r"Ask your manager for agent rights \(.*Webcare")
        self.assertIn("you are the salesperson of 1 contacts", info)

    def test_the_line_is_in_the_preferences_form(self):
        arch = self.env.ref("base.view_users_form_simple_modif").sudo()
        views = self.env["res.users"].with_user(self.newcomer).get_views([(arch.id, "form")])
        self.assertIn("social_crm_popup_info", views["views"]["form"]["arch"])

    def test_other_users_lines_stay_hidden(self):
        [values] = self.member.with_user(self.newcomer).read(["social_crm_popup_info"])
        self.assertFalse(values["social_crm_popup_info"])
        [values] = self.member.with_user(self.manager).read(["social_crm_popup_info"])
        self.assertIn("team Webcare", values["social_crm_popup_info"])


@tagged("post_install", "-at_install")
class TestSalespersonPopupTour(WebsocketCase):
    """The salesperson's pop-up in a browser: a real websocket."""

    def test_salesperson_popup_opens_the_contact(self):
        company = self.env["res.company"].create({"name": "Salesperson store"})
        seller = new_test_user(
            self.env,
            login="pp_tour_seller",
            name="Sam Seller",
            company_id=company.id,
            company_ids=[company.id],
            groups="base.group_user,base.group_partner_manager",
        )
        customer = self.env["res.partner"].create(
            {"name": "B. Oboema", "ref": "5234", "company_id": company.id, "user_id": seller.id}
        )
        Identity = self.env["social_crm.identity"]
        identity = Identity.search([("platform", "=", "demo"), ("user_id", "=", "demo-yesican")])
        identity = identity or Identity.create(
            {"platform": "demo", "user_id": "demo-yesican", "handle": "yesican"}
        )
        identity.with_company(company).partner_id = customer
        account = self.env["social_crm.account"].create(
            {"name": "Salesperson demo", "platform": "demo", "company_id": company.id}
        )
        stream = self.env["social_crm.stream"].create(
            {
                "name": "Salesperson tour stream",
                "account_id": account.id,
                "kind": "mention",
                "page_size": 1,
            }
        )
        Stream = type(self.env["social_crm.stream"])
        pull = Stream.action_sync_now
        # the tour stands in for the cron: the salesperson may not pull streams
        with patch.object(Stream, "action_sync_now", lambda self: pull(stream.sudo())):
            self.start_tour(
                "/odoo/contacts", "social_crm_salesperson_popup_tour", login="pp_tour_seller"
            )
        self.assertFalse(
            self.env["social_crm.conversation"].with_user(seller).has_access("read"),
            "the salesperson cannot open conversations: the pop-up led to the contact",
        )
