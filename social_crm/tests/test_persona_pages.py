"""Issue 12, points 8 and 9: public pages, e-mails, previews, placeholders
and errors written for people."""

from unittest.mock import patch

import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..connectors import Post, Profile
from .common import SocialCrmCommon

#: what requests says when a server cannot be reached: never for users
RAW = (
    "HTTPSConnectionPool(host='mastodon.social', port=443): Max retries exceeded with url: "
    "/api/v1/accounts/verify_credentials (Caused by NewConnectionError('<urllib3.connection."
    "HTTPSConnection object at 0x7f06d1c2>: Failed to establish a new connection'))"
)


@tagged("post_install", "-at_install")
class TestPersonaErrors(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            login="sc_pages_admin",
            name="Anne Admin",
            groups="base.group_system,social_crm.group_social_crm_manager",
        )
        cls.mastodon = cls.env["social_crm.account"].create(
            {
                "name": "Store on Mastodon",
                "platform": "mastodon",
                "handle": "store",
                "server_url": "https://mastodon.social",
                "mastodon_access_token": "secret-token",
            }
        )
        customer = Profile("42", handle="annoyed_anna", display_name="Anna de Boer")
        [cls.post] = cls.Message._ingest(
            cls.account,
            [Post("1578516295611748353", "@Twitter where is my order", author=customer)],
        )
        cls.conversation = cls.post.conversation_id

    def assertPlain(self, text):
        for raw in ("HTTPSConnectionPool", "0x7f06", "NewConnectionError", "ConnectionError"):
            self.assertNotIn(raw, text)

    def test_a_failed_connection_test_reads_as_a_sentence_with_detail_for_admins(self):
        with self.replay() as session:
            session.add("GET", r"verify_credentials", exc=requests.ConnectionError(RAW), times=3)
            action = self.mastodon.with_user(self.admin).action_test_connection()
        shown = self.mastodon.with_user(self.agent).error_message
        self.assertEqual(
            shown,
            "Could not reach mastodon.social: check the server address or try again later.",
        )
        self.assertIn(shown, action["params"]["message"])
        self.assertPlain(action["params"]["message"])
        with self.assertRaises(AccessError):
            self.mastodon.with_user(self.agent).read(["error_detail"])
        detail = self.mastodon.with_user(self.admin).error_detail
        self.assertIn("ConnectionError", detail)
        self.assertIn("NewConnectionError", detail)

    def test_a_stream_that_cannot_reach_its_server_says_so(self):
        stream = self.env["social_crm.stream"].create(
            {"account_id": self.mastodon.id, "kind": "mention"}
        )
        with self.replay() as session:
            session.add("GET", r"mastodon\.social", exc=requests.ConnectionError(RAW), times=5)
            action = stream.with_user(self.manager).action_sync_now()
        self.assertPlain(action["params"]["message"])
        self.assertIn("Could not reach mastodon.social", action["params"]["message"])
        self.assertIn("Could not reach mastodon.social", stream.last_error)
        self.assertPlain(stream.last_error)
        self.assertPlain(self.mastodon.error_message)
        self.assertIn("ConnectionError", stream.with_user(self.admin).last_error_detail)

    def test_an_unexpected_error_in_a_guarded_run_is_no_repr(self):
        Stream = type(self.stream)
        with (
            patch.object(
                Stream, "_sync_batch", side_effect=ValueError("<object at 0x7f06d1c2> broke")
            ),
            self.assertLogs("odoo.addons.social_crm.models.social_crm_stream", "ERROR"),
        ):
            _messages, error = self.stream._sync_guarded()
        self.assertTrue(error)
        self.assertNotIn("0x7f06", self.stream.last_error)
        self.assertNotIn("ValueError", self.stream.last_error)
        self.assertIn("administrator can read the technical details", self.stream.last_error)
        self.assertIn("ValueError", self.stream.last_error_detail)

    def test_a_failed_reply_reads_as_a_sentence_and_keeps_the_draft(self):
        conversation = self.conversation.with_user(self.agent)
        conversation.reply_draft = "On its way!"
        with self.replay() as session:
            session.add("POST", r"/2/tweets", exc=requests.ConnectionError(RAW))
            with self.assertRaises(UserError) as caught:
                conversation.action_send_reply()
        message = str(caught.exception)
        self.assertIn("Could not reach X (Twitter): check the server address", message)
        self.assertIn("draft is kept", message)
        self.assertNotIn("Technical detail", message)
        self.assertPlain(message)
        self.assertEqual(self.conversation.reply_draft, "On its way!")

    def test_an_admin_reads_the_technical_detail_of_a_failed_reply(self):
        conversation = self.conversation.with_user(self.admin)
        conversation.reply_draft = "On its way!"
        with self.replay() as session:
            session.add("POST", r"/2/tweets", exc=ValueError("bad <object at 0x7f06>"))
            with self.assertRaises(UserError) as caught:
                conversation.action_send_reply()
        message = str(caught.exception)
        self.assertIn("Something went wrong", message)
        self.assertIn("Technical detail: ValueError", message)


@tagged("post_install", "-at_install")
class TestPersonaConsentPreview(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = cls.env["social_crm.account"].create(
            {"name": "Store (demo)", "platform": "demo", "external_user_id": "demo-store"}
        )
        fan = Profile("demo-fan", handle="happy_fan", display_name="Hanna Fan")
        [post] = cls.Message._ingest(
            cls.demo, [Post("preview-1", "Thank you for the quick help!", author=fan)]
        )
        cls.conversation = post.conversation_id

    def open_preview(self, conversation=None):
        conversation = (conversation or self.conversation).with_user(self.agent)
        action = conversation.action_ask_consent_preview()
        self.assertEqual(
            (action["res_model"], action["target"]),
            (
                "social_crm.consent.ask.wizard",
                "new",
            ),
        )
        return self.env[action["res_model"]].with_user(self.agent).browse(action["res_id"])

    def outgoing(self, conversation=None):
        posts = (conversation or self.conversation).post_ids
        return posts.filtered(lambda m: m.direction == "out")

    def test_the_preview_shows_the_exact_message_and_sends_nothing(self):
        wizard = self.open_preview()
        self.assertIn("Hi Hanna, glad we could help!", wizard.preview)
        self.assertIn("[personal link]", wizard.preview)
        self.assertNotIn("/social_crm/consent/", wizard.preview)
        self.assertTrue(wizard.preview.endswith("^Ada"))
        self.assertEqual(wizard.send_as, "private")
        self.assertFalse(wizard.warning)
        # Cancel: the wizard is closed, nothing was asked nor sent
        self.assertFalse(self.conversation.consent_request_ids)
        self.assertFalse(self.outgoing())

    def test_send_goes_through_ask_for_consent_once(self):
        wizard = self.open_preview()
        action = wizard.action_send()
        self.assertEqual(action["params"]["type"], "success")
        request = self.conversation.consent_request_ids
        self.assertEqual(len(request), 1)
        sent = self.outgoing()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.text, wizard.preview.replace("[personal link]", request.sudo().url))
        outbound = self.env["social_crm.outbound"].sudo()
        domain = [("conversation_id", "=", self.conversation.id), ("kind", "=", "consent")]
        self.assertEqual(outbound.search_count(domain), 1)

    def test_bluesky_warns_that_the_link_becomes_a_public_reply(self):
        account = self.env["social_crm.account"].create(
            {"name": "Store on Bluesky", "platform": "bluesky", "handle": "store.bsky.social"}
        )
        author = Profile("did:plc:fan", handle="fan.bsky.social", display_name="Bo Bluesky")
        [post] = self.Message._ingest(
            account, [Post("at://did:plc:fan/app.bsky.feed.post/1", "Thanks!", author=author)]
        )
        wizard = self.open_preview(post.conversation_id)
        self.assertEqual(wizard.send_as, "reply")
        self.assertIn("Bluesky sends no private messages", wizard.warning)
        self.assertIn("everyone sees the link", wizard.warning)

    def test_the_conversation_form_button_opens_the_preview(self):
        view = self.env.ref("social_crm.social_crm_conversation_view_form")
        self.assertIn('name="action_ask_consent_preview"', view.arch_db)
        self.assertNotIn('name="action_ask_consent"', view.arch_db)
        self.env.ref("social_crm.social_crm_consent_ask_wizard_view_form")  # it loads
