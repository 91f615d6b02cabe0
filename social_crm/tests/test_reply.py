import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..connectors import Post, Profile
from .common import SocialCrmCommon, x_recording


@tagged("post_install", "-at_install")
class TestReply(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = Profile("42", handle="annoyed_anna", display_name="Anna de Boer")
        [cls.post] = cls.Message._ingest(
            cls.account,
            [Post("1578516295611748353", "@Twitter respond to my ticket", author=customer)],
        )
        cls.conversation = cls.post.conversation_id

    def test_reply_goes_out_through_the_connector_and_is_recorded(self):
        create = x_recording("test_client_create_and_delete_tweet")
        conversation = self.conversation.with_user(self.agent)
        conversation.reply_draft = "Test Tweet"
        with self.replay() as session:
            session.add_recording(create)
            conversation.action_send_reply()
        [call] = session.calls
        self.assertEqual(
            (call["method"], call["url"]), ("POST", "https://api.twitter.com/2/tweets")
        )
        self.assertTrue(
            call["headers"]["Authorization"].startswith("OAuth "), "replies use user-context OAuth"
        )
        self.assertEqual(
            json.loads(call["body"]),
            {"text": "Test Tweet", "reply": {"in_reply_to_tweet_id": "1578516295611748353"}},
        )
        reply = self.conversation.post_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(reply.external_id, "1456012973835788293")
        self.assertEqual(reply.parent_id, self.post)
        self.assertEqual(reply.user_id, self.agent)
        self.assertEqual(self.conversation.state, "replied")
        self.assertTrue(self.conversation.first_response_at)
        self.assertGreaterEqual(self.conversation.first_response_time, 0)
        self.assertFalse(self.conversation.reply_draft)
        self.assertEqual(self.conversation.user_id, self.agent)
        logged = self.conversation.channel_id.message_ids.filtered(
            lambda m: m.author_id == self.agent.partner_id
        )
        self.assertIn("Test Tweet", str(logged[0].body))

    def test_refused_reply_keeps_draft_and_state(self):
        conversation = self.conversation.with_user(self.agent)
        conversation.reply_draft = "Same again"
        with self.replay() as session:
            session.add_recording(self.error("reply_refused"))
            # our words and X's status; X's own text stays in the server log
            with self.assertRaisesRegex(UserError, r"403 Forbidden\).*\n.*draft is kept"):
                conversation.action_send_reply()
        self.assertEqual(self.conversation.reply_draft, "Same again")
        self.assertEqual(self.conversation.state, "new")
        self.assertFalse(self.conversation.post_ids.filtered(lambda m: m.direction == "out"))

    def test_empty_reply_is_refused_with_a_clear_error(self):
        with self.assertRaisesRegex(UserError, "Write a reply first"):
            self.conversation.with_user(self.agent).action_send_reply()

    def test_reply_template_fills_placeholders(self):
        template = self.env.ref("social_crm.reply_template_dm_en")
        text = template.with_user(self.agent)._render_for(self.conversation)
        self.assertIn("@annoyed_anna", text)
        self.assertTrue(text.endswith("^Ada"))
