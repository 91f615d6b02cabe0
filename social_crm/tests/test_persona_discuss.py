"""Discuss is a place to work: each conversation has a Discuss thread of our
own type, posts arrive there by the poster's guest, and the thread's
composer either sends (explicitly) or keeps a note."""

import json
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from markupsafe import Markup

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..connectors import DemoConnector, Post, Profile, RequestRefused
from .test_chatter_send import ChatterCommon
from .test_popup import pushed


class DiscussCommon(ChatterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel = cls.conversation.channel_id
        cls.colleague = new_test_user(
            cls.env,
            login="discuss_colleague",
            name="Col League",
            groups="social_crm.group_social_crm_agent",
        )

    def ingest(self, external_id, text, who="poster_pam", parent=None):
        author = Profile(f"demo-{who}", handle=who, display_name=who.title())
        return self.env["social_crm.message"]._ingest(
            self.account,
            [Post(external_id, text, author=author, parent_external_id=parent or "")],
        )

    def post_in_thread(self, body, user=None, **kwargs):
        # as the mail controller does: sudo, the agent still the user
        return (
            self.channel.with_user(user or self.agent)
            .sudo()
            .message_post(body=body, message_type="comment", **kwargs)
        )


@tagged("post_install", "-at_install")
class TestDiscussThread(DiscussCommon, TransactionCase):
    def test_posts_become_guest_messages_in_one_batch(self):
        Message = type(self.env["mail.message"])
        create = Message.create
        calls = []

        def count(records, vals_list):
            calls.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return create(records, vals_list)

        partners = self.env["res.partner"].search_count([])
        with patch.object(Message, "create", count):
            posts = self.env["social_crm.message"]._ingest(
                self.account,
                [
                    Post("d-1", "First", author=Profile("demo-a", handle="ann", display_name="A")),
                    Post("d-2", "Second", author=Profile("demo-b", handle="bob")),
                    Post("d-3", "Third", author=Profile("demo-a", handle="ann")),
                ],
            )
        self.assertEqual(calls, [3], "one mail.message create for the whole batch")
        self.assertEqual(self.env["res.partner"].search_count([]), partners, "no new contact")
        for post in posts:
            channel = post.conversation_id.channel_id
            self.assertEqual(channel.channel_type, "social_crm")
            self.assertEqual(channel.social_crm_conversation_id, post.conversation_id)
            message = post.chatter_message_id
            self.assertEqual((message.model, message.res_id), ("discuss.channel", channel.id))
            self.assertFalse(message.author_id, "never the agent or OdooBot")
            guest = message.author_guest_id
            self.assertEqual(guest.social_crm_identity_id, post.author_identity_id)
            self.assertEqual(guest.social_crm_platform, "demo")
            self.assertIn("@", guest.name)
            # the thread is the one display: no second copy in the form's chatter
            self.assertFalse(
                post.conversation_id.message_ids.filtered(lambda m, b=message.body: m.body == b)
            )
        ann = posts.filtered(lambda p: p.external_id in ("d-1", "d-3")).chatter_message_id
        self.assertEqual(len(ann.author_guest_id), 1, "one guest per identity")

    def test_send_from_the_thread_goes_to_the_poster_by_the_agent(self):
        with self.spy() as calls:
            message = self.post_in_thread(Markup("<p>On its way, Pam</p>"), social_crm_send=True)
        self.assertEqual(calls, ["On its way, Pam"])
        reply = self.outgoing()
        self.assertEqual(reply.chatter_message_id, message)
        self.assertEqual(message.author_id, self.agent.partner_id)
        self.assertEqual((message.model, message.res_id), ("discuss.channel", self.channel.id))
        self.assertFalse(message.subtype_id.internal, "shown as sent, not as a note")
        self.assertEqual(self.conversation.state, "replied")

    def test_note_in_the_thread_never_calls_the_connector(self):
        with self.spy() as calls:
            plain = self.post_in_thread("Internal: check the parcel")
            # a comment subtype or a context key does not make a note a send
            comment = self.post_in_thread("Still internal", subtype_xmlid="mail.mt_comment")
            keyed = (
                self.channel.with_user(self.agent)
                .sudo()
                .with_context(social_crm_send=True)
                .message_post(body="Context is no flag", message_type="comment")
            )
            truthy = self.post_in_thread("Not True", social_crm_send="yes")
        self.assertEqual(calls, [])
        self.assertFalse(self.outgoing())
        for note in plain | comment | keyed | truthy:
            self.assertTrue(note.subtype_id.internal, "stored as an internal note")
            self.assertEqual(note.res_id, self.channel.id)

    def test_refused_send_stores_nothing_and_says_why(self):
        before = self.channel.message_ids
        with self.spy(fail=RequestRefused("refused", code="duplicate")) as calls:
            with self.assertRaisesRegex(UserError, "draft is kept"):
                self.post_in_thread("Again", social_crm_send=True)
        self.assertEqual(calls, ["Again"])
        self.assertEqual(self.channel.message_ids, before)
        self.assertFalse(self.outgoing())

    def test_send_needs_write_access_to_the_conversation(self):
        outsider = new_test_user(self.env, login="discuss_outsider", groups="base.group_user")
        with self.spy() as calls, self.assertRaises(AccessError):
            self.channel.with_user(outsider).sudo().message_post(
                body="Hi", message_type="comment", social_crm_send=True
            )
        self.assertEqual(calls, [])

    def test_mention_in_a_note_notifies_the_colleague(self):
        note = self.post_in_thread(
            Markup("<p>@Col League can you look?</p>"),
            partner_ids=self.colleague.partner_id.ids,
        )
        self.assertTrue(note.subtype_id.internal)
        self.assertIn(self.colleague.partner_id, note.notification_ids.res_partner_id)


@tagged("post_install", "-at_install")
class TestDiscussAccess(DiscussCommon, TransactionCase):
    def test_manager_and_reassigned_agent_open_the_thread(self):
        manager = new_test_user(
            self.env, login="discuss_manager", groups="social_crm.group_social_crm_manager"
        )
        self.assertNotIn(manager.partner_id, self.channel.channel_member_ids.partner_id)
        self.channel.with_user(manager).check_access("read")
        self.channel.with_user(manager).message_ids.mapped("body")
        self.conversation.user_id = self.agent
        self.assertEqual(self.channel.channel_member_ids.partner_id, self.agent.partner_id)
        self.conversation.user_id = self.colleague
        self.assertEqual(self.channel.channel_member_ids.partner_id, self.colleague.partner_id)
        self.channel.with_user(self.colleague).check_access("read")
        self.channel.with_user(self.agent).check_access("read")  # same company: still opens

    def test_another_companys_agent_cannot_open_the_thread(self):
        other = self.env["res.company"].create({"name": "Other company"})
        stranger = new_test_user(
            self.env,
            login="discuss_stranger",
            groups="social_crm.group_social_crm_agent",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        with self.assertRaises(AccessError):
            self.channel.with_user(stranger).check_access("read")
        with self.assertRaises(AccessError):
            self.channel.with_user(stranger).message_post(body="hi", message_type="comment")

    def test_assignee_gets_the_posts_unread_and_close_unpins_new_post_repins(self):
        self.conversation.user_id = self.agent
        member = self.channel.channel_member_ids
        self.assertEqual(member.partner_id, self.agent.partner_id)
        self.assertTrue(member.is_pinned)
        self.assertEqual(member.message_unread_counter, 1, "the post is unread for the assignee")
        later = fields.Datetime.now() + timedelta(minutes=5)
        with freeze_time(later):
            self.conversation.state = "closed"
        member.invalidate_recordset()
        self.assertFalse(member.is_pinned, "closed conversations leave the sidebar")
        with freeze_time(later + timedelta(minutes=5)):
            self.ingest("chatter-2", "Still nothing!", parent="chatter-1")
        member.invalidate_recordset()
        self.assertEqual(self.conversation.state, "open")
        self.assertTrue(member.is_pinned, "a new post re-pins the thread")
        self.assertEqual(member.message_unread_counter, 2)

    def test_unassigned_thread_is_in_the_team_agents_sidebar(self):
        team = self.env["crm.team"].create(
            {"name": "Webcare", "crm_team_member_ids": [(0, 0, {"user_id": self.colleague.id})]}
        )
        self.account.team_id = team
        [post] = self.ingest("team-1", "Hello team", who="tina")
        channel = post.conversation_id.channel_id
        self.assertIn(self.colleague.partner_id, channel.channel_member_ids.partner_id)


@tagged("post_install", "-at_install")
class TestDiscussRoute(DiscussCommon, HttpCase):
    def post_route(self, post_data, context=None):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "discuss.channel",
                "thread_id": self.channel.id,
                "post_data": {"message_type": "comment", **post_data},
                "context": context or {},
            },
        )

    def test_the_route_sends_only_with_the_explicit_flag(self):
        self.authenticate("chatter_agent", "chatter_agent")
        with self.spy() as calls:
            self.post_route({"body": "A note", "subtype_xmlid": "mail.mt_comment"})
            self.post_route({"body": "Note too"}, context={"social_crm_send": True})
            self.assertEqual(calls, [])
            self.post_route({"body": "Sent!", "social_crm_send": True})
        self.assertEqual(calls, ["Sent!"])
        self.assertEqual(self.outgoing().text, "Sent!")


@tagged("post_install", "-at_install")
class TestDiscussTour(HttpCase):
    def test_agent_answers_and_notes_in_discuss(self):
        agent = new_test_user(
            self.env,
            login="discuss_tour",
            name="Dirk Discuss",
            groups="social_crm.group_social_crm_agent",
        )
        account = self.env["social_crm.account"].create(
            {"name": "Discuss tour", "platform": "demo", "external_user_id": "demo-dtour"}
        )
        author = Profile("demo-dana", handle="dana_discuss", display_name="Dana")
        [post] = self.env["social_crm.message"]._ingest(
            account, [Post("discuss-tour-1", "Where is my Discuss parcel?", author=author)]
        )
        conversation = post.conversation_id
        conversation.user_id = agent
        sent = []
        original = DemoConnector.reply

        def record(connector, text, *args, **kwargs):
            sent.append(text)
            return original(connector, text, *args, **kwargs)

        with patch.object(DemoConnector, "reply", record):
            self.start_tour("/odoo/discuss", "social_crm_discuss_tour", login="discuss_tour")
        self.assertEqual(sent, ["It ships today, Dana!"], "the note never reached the connector")
        out = conversation.post_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(out.text, "It ships today, Dana!")
        self.assertEqual(out.chatter_message_id.res_id, conversation.channel_id.id)
        note = conversation.channel_id.message_ids.filtered(
            lambda m: "Checked the warehouse" in str(m.body)
        )
        self.assertTrue(note.subtype_id.internal)


@tagged("post_install", "-at_install")
class TestDiscussNotifications(DiscussCommon, TransactionCase):
    def test_assignee_gets_new_posts_live_and_popup_links_to_the_thread(self):
        customer = self.env["res.partner"].create({"name": "Cees Customer", "ref": "777"})
        self.env["social_crm.identity"].create(
            {
                "platform": "demo",
                "user_id": "demo-cees",
                "handle": "cees",
                "partner_id": customer.id,
            }
        )
        [first] = self.ingest("cees-1", "My order?", who="cees")
        conversation = first.conversation_id
        channel = conversation.channel_id
        conversation.user_id = self.agent
        self.env["bus.bus"].sudo().search([]).unlink()
        self.ingest("cees-2", "Any news?", who="cees", parent="cees-1")
        live = pushed(self.env, "discuss.channel/new_message")
        self.assertIn(channel.id, live, "the thread updates live")
        self.assertIn("Any news?", json.dumps(live[channel.id]["data"]))
        popups = pushed(self.env, "social_crm/customer_post")
        self.assertTrue(popups, "a known customer pops up")
        for payload in popups.values():
            self.assertEqual(payload["channel_id"], channel.id)


@tagged("post_install", "-at_install")
class TestDiscussGuestPrivacy(DiscussCommon, TransactionCase):
    def test_guest_forgets_what_the_identity_forgets(self):
        guest = self.post.chatter_message_id.author_guest_id
        self.assertIn("Pam Poster", guest.name)
        self.assertIn("poster_pam", guest.name)
        # as retention does for unknown people: the profile goes, the guest follows
        self.post.author_identity_id.write({"profile_name": False, "handle": False})
        self.assertNotIn("Pam Poster", guest.name)
        self.assertNotIn("poster_pam", guest.name)
        self.assertFalse(guest.social_crm_handle)

    def test_erasure_deletes_the_guest_and_blanks_the_thread(self):
        manager = new_test_user(
            self.env, login="discuss_eraser", groups="social_crm.group_social_crm_manager"
        )
        guest = self.post.chatter_message_id.author_guest_id
        message = self.post.chatter_message_id
        self.post.author_identity_id.with_user(manager).action_erase()
        self.assertFalse(guest.exists())
        self.assertNotIn("parcel", str(message.body))
        self.assertNotIn("parcel", self.channel.name)
