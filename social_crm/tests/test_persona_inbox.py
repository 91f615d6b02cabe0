"""Issue 12, point 6: the inbox updates live and finds people."""

import json

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.bus.tests.common import WebsocketCase

from ..connectors import Post, Profile
from .common import RpcAttack, SocialCrmCommon
from .test_popup import pushed


class InboxCommon(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Bea Oboema", "ref": "K-77123"})
        cls.identity = cls.env["social_crm.identity"].create(
            {
                "platform": "x",
                "user_id": "501",
                "handle": "bea_inbox",
                "profile_name": "Bea O.",
                "partner_id": cls.customer.id,
            }
        )
        cls.author = Profile("501", handle="bea_inbox", display_name="Bea O.")

    def post(self, external_id, text, author=None, account=None, **kwargs):
        [message] = self.Message._ingest(
            account or self.account,
            [Post(external_id, text, author=author or self.author, **kwargs)],
        )
        return message

    def comments(self, count=3):
        """One customer's comments under different posts: separate conversations."""
        return [
            self.post(
                f"c{n}", f"Comment number {n}", conversation_key=f"thread-{n}"
            ).conversation_id
            for n in range(count)
        ]


@tagged("post_install", "-at_install")
class TestInboxAssignment(InboxCommon):
    def test_assign_to_me_opens_a_new_conversation(self):
        conversation = self.post("a1", "Where is my parcel?").conversation_id
        self.assertEqual(conversation.state, "new")
        action = conversation.with_user(self.agent).action_assign_to_me()
        self.assertEqual((conversation.user_id, conversation.state), (self.agent, "open"))
        self.assertEqual(
            (action["res_model"], action["res_id"]), (conversation._name, conversation.id)
        )

    def test_assign_to_me_keeps_a_replied_conversation_replied(self):
        conversation = self.post("a2", "Thanks!").conversation_id
        conversation.state = "replied"
        conversation.with_user(self.agent).action_assign_to_me()
        self.assertEqual((conversation.user_id, conversation.state), (self.agent, "replied"))


@tagged("post_install", "-at_install")
class TestInboxSearch(InboxCommon):
    def search_box(self, term):
        """What typing ``term`` in the inbox's search box finds (the default
        field of the search view, with its filter_domain)."""
        view = self.Conversation.get_views([(False, "search")])["views"]["search"]
        default = etree.fromstring(view["arch"]).find(".//field")
        domain = safe_eval(default.get("filter_domain"), {"self": term})
        return self.Conversation.with_user(self.agent).search(domain)

    def test_handle_name_and_customer_number_find_the_person(self):
        conversation = self.post("s1", "My washing machine is late").conversation_id
        other = self.post(
            "s2", "Ask @bea_inbox, she knows", author=Profile("777", handle="someone_else")
        ).conversation_id
        self.assertEqual(conversation.partner_id, self.customer)
        for term in ("@bea_inbox", "bea_inbox", "BEA_INBOX", "Bea O.", "Bea Oboema", "k-77123"):
            with self.subTest(term=term):
                self.assertEqual(self.search_box(term), conversation)
        self.assertNotIn(other, self.search_box("@bea_inbox"), "post text is not the person")
        self.assertFalse(self.search_box("77123"), "a customer number is matched whole")
        self.assertFalse(self.search_box("@nobody_here"))

    def test_post_text_is_still_searchable_on_its_own_field(self):
        conversation = self.post("s3", "My washing machine is late").conversation_id
        found = self.Conversation.search([("name", "ilike", "washing")])
        self.assertIn(conversation, found)
        self.assertFalse(self.search_box("washing"))


@tagged("post_install", "-at_install")
class TestInboxOtherOpen(InboxCommon):
    def test_three_comments_of_one_customer_know_each_other(self):
        first, second, third = self.comments(3)
        self.assertEqual(len(first | second | third), 3)
        for conversation in (first, second, third):
            self.assertEqual(conversation.with_user(self.agent).other_open_count, 2)
        self.assertEqual(first.other_open_conversation_ids, second | third)
        third.action_close()
        first.invalidate_recordset(["other_open_count"])
        self.assertEqual(first.other_open_count, 1)
        stranger = self.post("o9", "hello", author=Profile("778", handle="stranger"))
        self.assertEqual(stranger.conversation_id.other_open_count, 0)

    def test_other_companies_do_not_count(self):
        company_b = self.env["res.company"].create({"name": "Store B"})
        account_b = self.env["social_crm.account"].create(
            {"name": "B on X", "platform": "x", "company_id": company_b.id}
        )
        mine = self.post("b1", "Hello A").conversation_id
        self.post("b2", "Hello B", account=account_b)
        self.assertEqual(mine.with_user(self.agent).other_open_count, 0)

    def test_the_card_and_the_form_show_the_count(self):
        views = self.Conversation.get_views([(False, "kanban"), (False, "form")])["views"]
        self.assertIn("o_social_crm_other_open", views["kanban"]["arch"])
        form = etree.fromstring(views["form"]["arch"])
        self.assertTrue(form.xpath("//field[@name='other_open_conversation_ids']"))
        self.assertTrue(form.xpath("//button[@name='action_merge_other_open']"))


@tagged("post_install", "-at_install")
class TestInboxMerge(InboxCommon):
    def test_merge_moves_the_posts_to_the_oldest_and_closes_the_rest(self):
        first, second, third = self.comments(3)
        self.post("c1-more", "And another thing", parent_external_id="c1")
        moved = (second | third).post_ids
        second.user_id = self.agent
        action = (third | first | second).with_user(self.agent).action_merge()
        self.assertEqual(action["res_id"], first.id)
        self.assertEqual(len(first.post_ids), 4)
        self.assertFalse(second.post_ids | third.post_ids)
        self.assertEqual(set(moved.mapped("chatter_message_id.res_id")), {first.id})
        self.assertEqual((second.state, third.state), ("closed", "closed"))
        self.assertIn(first.state, ("new", "open"))
        self.assertEqual(first.user_id, self.agent)
        self.assertEqual(first.other_open_count, 0)
        note = second.message_ids.filtered(lambda m: "Merged into" in (m.body or ""))
        self.assertIn(f"#{first.id}", note.body)
        self.assertTrue(first.message_ids.filtered(lambda m: "3 post(s) moved" in (m.body or "")))

    def test_merging_a_replied_conversation_reopens_it_for_the_new_post(self):
        first, second = self.comments(2)
        first.state = "replied"
        (first | second).action_merge()
        self.assertEqual(first.state, "open")
        self.assertTrue(first.awaiting_since)

    def test_merge_is_refused_for_different_people(self):
        mine = self.post("d1", "Hello").conversation_id
        theirs = self.post("d2", "Hi", author=Profile("779", handle="other")).conversation_id
        with self.assertRaisesRegex(UserError, "same person"):
            (mine | theirs).with_user(self.agent).action_merge()
        with self.assertRaisesRegex(UserError, "at least two"):
            mine.with_user(self.agent).action_merge()

    def test_merge_is_refused_across_companies(self):
        company_b = self.env["res.company"].create({"name": "Store B"})
        account_b = self.env["social_crm.account"].create(
            {"name": "B on X", "platform": "x", "company_id": company_b.id}
        )
        mine = self.post("e1", "Hello A").conversation_id
        theirs = self.post("e2", "Hello B", account=account_b).conversation_id
        self.env.user.company_ids |= company_b
        with self.assertRaisesRegex(UserError, "same company"):
            (mine | theirs).action_merge()
        with self.assertRaises(AccessError):  # the agent of A may not touch B's
            (mine | theirs).with_user(self.agent).action_merge()
        self.assertEqual(theirs.post_ids.text, "Hello B")


@tagged("post_install", "-at_install")
class TestInboxMergeRpc(RpcAttack, HttpCase):
    def test_agent_cannot_merge_another_company_conversation_over_rpc(self):
        agent = new_test_user(
            self.env, login="merge_rpc_agent", groups="social_crm.group_social_crm_agent"
        )
        company_b = self.env["res.company"].create({"name": "Store B"})
        Account = self.env["social_crm.account"]
        account_a = Account.create({"name": "A", "platform": "demo", "external_user_id": "a"})
        account_b = Account.create(
            {"name": "B", "platform": "demo", "external_user_id": "b", "company_id": company_b.id}
        )
        author = Profile("demo-merge", handle="merge_me")
        Message = self.env["social_crm.message"]
        [mine] = Message._ingest(account_a, [Post("m-a", "Hello A", author=author)])
        [theirs] = Message._ingest(account_b, [Post("m-b", "Hello B", author=author)])
        ids = [mine.conversation_id.id, theirs.conversation_id.id]
        with self.assertRpcRefused("AccessError", "UserError"):
            self.rpc(agent, "social_crm.conversation", "action_merge", ids)
        self.assertEqual(theirs.conversation_id.state, "new")
        self.assertEqual(theirs.conversation_id.post_ids, theirs)


@tagged("post_install", "-at_install")
class TestInboxPush(InboxCommon):
    def test_new_and_changed_conversations_are_pushed_to_the_company_agents(self):
        company_b = self.env["res.company"].create({"name": "Store B"})
        elsewhere = new_test_user(
            self.env,
            login="inbox_elsewhere",
            company_id=company_b.id,
            company_ids=[company_b.id],
            groups="social_crm.group_social_crm_agent",
        )
        portal = new_test_user(self.env, login="inbox_portal", groups="base.group_portal")
        self.env["bus.bus"].sudo().search([]).unlink()
        conversation = self.post("p1", "A new post").conversation_id
        notes = pushed(self.env, "social_crm.inbox")
        self.assertIn(self.agent.partner_id.id, notes)
        self.assertIn(self.manager.partner_id.id, notes)
        self.assertNotIn(elsewhere.partner_id.id, notes)
        self.assertNotIn(portal.partner_id.id, notes)
        payload = notes[self.agent.partner_id.id]
        self.assertEqual(payload["conversation_ids"], [conversation.id])
        self.assertNotIn("A new post", str(payload), "only ids travel")

        self.env["bus.bus"].sudo().search([]).unlink()
        conversation.with_user(self.agent).action_assign_to_me()
        notes = pushed(self.env, "social_crm.inbox")
        self.assertEqual(notes[self.agent.partner_id.id]["conversation_ids"], [conversation.id])

    def test_a_batch_is_pushed_once(self):
        self.env["bus.bus"].sudo().search([]).unlink()
        self.Message._ingest(
            self.account,
            [Post(f"batch-{n}", f"Post {n}", author=self.author) for n in range(5)],
        )
        self.env.cr.precommit.run()
        rows = [
            row
            for row in self.env["bus.bus"].sudo().search([])
            if json.loads(row.message)["type"] == "social_crm.inbox"
            and json.loads(row.channel)[2] == self.agent.partner_id.id
        ]
        self.assertEqual(len(rows), 1)


@tagged("post_install", "-at_install")
class TestInboxTour(WebsocketCase):
    """A real websocket: WebsocketCase re-enables it in test mode."""

    def test_new_post_appears_in_the_open_inbox(self):
        company = self.env["res.company"].create({"name": "Live inbox store"})
        new_test_user(
            self.env,
            login="live_agent",
            name="Liv Live",
            company_id=company.id,
            company_ids=[company.id],
            groups="social_crm.group_social_crm_manager",
        )
        account = self.env["social_crm.account"].create(
            {"name": "Live demo", "platform": "demo", "company_id": company.id}
        )
        self.env["social_crm.message"]._ingest(
            account,
            [Post("live-1", "First question from Jan", author=Profile("demo-jan", handle="jan"))],
        )
        self.env["social_crm.stream"].create(
            {
                "name": "Live inbox stream",
                "account_id": account.id,
                "kind": "mention",
                "page_size": 1,
            }
        )
        self.start_tour("/odoo/social-inbox", "social_crm_live_inbox_tour", login="live_agent")

    def test_an_empty_inbox_invites_to_connect_an_account(self):
        company = self.env["res.company"].create({"name": "Empty store"})
        new_test_user(
            self.env,
            login="empty_agent",
            company_id=company.id,
            company_ids=[company.id],
            groups="social_crm.group_social_crm_agent",
        )
        self.start_tour("/odoo/social-inbox", "social_crm_empty_inbox_tour", login="empty_agent")

    def test_agent_sees_and_merges_a_persons_other_open_conversation(self):
        company = self.env["res.company"].create({"name": "Merge store"})
        new_test_user(
            self.env,
            login="merge_agent",
            company_id=company.id,
            company_ids=[company.id],
            groups="social_crm.group_social_crm_agent",
        )
        account = self.env["social_crm.account"].create(
            {"name": "Merge demo", "platform": "demo", "company_id": company.id}
        )
        author = Profile("demo-tom", handle="tom_two_threads")
        Message = self.env["social_crm.message"]
        [first] = Message._ingest(account, [Post("mt-a", "Comment A from Tom", author=author)])
        [second] = Message._ingest(account, [Post("mt-b", "Comment B from Tom", author=author)])
        older, newer = first.conversation_id, second.conversation_id
        self.start_tour("/odoo/social-inbox", "social_crm_other_open_tour", login="merge_agent")
        self.assertEqual(second.conversation_id, older)
        self.assertEqual(newer.state, "closed")
