"""Issue 11: the Meta webhook, alert text and the triage cron, attacked
through the doors an attacker (or Meta's own retries) uses."""

import json
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import meta
from ..connectors.base import Post, Profile
from ..models.social_crm_webhook_event import MAX_ATTEMPTS
from .common import SocialCrmCommon
from .test_webhook import URL, sign

PAGE = "555000111"
SECRET = "app-secret-sec"
LOGGER = "odoo.addons.social_crm.models.social_crm_webhook_event"
#: the largest delivery accepted (1 MiB)
MAX_BODY = 1024 * 1024


def like(user_id, post_id, at):
    return {
        "field": "feed",
        "value": {
            "item": "like",
            "verb": "add",
            "post_id": post_id,
            "sender_id": user_id,
            "sender_name": "Tester",
            "created_time": at,
        },
    }


def delivery(*changes, time=1450701319, **more):
    payload = {"object": "page", "entry": [{"id": PAGE, "time": time, "changes": list(changes)}]}
    return json.dumps(dict(payload, **more)).encode()


@tagged("post_install", "-at_install")
class TestWebhookSecurity(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page = cls.env["social_crm.account"].create(
            {
                "name": "Secure page",
                "platform": "facebook",
                "external_user_id": PAGE,
                "meta_app_secret": SECRET,
            }
        )
        cls.lead = new_test_user(
            cls.env, login="sc_wh_lead", groups="social_crm.group_social_crm_manager"
        )
        cls.page.team_id = cls.env["crm.team"].create({"name": "Hooks", "user_id": cls.lead.id})
        cls.Event = cls.env["social_crm.webhook.event"]
        cls.Identity = cls.env["social_crm.identity"]

    def deliver(self, raw):
        return self.url_open(
            URL,
            data=raw,
            headers={"X-Hub-Signature-256": sign(SECRET, raw), "Content-Type": "application/json"},
        )

    def identity(self, user_id):
        return self.Identity.search([("platform", "=", "facebook"), ("user_id", "=", user_id)])

    def test_a_body_over_one_mib_is_refused_unread(self):
        raw = delivery(pad="x" * MAX_BODY)
        self.assertGreater(len(raw), MAX_BODY)
        response = self.deliver(raw)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.Event.search([]))
        # a delivery of ordinary size still gets in
        self.assertEqual(self.deliver(delivery(like(42, "1_2", 1))).status_code, 200)

    def test_twenty_identical_signed_deliveries_store_one(self):
        raw = delivery(like(4242, f"{PAGE}_1", 1450701319))
        for _i in range(20):
            response = self.deliver(raw)
            self.assertEqual((response.status_code, response.text), (200, "EVENT_RECEIVED"))
        self.assertEqual(self.Event.search_count([]), 1)
        self.Event._cron_process()
        # still one after it was processed and its body dropped
        self.deliver(raw)
        self.assertEqual(self.Event.search_count([]), 1)

    def test_a_rebatched_event_is_processed_once(self):
        first = like(4242, f"{PAGE}_1", 1450701319)
        other = like(4343, f"{PAGE}_2", 1450701400)
        self.deliver(delivery(first))
        # Meta sends the same event again, batched with another, in another body
        self.deliver(delivery(other, first, time=1450701500))
        self.Event._cron_process()
        events = self.Event.search([], order="id")
        self.assertEqual(len(events), 2)
        self.assertEqual(events.mapped("reaction_count"), [1, 1])
        self.assertIn("already received in an earlier delivery", events[1].summary)
        self.assertTrue(self.identity("4343"))

    def test_a_reaction_after_erasure_recreates_no_one(self):
        raw = delivery(like(777, f"{PAGE}_1", 1450701319))
        self.deliver(raw)
        self.Event._cron_process()
        person = self.identity("777")
        self.assertTrue(person)
        person._erase_personal_data()
        self.assertFalse(self.identity("777"))
        # the same delivery replayed, and a late reaction of theirs
        self.deliver(raw)
        self.deliver(delivery(like(777, f"{PAGE}_9", 1450701300)))
        # a comment they wrote is stored, without bringing their identity back
        comment = {
            "item": "comment",
            "verb": "add",
            "comment_id": f"{PAGE}_1_77",
            "post_id": f"{PAGE}_1",
            "from": {"id": "777", "name": "Tester"},
            "message": "hello again",
            "created_time": 1450701400,
        }
        self.deliver(delivery({"field": "feed", "value": comment}))
        self.Event._cron_process()
        self.assertFalse(self.identity("777"), "an erased person is not recreated")
        post = self.env["social_crm.message"].search([("external_id", "=", f"{PAGE}_1_77")])
        self.assertEqual((post.text, post.author_identity_id.id), ("hello again", False))
        tombs = self.env["social_crm.erased.user"].search([])
        self.assertTrue(tombs)
        self.assertNotIn("777", tombs.mapped("user_hash"), "only a keyed hash is kept")

    def test_a_delivery_failing_after_its_retries_is_dropped_with_an_alert(self):
        self.deliver(delivery(like(4242, f"{PAGE}_1", 1450701319)))
        event = self.Event.search([])
        with (
            patch.object(meta, "parse_webhook", side_effect=RuntimeError("parser bug")),
            self.assertLogs(LOGGER, "ERROR"),
        ):
            for _i in range(MAX_ATTEMPTS + 1):
                event.next_attempt_at = False
                self.Event._cron_process()
        self.assertEqual(event.attempts, MAX_ATTEMPTS)
        self.assertEqual(event.state, "dropped")
        self.assertFalse(event.body, "the body (personal data) is gone")
        alert = self.env["social_crm.alert"].search([("key", "=", f"webhook:{event.id}")])
        self.assertEqual(alert.kind, "webhook")
        self.assertIn("dropped", alert.name)
        self.assertEqual(alert.activity_ids.user_id, self.lead)
        # never tried again
        self.Event._cron_process()
        self.assertEqual(event.attempts, MAX_ATTEMPTS)


class TestAlertNoteSecurity(SocialCrmCommon):
    def test_alert_activity_note_shows_post_markup_escaped(self):
        lead = new_test_user(
            self.env, login="sc_note_lead", groups="social_crm.group_social_crm_manager"
        )
        self.account.team_id = self.env["crm.team"].create({"name": "Notes", "user_id": lead.id})
        famous = Profile("inf-html", handle="loud", followers=500_000)
        evil = "<b>bold</b> <script>alert(1)</script> terrible service, still broken!"
        self.Message._ingest(self.account, [Post("inf-html-1", evil, author=famous)], self.stream)
        alert = self.env["social_crm.alert"].search([("key", "like", "influencer:%")])
        self.assertEqual(len(alert.activity_ids), 1)
        note = str(alert.activity_ids.note)
        self.assertNotIn("<b>", note)
        self.assertNotIn("<script", note)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", note)
        self.assertIn("&lt;script&gt;", note)


class TestTriageCronBatches(SocialCrmCommon):
    def test_cron_triage_handles_one_batch_per_call_and_reports_what_remains(self):
        for i in range(5):
            self.Message._ingest(
                self.account,
                [Post(f"tb{i}", "Where is my parcel?", author=Profile(f"tbu{i}"))],
                self.stream,
            )
        Conversation = self.Conversation
        total = Conversation.search_count(Conversation._open_domain())
        self.assertGreaterEqual(total, 5)
        cron = self.env.ref("social_crm.ir_cron_social_crm_triage")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        done = 0
        for call in range(total):
            cron, progress = cron._add_progress()
            Conversation.with_context(ir_cron_progress_id=progress.id)._cron_triage(batch_size=2)
            self.assertEqual(progress.done, min(2, total - done), f"call {call}")
            done += progress.done
            self.assertEqual(progress.remaining, total - done, f"call {call}")
            if not progress.remaining:
                break
            if call == 0:
                # more is left: the cron is called again soon
                self.assertGreater(Trigger.search_count([("cron_id", "=", cron.id)]), triggers)
        self.assertEqual(done, total)
        # the pass is through: the next call starts again from the first
        cron, progress = cron._add_progress()
        Conversation.with_context(ir_cron_progress_id=progress.id)._cron_triage(batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (2, total - 2))
