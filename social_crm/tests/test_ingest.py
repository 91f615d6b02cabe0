from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged

from ..connectors import Post, Profile
from ..connectors.testing import local_recording
from .common import SocialCrmCommon, x_recording


@tagged("post_install", "-at_install")
class TestIngest(SocialCrmCommon):
    def test_ingest_twice_gives_the_same_records(self):
        with self.replay() as session:
            session.add_recording(self.mentions(), times=2)
            self.stream._sync_batch()
            first = self.stream_posts()
            self.stream.cursor = False  # pull the very same page again
            self.stream._sync_batch()
        self.assertEqual(len(first), 10)
        self.assertEqual(self.stream_posts(), first)
        self.assertEqual(len(first.conversation_id), 10)
        # each post was written to its Discuss thread once, not twice
        conversation = first[0].conversation_id
        self.assertEqual(
            len(
                conversation.channel_id.message_ids.filtered(lambda m: m.message_type == "comment")
            ),
            1,
        )

    def test_crash_between_fetch_and_commit_loses_nothing(self):
        Message = type(self.Message)
        original = Message._ingest

        def ingest_then_crash(model, *args, **kwargs):
            original(model, *args, **kwargs)
            raise RuntimeError("worker killed")

        with self.replay() as session:
            session.add_recording(self.mentions(), times=2)
            with (
                patch.object(Message, "_ingest", ingest_then_crash),
                self.assertLogs("odoo.addons.social_crm.models.social_crm_stream", "ERROR"),
            ):
                self.stream._cron_sync()  # must not raise
            self.assertFalse(self.stream_posts(), "the crashed batch left posts behind")
            self.assertFalse(self.stream.cursor, "the cursor moved without its posts")
            self.assertIn("worker killed", self.stream.last_error_detail)
            self.assertNotIn("worker killed", self.stream.last_error)
            self.stream.next_sync_at = False
            self.stream._cron_sync()
        self.assertEqual(len(self.stream_posts()), 10)
        self.assertEqual(self.stream.cursor["pending_newest_id"], "1578516295611748353")
        self.assertFalse(self.stream.last_error)

    def test_cursor_moves_after_last_page_only(self):
        page1 = self.mentions()
        page2 = local_recording("x", "mentions_expanded.json")["pages"][1]
        with self.replay() as session:
            session.add_recording(page1)
            session.add(
                "GET",
                r"/2/users/783214/mentions",
                params={"pagination_token": page1["body"]["meta"]["next_token"]},
                body=page2["body"],
            )
            session.add(
                "GET",
                r"/2/users\?",
                body=local_recording("x", "mentions_expanded.json")["users_lookup"]["body"],
            )
            self.stream._sync_batch()
            self.assertEqual(self.stream.cursor["since_id"], None)
            self.assertLessEqual(
                self.stream.next_sync_at,
                datetime.now(),
                "a stream with another page waiting is due at once",
            )
            self.stream._sync_batch()
        self.assertEqual(
            self.stream.cursor,
            {"since_id": "1578516295611748353", "pending_newest_id": None, "next_token": None},
        )
        self.assertEqual(len(self.stream_posts()), 11)
        noor = self.stream_posts().filtered(lambda m: m.external_id == "1900000000000000001")
        self.assertEqual(noor.author_identity_id.handle, "noor_k")

    def test_rate_limit_keeps_cursor_and_retries_after_reset(self):
        self.stream.cursor = {"since_id": "1578000000000000000"}
        with self.replay() as session:
            session.add_recording(self.error("rate_limit_window"))
            self.stream._cron_sync()
            self.assertEqual(self.stream.cursor, {"since_id": "1578000000000000000"})
            self.assertEqual(self.stream.next_sync_at, datetime(2030, 1, 1))
            self.assertEqual(self.account.state, "error")
            self.assertIn("15-minute", self.account.error_message)
            # after the reset the same stream resumes from the same cursor
            session.add_recording(self.mentions())
            self.stream.next_sync_at = False
            self.stream._cron_sync()
        self.assertEqual(session.calls[1]["params"]["since_id"], "1578000000000000000")
        self.assertEqual(len(self.stream_posts()), 10)
        self.assertEqual(self.account.state, "connected")

    def test_monthly_cap_pauses_the_whole_account(self):
        other = self.env["social_crm.stream"].create(
            {"account_id": self.account.id, "kind": "keyword", "query": "tweepy"}
        )
        with self.replay() as session:
            session.add_recording(self.error("rate_limit_monthly"))
            self.stream._cron_sync()
        self.assertEqual(other.next_sync_at, self.stream.next_sync_at)
        self.assertEqual(self.stream.next_sync_at.day, 1)
        self.assertIn("monthly usage cap", self.account.error_message)

    def test_tier_403_in_plain_words_on_account_and_test_connection(self):
        with self.replay() as session:
            session.add_recording(self.error("forbidden_tier"))
            self.stream._cron_sync()
            self.assertIn("plan does not allow this", self.account.error_message)
            session.add_recording(self.x_me())
            session.add(
                "GET",
                r"/2/users/1072250532645998596/mentions",
                status=403,
                body=self.error("forbidden_tier")["body"],
            )
            action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("Basic plan or higher", action["params"]["message"])
        self.assertEqual(self.account.state, "error")

    def x_me(self):
        return x_recording("test_client_get_me")

    def test_test_connection_fills_in_the_account(self):
        with self.replay() as session:
            session.add_recording(self.x_me())
            session.add_recording(
                self.mentions(), url_pattern=r"/2/users/1072250532645998596/mentions"
            )
            action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(
            (self.account.state, self.account.handle, self.account.external_user_id),
            ("connected", "TweepyDev", "1072250532645998596"),
        )

    def test_same_post_caught_twice_in_one_company_is_stored_once(self):
        second = self.account.copy({"name": "Second account"})
        post = Post("777", "hello @store", author=Profile("9", handle="someone"))
        self.Message._ingest(self.account, [post])
        self.Message._ingest(second, [post])
        self.assertEqual(self.Message.search_count([("external_id", "=", "777")]), 1)
        company_b = self.env["res.company"].create({"name": "Other company"})
        other = self.account.copy({"name": "Other company account", "company_id": company_b.id})
        self.Message._ingest(other, [post])
        self.assertEqual(self.Message.search_count([("external_id", "=", "777")]), 2)

    def test_replies_join_their_conversation_and_reopen_it(self):
        customer = Profile("9", handle="someone", display_name="Some One", followers=12)
        root = Post("100", "My order is late", author=customer, posted_at=datetime(2026, 1, 1))
        self.Message._ingest(self.account, [root])
        conversation = self.Conversation.search([("conversation_key", "=", "100")])
        self.assertEqual(conversation.state, "new")
        ours = Post(
            "101",
            "Sorry! DM us",
            parent_external_id="100",
            conversation_key="whatever",
            posted_at=datetime(2026, 1, 1, 0, 30),
        )
        self.Message._ingest(self.account, [ours], direction="out")
        self.assertEqual(conversation.state, "replied")
        again = Post(
            "102",
            "Sent you a DM",
            author=customer,
            parent_external_id="101",
            posted_at=datetime(2026, 1, 1, 1),
        )
        self.Message._ingest(self.account, [again])
        posts = self.Message.search([("conversation_id", "=", conversation.id)])
        self.assertEqual(posts.mapped("external_id"), ["102", "101", "100"])
        self.assertEqual(conversation.state, "open")
        self.assertEqual(posts[0].parent_id.external_id, "101")
        identity = conversation.identity_id
        self.assertEqual((identity.handle, identity.followers_count), ("someone", 12))
        # a later post refreshes the profile, never duplicates the identity
        self.Message._ingest(
            self.account,
            [
                Post(
                    "103",
                    "hi",
                    author=Profile("9", handle="someone", display_name="Some One", followers=40),
                )
            ],
        )
        self.assertEqual(identity.followers_count, 40)
        self.assertEqual(
            self.env["social_crm.identity"].search_count(
                [("platform", "=", "x"), ("user_id", "=", "9")]
            ),
            1,
        )

    def test_script_post_is_stored_and_logged_as_plain_text(self):
        text = "<script>alert('x')</script><b>bold</b> " + "a" * 1961
        self.assertGreaterEqual(len(text), 2000)
        [message] = self.Message._ingest(self.account, [Post("666", text)])
        self.assertEqual(message.text, text)
        body = str(message.conversation_id.channel_id.message_ids[0].body)
        self.assertNotIn("<script>", body)
        self.assertIn("&lt;script&gt;", body)
        self.assertNotIn("<b>", body)

    def test_demo_connector_uses_the_same_path(self):
        # its own company: the module's demo data may hold the first demo posts
        company = self.env["res.company"].create({"name": "Hollandia test"})
        demo = self.env["social_crm.account"].create(
            {
                "name": "Demo",
                "platform": "demo",
                "company_id": company.id,
                "external_user_id": "demo-hollandia",
            }
        )
        stream = self.env["social_crm.stream"].create(
            {"account_id": demo.id, "kind": "mention", "page_size": 16}
        )
        partner = self.env["res.partner"].create({"name": "B. Oboema", "ref": "5234"})
        Identity = self.env["social_crm.identity"]
        identity = Identity.search([("platform", "=", "demo"), ("user_id", "=", "demo-yesican")])
        identity = identity or Identity.create(
            {"platform": "demo", "user_id": "demo-yesican", "handle": "yesican"}
        )
        identity.with_company(company).partner_id = partner  # the link is per company
        stream._sync_batch()
        posts = self.stream_posts(stream)
        self.assertEqual(len(posts), 16)
        self.assertEqual(set(posts.mapped("lang")), {"nl", "en"})
        known = posts.filtered(lambda m: m.partner_id == partner)
        self.assertEqual(known.mapped("external_id"), ["demo-1009", "demo-1001"])
        self.assertEqual(len(known.conversation_id), 1, "the follow-up joins the first post")
        self.assertEqual(known.conversation_id.partner_id, partner)
        self.assertIn(
            known.conversation_id, self.Conversation.search([("partner_id", "=", partner.id)])
        )


@tagged("post_install", "-at_install")
class TestScheduledAction(SocialCrmCommon):
    def setUp(self):
        super().setUp()
        self.cron = self.env.ref("social_crm.ir_cron_social_crm_sync")
        # only our stream is due (the module's demo stream may be too)
        self.env["social_crm.stream"].search([("id", "!=", self.stream.id)]).active = False

    def test_progress_is_reported_batch_by_batch(self):
        cron, progress = self.cron._add_progress()
        page1 = self.mentions()
        with self.replay() as session:
            session.add_recording(page1)
            self.env["social_crm.stream"].with_context(**cron.env.context)._cron_sync()
        # page 1 had a next_token: the stream is due again, so work remains
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertTrue(self.stream.cursor["next_token"])

    def test_platform_errors_do_not_fail_the_cron(self):
        with self.replay() as session:
            session.add_recording(self.error("server_error"))
            self.cron.method_direct_trigger()
        self.assertTrue(self.cron.active)
        self.assertIn("server error (503)", self.account.error_message)
        self.assertFalse(self.stream.cursor)
        self.assertGreater(self.stream.next_sync_at, self.stream.write_date)


@tagged("post_install", "-at_install")
class TestClassification(SocialCrmCommon):
    def test_incoming_posts_are_classified_ours_are_not(self):
        author = Profile("9", handle="someone")
        complaint, praise = self.Message._ingest(
            self.account,
            [
                Post(
                    "k1",
                    "Mijn koelkast is nog steeds kapot, dit is echt niet normaal 😡",
                    author=author,
                    posted_at=datetime(2026, 1, 1),
                ),
                Post(
                    "k2",
                    "Thanks, love the new store!",
                    author=author,
                    posted_at=datetime(2026, 1, 2),
                ),
            ],
        )
        self.assertEqual(
            (complaint.lang, complaint.sentiment, complaint.intent), ("nl", "negative", "complaint")
        )
        self.assertLess(complaint.sentiment_score, 0)
        self.assertEqual(
            (praise.lang, praise.sentiment, praise.intent), ("en", "positive", "praise")
        )
        [ours] = self.Message._ingest(self.account, [Post("k3", "Sorry to hear!")], direction="out")
        self.assertFalse(ours.sentiment)
