import contextlib
from unittest.mock import patch

from markupsafe import Markup

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..connectors import DemoConnector, Post, Profile, RequestRefused
from ..models.social_crm_conversation_chatter import system_post
from .common import RpcAttack


class ChatterCommon:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="chatter_agent",
            name="Cas Chatter",
            groups="social_crm.group_social_crm_agent",
        )
        cls.account = cls.env["social_crm.account"].create(
            {"name": "Chatter store", "platform": "demo", "external_user_id": "demo-chatter"}
        )
        author = Profile("demo-poster", handle="poster_pam", display_name="Pam Poster")
        [cls.post] = cls.env["social_crm.message"]._ingest(
            cls.account, [Post("chatter-1", "Where is my parcel?", author=author)]
        )
        cls.conversation = cls.post.conversation_id

    @contextlib.contextmanager
    def spy(self, method="reply", fail=None):
        """Record the demo connector's ``method`` calls (or refuse them with ``fail``)."""
        calls = []
        original = getattr(DemoConnector, method)

        def record(connector, text, *args, **kwargs):
            calls.append(text)
            if fail:
                raise fail
            return original(connector, text, *args, **kwargs)

        with patch.object(DemoConnector, method, record):
            yield calls

    def outgoing(self, conversation=None):
        conversation = conversation or self.conversation
        return conversation.post_ids.filtered(lambda m: m.direction == "out")

    def post_as_agent(self, body, subtype="mail.mt_comment", **kwargs):
        # as the mail controller does: sudo, the agent still the user
        return (
            self.conversation.with_user(self.agent)
            .sudo()
            .message_post(body=body, message_type="comment", subtype_xmlid=subtype, **kwargs)
        )


@tagged("post_install", "-at_install")
class TestChatterSend(ChatterCommon, TransactionCase):
    def test_send_message_goes_to_the_poster_and_is_stored_once(self):
        before = self.conversation.channel_id.message_ids
        with self.spy() as calls:
            message = self.post_as_agent(Markup("<p>Hello Pam &amp; welcome<br>Line two</p>"))
        self.assertEqual(calls, ["Hello Pam & welcome\nLine two"])
        reply = self.outgoing()
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.text, "Hello Pam & welcome\nLine two")
        self.assertEqual(reply.user_id, self.agent)
        # one message, in the conversation's Discuss thread: the outgoing post's own display
        new = self.conversation.channel_id.message_ids - before
        self.assertEqual(new, reply.chatter_message_id)
        self.assertEqual(message, reply.chatter_message_id)
        self.assertEqual(new.author_id, self.agent.partner_id)
        self.assertEqual(self.conversation.state, "replied")

    def test_log_note_stays_internal(self):
        with self.spy() as calls:
            note = self.post_as_agent(Markup("<p>Check the parcel first</p>"), "mail.mt_note")
        self.assertEqual(calls, [])
        self.assertTrue(note.subtype_id.internal)
        self.assertFalse(self.outgoing())
        self.assertEqual(self.conversation.state, "new")

    def test_what_the_system_posts_never_goes_out(self):
        with self.spy() as calls:
            system_post(self.conversation).message_post(
                body="Merged", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            # tracking, notes and ingested copies of incoming posts
            self.conversation.with_user(self.agent).action_assign_to_me()
            self.conversation.message_post(body="SLA at risk", message_type="comment")
            self.env["social_crm.message"]._ingest(
                self.account,
                [Post("chatter-2", "Hello?", author=Profile("demo-poster", handle="poster_pam"))],
            )
        self.assertEqual(calls, [])
        self.assertFalse(self.outgoing())

    def test_refusal_stores_nothing(self):
        self.conversation.reply_draft = "my other draft"
        before = self.conversation.message_ids
        with self.spy(fail=RequestRefused("The platform refused this reply.")) as calls:
            with self.assertRaisesRegex(UserError, "refused this reply.*\n.*draft is kept"):
                self.post_as_agent(Markup("<p>Hello</p>"))
        self.assertEqual(calls, ["Hello"])
        self.assertEqual(self.conversation.message_ids, before)
        self.assertFalse(self.outgoing())
        self.assertEqual(self.conversation.state, "new")
        self.assertEqual(self.conversation.reply_draft, "my other draft")

    def test_files_that_are_no_images_are_refused_with_a_plain_message(self):
        # images go out since issue 13 (test_img13.py); other files never do
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.agent)
            .create(
                {
                    "name": "parcel.pdf",
                    "raw": b"%PDF-1.4\n%%EOF\n",
                    "res_model": "social_crm.conversation",
                    "res_id": self.conversation.id,
                }
            )
        )
        with self.spy() as calls:
            with self.assertRaisesRegex(UserError, "Demo takes only JPEG.*'parcel.pdf'"):
                self.post_as_agent(Markup("<p>See picture</p>"), attachment_ids=[attachment.id])
            # a note may carry it
            note = self.post_as_agent(
                Markup("<p>Photo</p>"), "mail.mt_note", attachment_ids=[attachment.id]
            )
        self.assertEqual(calls, [])
        self.assertEqual(note.attachment_ids, attachment)

    def test_length_limit_is_checked_before_sending(self):
        with self.spy() as calls:
            with self.assertRaisesRegex(UserError, "501 characters long.*at most 500"):
                self.post_as_agent("x" * 501)
            conversation = self.conversation.with_user(self.agent)
            conversation.reply_draft = "y" * 501
            with self.assertRaisesRegex(UserError, "Nothing was sent and your text is kept"):
                conversation.action_send_reply()
            self.post_as_agent("z" * 500)
        self.assertEqual(calls, ["z" * 500])
        self.assertEqual(self.conversation.reply_draft, "y" * 501)

    def test_x_counts_emoji_double(self):
        conversation = self.conversation.with_user(self.agent)
        with patch.object(type(conversation), "_platform_label", lambda self: "X"):
            with (
                patch.object(DemoConnector, "max_length", 280),
                patch.object(DemoConnector, "length_rule", "x"),
            ):
                with self.assertRaisesRegex(UserError, "282 characters long.*at most 280"):
                    conversation._check_reply_length("👍" * 141)
                conversation._check_reply_length("👍" * 140)

    def test_composer_info_and_template_picker(self):
        conversation = self.conversation.with_user(self.agent)
        info = conversation.social_crm_composer_info()
        self.assertEqual(info["label"], "Public reply to @poster_pam on Demo")
        self.assertFalse(info["private"])
        self.assertEqual((info["max_length"], info["length_rule"]), (500, "chars"))
        template = self.env.ref("social_crm.reply_template_dm_en")
        self.assertIn(template.id, [t["id"] for t in info["templates"]])
        text = conversation.social_crm_render_template(template.id)
        self.assertIn("@poster_pam", text)
        self.assertTrue(text.endswith("^Cas"))


@tagged("post_install", "-at_install")
class TestContinueInPrivate(ChatterCommon, TransactionCase):
    def test_private_message_then_public_note(self):
        conversation = self.conversation.with_user(self.agent)
        conversation.reply_draft = "Could you send us your order number here?"
        with self.spy("send_private") as private_calls, self.spy() as public_calls:
            action = conversation.action_continue_in_private()
        self.assertEqual(private_calls, ["Could you send us your order number here?"])
        [note] = public_calls
        self.assertIn("@poster_pam, we've sent you a private message", note)
        private = self.env["social_crm.conversation"].browse(action["params"]["next"]["res_id"])
        self.assertNotEqual(private, self.conversation)
        self.assertEqual(private.conversation_key, "dm:demo-poster")
        self.assertEqual(private.channel, "private")
        self.assertEqual(self.conversation.channel, "public")
        self.assertEqual(private.identity_id, self.conversation.identity_id)
        self.assertEqual(self.outgoing(private).text, "Could you send us your order number here?")
        self.assertEqual(self.outgoing().text, note)
        self.assertFalse(self.conversation.reply_draft)
        info = private.with_user(self.agent).social_crm_composer_info()
        self.assertEqual(info["label"], "Private message to @poster_pam on Demo")

    def test_public_note_refused_waits_in_the_draft(self):
        conversation = self.conversation.with_user(self.agent)
        conversation.reply_draft = "Your order number please"
        with self.spy(fail=RequestRefused("No.")):
            action = conversation.action_continue_in_private()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("private message was sent", action["params"]["message"])
        self.assertIn("we've sent you a private message", self.conversation.reply_draft)

    def test_platform_without_private_messages_says_so(self):
        conversation = self.conversation.with_user(self.agent)
        conversation.reply_draft = "Psst"
        with (
            patch.object(DemoConnector, "supports_private", False),
            patch.object(type(conversation), "_platform_label", lambda self: "Flickr"),
            self.spy("send_private") as calls,
        ):
            with self.assertRaisesRegex(UserError, "Flickr sends no private messages"):
                conversation.action_continue_in_private()
        self.assertEqual(calls, [])
        self.assertEqual(self.conversation.reply_draft, "Psst")

    def test_needs_a_draft(self):
        with self.assertRaisesRegex(UserError, "Write the private message"):
            self.conversation.with_user(self.agent).action_continue_in_private()


@tagged("post_install", "-at_install")
class TestChatterSendRpc(ChatterCommon, RpcAttack, HttpCase):
    def post_rpc(self, subtype, context=None):
        self.authenticate(self.agent.login, self.agent.login)
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "social_crm.conversation",
                "thread_id": self.conversation.id,
                "post_data": {
                    "body": "Sent from the <b>chatter</b>",
                    "message_type": "comment",
                    "subtype_xmlid": subtype,
                },
                "context": context or {},
            },
        )

    def test_the_chatter_composer_sends_and_a_client_cannot_forge_the_system_flow(self):
        with self.spy() as calls:
            self.post_rpc("mail.mt_comment", context={"social_crm_system_post": True})
            self.post_rpc("mail.mt_note")
        self.assertEqual(calls, ["Sent from the chatter"])
        self.assertEqual(len(self.outgoing()), 1)


@tagged("post_install", "-at_install")
class TestChatterTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="chatter_tour",
            name="Tom Tour",
            groups="social_crm.group_social_crm_agent",
        )
        account = cls.env["social_crm.account"].create(
            {"name": "Chatter tour", "platform": "demo", "external_user_id": "demo-ctour"}
        )
        author = Profile("demo-ptour", handle="poster_tour", display_name="Tour Poster")
        [post] = cls.env["social_crm.message"]._ingest(
            account, [Post("chatter-tour-1", "My parcel is late", author=author)]
        )
        cls.conversation = post.conversation_id

    def test_send_message_reaches_the_connector_and_log_note_does_not(self):
        sent = []
        original = DemoConnector.reply

        def record(connector, text, *args, **kwargs):
            sent.append(text)
            return original(connector, text, *args, **kwargs)

        with patch.object(DemoConnector, "reply", record):
            self.start_tour(
                f"/odoo/social-inbox/{self.conversation.id}",
                "social_crm_chatter_send_tour",
                login="chatter_tour",
            )
        self.assertEqual(sent, ["Your parcel left our warehouse today."])
        out = self.conversation.post_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(out.text, "Your parcel left our warehouse today.")
        note = self.conversation.message_ids.filtered(
            lambda m: "Checked the tracking" in str(m.body)
        )
        self.assertTrue(note.subtype_id.internal)

    def test_counters_show_the_limit(self):
        self.start_tour(
            f"/odoo/social-inbox/{self.conversation.id}",
            "social_crm_chatter_too_long_tour",
            login="chatter_tour",
        )
