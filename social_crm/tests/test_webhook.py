import hashlib
import hmac
import json
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import meta
from ..connectors.testing import ReplaySession, local_recording, recorded_path
from .test_popup import pushed

URL = "/social_crm/webhook/meta"


def shared_body(name):
    """The raw bytes of a real Meta webhook body (bundled, as delivered)."""
    return recorded_path("meta", "webhooks", name).read_bytes()


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@tagged("post_install", "-at_install")
class TestMetaWebhook(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["social_crm.account"]
        # page ids as in the recorded deliveries
        cls.page = Account.create(
            {
                "name": "Store on Facebook",
                "platform": "facebook",
                "external_user_id": "12345654332",
                "meta_app_secret": "app-secret-a",
                "meta_verify_token": "verify-me",
            }
        )
        cls.other_page = Account.create(
            {
                "name": "Other page",
                "platform": "facebook",
                "external_user_id": "1234567890321",
                "meta_app_secret": "app-secret-b",
            }
        )
        cls.Event = cls.env["social_crm.webhook.event"]
        cls.Message = cls.env["social_crm.message"]

    def body(self, name):
        return shared_body(name)

    def deliver(self, raw, signature):
        return self.url_open(
            URL,
            data=raw,
            headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"},
        )

    def test_subscription_handshake(self):
        ok = self.url_open(
            f"{URL}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"
        )
        self.assertEqual((ok.status_code, ok.text), (200, "1158201444"))
        bad = self.url_open(f"{URL}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
        self.assertEqual(bad.status_code, 403)

    def test_unsigned_or_badly_signed_deliveries_store_nothing(self):
        raw = self.body("messaging-message-basic.json")
        for signature in ("", "sha256=" + "0" * 64, sign("app-secret-x", raw), "sha1=abc"):
            response = self.deliver(raw, signature)
            self.assertEqual(response.status_code, 403, signature)
        # signed over other bytes than those delivered (a re-serialised body)
        response = self.deliver(raw + b" ", sign("app-secret-a", raw))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.Event.search([]))

    def test_a_signed_dm_is_stored_first_then_processed_into_the_inbox(self):
        raw = self.body("messaging-message-basic.json")
        response = self.deliver(raw, sign("app-secret-a", raw))
        self.assertEqual((response.status_code, response.text), (200, "EVENT_RECEIVED"))
        event = self.Event.search([])
        self.assertEqual((event.state, event.account_ids), ("pending", self.page))
        self.assertEqual(event.body.encode(), raw)
        self.Event._cron_process()
        self.assertEqual((event.state, event.message_count), ("done", 1))
        self.assertFalse(event.body, "the raw body (personal data) is dropped once stored")
        message = self.Message.search([("account_id", "=", self.page.id)])
        self.assertEqual(message.text, "hello, world!")
        self.assertEqual(message.author_identity_id.user_id, "987654321432")
        self.assertEqual(message.conversation_id.state, "new")
        # Meta retries deliveries: the same one again stores nothing new
        self.deliver(raw, sign("app-secret-a", raw))
        self.Event._cron_process()
        self.assertEqual(self.Message.search_count([("account_id", "=", self.page.id)]), 1)

    def test_a_like_makes_a_fan(self):
        raw = self.body("feed-like-add-25.json")
        self.assertEqual(self.deliver(raw, sign("app-secret-b", raw)).status_code, 200)
        self.Event._cron_process()
        identity = self.env["social_crm.identity"].search(
            [("platform", "=", "facebook"), ("user_id", "=", "909653922461664")]
        )
        self.assertEqual(identity.funnel_stage, "follower")
        self.assertEqual(identity.funnel_event_ids.source, "reaction")
        self.assertEqual(identity.funnel_event_ids.company_id, self.other_page.company_id)

    def test_our_own_comment_is_stored_as_outgoing(self):
        # in this recording the page itself comments on its post
        raw = self.body("feed-comment-add-25.json")
        self.deliver(raw, sign("app-secret-b", raw))
        self.Event._cron_process()
        message = self.Message.search([("account_id", "=", self.other_page.id)])
        self.assertEqual((message.text, message.direction), ("and the next one", "out"))

    def test_a_failing_delivery_keeps_its_body_and_is_retried(self):
        raw = self.body("messaging-message-basic.json")
        self.deliver(raw, sign("app-secret-a", raw))
        event = self.Event.search([])
        with (
            patch.object(meta, "parse_webhook", side_effect=RuntimeError("parser bug")),
            self.assertLogs("odoo.addons.social_crm.models.social_crm_webhook_event", "ERROR"),
        ):
            self.Event._cron_process()  # must not raise
        self.assertEqual((event.state, event.attempts), ("failed", 1))
        self.assertIn("parser bug", event.error_detail)
        self.assertNotIn("parser bug", event.error)
        self.assertEqual(event.body.encode(), raw, "nothing is lost")
        self.assertFalse(self.Message.search([("account_id", "=", self.page.id)]))
        event.next_attempt_at = False
        self.Event._cron_process()
        self.assertEqual(event.state, "done")
        self.assertEqual(self.Message.search_count([("account_id", "=", self.page.id)]), 1)

    def test_a_dm_is_answered_through_the_messenger_send_api(self):
        raw = self.body("messaging-message-basic.json")
        self.deliver(raw, sign("app-secret-a", raw))
        self.Event._cron_process()
        conversation = self.Message.search([("account_id", "=", self.page.id)]).conversation_id
        self.assertEqual(conversation.conversation_key, "dm:987654321432")
        session = ReplaySession()
        exchange = dict(local_recording("meta", "graph.json")["dm_reply"])
        session.add_recording(exchange, url_pattern=r"/v21\.0/12345654332/messages")
        Account = type(self.env["social_crm.account"])
        self.page.sudo().meta_page_access_token = "page-token"
        conversation.reply_draft = "Hi! How can we help?"
        # the recorded message is old: answer within Meta's 24-hour window
        written = max(conversation.post_ids.mapped("posted_at"))
        with (
            freeze_time(written + timedelta(minutes=5)),
            patch.object(Account, "_connector_session", lambda self: session),
        ):
            conversation.action_send_reply()
        [call] = session.calls
        self.assertEqual(call["method"], "POST")
        self.assertIn(b'"id": "987654321432"', call["body"] or b"")
        reply = conversation.post_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(reply.text, "Hi! How can we help?")
        self.assertEqual(conversation.state, "replied")

    def test_a_known_customer_writing_by_webhook_pops_up(self):
        agent = new_test_user(
            self.env, login="meta_agent", groups="social_crm.group_social_crm_agent"
        )
        customer = self.env["res.partner"].create({"name": "Mira Messenger", "ref": "7001"})
        self.env["social_crm.identity"].create(
            {"platform": "facebook", "user_id": "987654321432", "partner_id": customer.id}
        )
        self.env["bus.bus"].sudo().search([]).unlink()
        raw = self.body("messaging-message-basic.json")
        self.deliver(raw, sign("app-secret-a", raw))
        self.Event._cron_process()
        notes = pushed(self.env, "social_crm/customer_post")
        self.assertIn(agent.partner_id.id, notes)
        self.assertIn("Mira Messenger (customer 7001) on Facebook", str(notes[agent.partner_id.id]))

    def test_a_comment_on_our_page_makes_a_fan(self):
        body = json.loads(self.body("feed-comment-add-211.json"))
        body["entry"][0]["changes"][0]["value"]["from"] = {"id": "55501", "name": "Cora Comment"}
        raw = json.dumps(body).encode()
        self.deliver(raw, sign("app-secret-b", raw))
        self.Event._cron_process()
        message = self.Message.search([("account_id", "=", self.other_page.id)])
        self.assertEqual(message.direction, "in")
        identity = message.author_identity_id
        self.assertEqual((identity.user_id, identity.funnel_stage), ("55501", "follower"))
        self.assertEqual(identity.funnel_event_ids.message_id, message)
