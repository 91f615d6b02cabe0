"""Spread tracking in Odoo: which posts are watched, the batched readings
(replayed X lookups), the velocity on the post and its conversation, the
"spreading complaint" alert (once), the per-account budget, the stream's
own pulls first, rate limits, erasure and the write guard."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors.base import Post, Profile
from ..connectors.testing import local_recording
from .common import RpcAttack, SocialCrmCommon

NOW = datetime(2026, 11, 23, 14, 0)
COMPLAINT = "My order never arrived and nobody answers. Worst service ever, I want a refund!"
PRAISE = "Lovely shop, thanks for the help!"
TWEETS = r"^https://api\.twitter\.com/2/tweets(\?|$)"


def lookup(*rows):
    """An X ``GET /2/tweets`` answer (the documented shape of the
    self-written ``x/metrics.json``) with ``(id, retweets, likes)`` rows."""
    body = {
        "data": [
            {
                "id": tweet_id,
                "text": "...",
                "edit_history_tweet_ids": [tweet_id],
                "public_metrics": {
                    "retweet_count": retweets,
                    "reply_count": 0,
                    "like_count": likes,
                    "quote_count": 0,
                },
            }
            for tweet_id, retweets, likes in rows
        ]
    }
    return body


class SpreadCase(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.social_crm_spread_velocity = 60.0
        cls.company.social_crm_influencer_followers = 10000
        # the stream is not behind: its next pull is in the future
        cls.stream.next_sync_at = NOW + timedelta(days=30)
        cls.Alert = cls.env["social_crm.alert"]
        cls.channel = cls.env.ref("social_crm.channel_social_crm_alerts")

    def ingest(self, external_id, text=COMPLAINT, followers=50, at=NOW, author=None):
        author = Profile(author or f"u{external_id}", handle=f"h{external_id}", followers=followers)
        post = Post(external_id, text, posted_at=at, author=author)
        with freeze_time(NOW):
            return self.Message._ingest(self.account, [post], self.stream)

    def track(self, at, session=None):
        with freeze_time(at):
            self.Message._cron_track_spread()

    def spreading_alerts(self):
        return self.Alert.search([("kind", "=", "spreading")])


class TestSpreadTracking(SpreadCase):
    def test_which_posts_are_watched(self):
        complaint = self.ingest("101")
        praise = self.ingest("102", text=PRAISE)
        star = self.ingest("103", text=PRAISE, followers=25000)
        private = self.ingest("dm:104")
        self.assertEqual(complaint.intent, "complaint")
        self.assertTrue(complaint.spread_tracked)
        # the first reading 10 minutes after posting
        self.assertEqual(complaint.spread_next_at, NOW + timedelta(minutes=10))
        self.assertFalse(praise.spread_tracked or praise.spread_next_at)
        self.assertTrue(star.spread_tracked)
        self.assertFalse(private.spread_tracked)
        # a post older than a day has travelled already
        old = self.ingest("105", at=NOW - timedelta(days=2))
        self.assertFalse(old.spread_tracked)

    def test_readings_velocity_and_the_alert_fire_once(self):
        complaint = self.ingest("201")
        star = self.ingest("202", text=PRAISE, followers=25000)
        before = len(self.channel.message_ids)
        with self.replay() as session:
            # 10 minutes: complaint 20 retweets + 10 likes = 70 weighted -> 420/h
            session.add("GET", TWEETS, body=lookup(("201", 20, 10), ("202", 50, 100)))
            self.track(NOW + timedelta(minutes=10))
            # 20 minutes: still growing; the alert is not raised again
            session.add("GET", TWEETS, body=lookup(("201", 40, 20), ("202", 60, 100)))
            self.track(NOW + timedelta(minutes=20))
        self.assertEqual(len(session.calls), 2)
        # one batched lookup of both posts, asking public_metrics
        self.assertEqual(session.calls[0]["params"]["ids"].split(","), ["201", "202"])
        self.assertEqual(session.calls[0]["params"]["tweet.fields"], "public_metrics")
        self.assertEqual(complaint.spread_series, [[10, 20, 0, 10, 0], [20, 40, 0, 20, 0]])
        self.assertEqual(complaint.spread_velocity, 420.0)  # +70 in 10 minutes
        self.assertEqual(complaint.spread_next_at, NOW + timedelta(minutes=40))
        conversation = complaint.conversation_id
        self.assertEqual(conversation.spread_velocity, 420.0)
        self.assertEqual(conversation.spread_sparkline, [[0, 0.0], [10, 70.0], [20, 140.0]])
        alert = self.spreading_alerts()
        self.assertEqual(len(alert), 1, "raised once, not twice")
        self.assertEqual((alert.message_id, alert.conversation_id), (complaint, conversation))
        self.assertEqual(alert.velocity, 420.0)
        self.assertIn("Spreading complaint", alert.name)
        self.assertEqual(len(self.channel.message_ids) - before, 1)
        # the large account's praise spreads faster, but is no complaint
        self.assertGreater(star.spread_velocity, 60)
        self.assertFalse(self.Alert.search([("message_id", "=", star.id)]))

    def test_no_alert_below_the_threshold_and_none_when_off(self):
        slow = self.ingest("301")
        with self.replay() as session:
            session.add("GET", TWEETS, body=lookup(("301", 1, 2)))  # 5 weighted -> 30/h
            self.track(NOW + timedelta(minutes=10))
        self.assertEqual(slow.spread_velocity, 30.0)
        self.assertFalse(self.spreading_alerts())
        self.company.social_crm_spread_velocity = 0.0
        with self.replay() as session:
            session.add("GET", TWEETS, body=lookup(("301", 100, 200)))
            self.track(NOW + timedelta(minutes=20))
        self.assertGreater(slow.spread_velocity, 1000)
        self.assertFalse(self.spreading_alerts())

    def test_schedule_stops_after_a_day_and_deleted_posts_stop(self):
        gone = self.ingest("401")
        kept = self.ingest("402")
        with self.replay() as session:
            session.add("GET", TWEETS, body=lookup(("402", 0, 1)))  # 401 deleted: absent
            self.track(NOW + timedelta(minutes=10))
        self.assertFalse(gone.spread_next_at)
        self.assertEqual(kept.spread_next_at, NOW + timedelta(minutes=20))
        # the last reading, 1280 minutes in, schedules nothing more
        with self.replay() as session:
            session.add("GET", TWEETS, body=lookup(("402", 0, 2)))
            self.track(NOW + timedelta(minutes=1280))
        self.assertFalse(kept.spread_next_at)
        self.assertEqual(len(kept.spread_series), 2)

    def test_budget_is_respected_and_shown(self):
        posts = self.ingest("501") | self.ingest("502") | self.ingest("503")
        # X's default leaves most of the plan's post cap to the streams
        self.assertEqual(self.account.spread_budget, 100)
        self.account.spread_budget = 2  # X bills each post looked up
        with self.replay() as session:
            session.add("GET", TWEETS, body=lookup(("501", 1, 0), ("502", 1, 0)))
            self.track(NOW + timedelta(minutes=10))
            # the cron runs again at once while readings remain: no budget left
            self.track(NOW + timedelta(minutes=10))
        (call,) = session.calls
        self.assertEqual(len(call["params"]["ids"].split(",")), 2)
        self.assertEqual(self.account.spread_used, 2)
        # the third post's reading was skipped for budget, and the account says so
        self.assertEqual(self.account.spread_skipped, 1)
        self.assertEqual(self.account.spread_skipped_at, NOW + timedelta(minutes=10))
        third = posts.filtered(lambda m: not m.spread_series)
        self.assertEqual(len(third), 1)
        self.assertEqual(third.spread_next_at, NOW + timedelta(minutes=20))
        # a new UTC day brings a new budget
        with self.replay() as session:
            session.add("GET", TWEETS, body=lookup(("501", 2, 0), ("502", 2, 0)))
            self.track(NOW + timedelta(hours=11))
        self.assertEqual(len(session.calls), 1)
        self.assertEqual(self.account.spread_used, 2)
        self.assertEqual(self.account.spread_day, (NOW + timedelta(hours=11)).date())

    def test_the_stream_pulls_first(self):
        post = self.ingest("601")
        self.stream.next_sync_at = NOW + timedelta(minutes=5)  # due at the reading
        with self.replay() as session:
            self.track(NOW + timedelta(minutes=10))
        self.assertFalse(session.calls)
        self.assertEqual(post.spread_next_at, NOW + timedelta(minutes=10))
        self.stream.next_sync_at = NOW + timedelta(minutes=15)  # pulled
        with self.replay() as session:
            session.add("GET", TWEETS, body=lookup(("601", 0, 1)))
            self.track(NOW + timedelta(minutes=11))
        self.assertEqual(len(session.calls), 1)
        self.assertTrue(post.spread_series)

    def test_rate_limit_keeps_the_readings_and_pauses(self):
        post = self.ingest("701")
        limited = local_recording("x", "metrics.json")["rate_limited"]
        with self.replay() as session:
            session.add_recording(limited, url_pattern=TWEETS)
            self.track(NOW + timedelta(minutes=10))  # never raises
        self.assertEqual(post.spread_next_at, NOW + timedelta(minutes=10))
        self.assertFalse(post.spread_series)
        self.assertTrue(self.account.spread_error)
        self.assertGreater(self.account.spread_retry_at, NOW + timedelta(minutes=10))
        self.assertEqual(self.account.spread_used, 0)
        # paused: no call before the reset
        with self.replay() as session:
            self.track(NOW + timedelta(minutes=11))
        self.assertFalse(session.calls)
        cron = self.env.ref("social_crm.ir_cron_social_crm_spread")
        self.assertTrue(cron.active)

    def test_erasure_removes_the_series_with_the_post(self):
        post = self.ingest("801", author="erase-me")
        with self.replay() as session:
            session.add("GET", TWEETS, body=lookup(("801", 30, 10)))
            self.track(NOW + timedelta(minutes=10))
        self.assertTrue(post.spread_series and post.spread_velocity)
        self.assertTrue(self.spreading_alerts())
        # the export holds the readings with the post
        [exported] = post.author_identity_id._personal_data()[0]["posts"]
        self.assertEqual(exported["spread"]["readings"], [[10, 30, 0, 10, 0]])
        post.author_identity_id.with_user(self.manager).action_erase()
        self.assertTrue(post.erased)
        self.assertFalse(post.spread_series)
        self.assertFalse(post.spread_velocity or post.spread_next_at or post.spread_tracked)
        self.assertEqual(post.conversation_id.spread_velocity, 0.0)
        self.assertFalse(post.conversation_id.spread_sparkline)
        # the alert's text went with it (blanked by the existing erasure path)
        self.assertEqual(self.spreading_alerts().name, "[erased]")


@tagged("post_install", "-at_install")
class TestSpreadGuard(RpcAttack, HttpCase):
    def test_agents_cannot_forge_the_spread(self):
        agent = new_test_user(
            self.env, login="sc_spread_agent", groups="social_crm.group_social_crm_agent"
        )
        account = self.env["social_crm.account"].create(
            {"name": "Guard X", "platform": "x", "x_bearer_token": "t"}
        )
        post = self.env["social_crm.message"]._ingest(
            account, [Post("901", COMPLAINT, posted_at=NOW, author=Profile("u901"))]
        )
        for model, record, vals in (
            ("social_crm.message", post, {"spread_velocity": 9999}),
            ("social_crm.message", post, {"spread_series": [[1, 99, 0, 0, 0]]}),
            ("social_crm.conversation", post.conversation_id, {"spread_velocity": 9999}),
        ):
            with self.assertRpcRefused("AccessError"):
                self.rpc(agent, model, "write", [record.id], vals)
        with self.assertRaises(AccessError):
            post.with_user(agent).write({"spread_next_at": NOW})


@tagged("post_install", "-at_install")
class TestSpreadTours(HttpCase):
    """The sparkline in Discuss and on the conversation; the inbox sorts by
    spread (browser tours)."""

    def test_sparkline_in_discuss_form_and_inbox_sort(self):
        agent = new_test_user(
            self.env,
            login="spread_tour",
            name="Sam Spread",
            groups="social_crm.group_social_crm_agent",
        )
        account = self.env["social_crm.account"].create(
            {"name": "Spread tour", "platform": "demo", "external_user_id": "demo-spread"}
        )
        Message = self.env["social_crm.message"]
        calm, hot = (
            Message._ingest(account, [Post(key, text, author=Profile(f"demo-{key}"))])
            for key, text in (
                ("spread-calm", "A calm question about opening hours?"),
                ("spread-hot", "Spreading parcel complaint: never arrived, refund now!"),
            )
        )
        # two readings, as the cron stores them (10 and 20 minutes in)
        hot.sudo().write(
            {
                "spread_series": [[10, 20, 0, 10, 0], [20, 40, 0, 20, 0]],
                "spread_velocity": 420.0,
            }
        )
        (calm | hot).conversation_id.write({"user_id": agent.id})
        conversation = hot.conversation_id
        self.assertEqual(conversation.spread_velocity, 420.0)
        self.start_tour("/odoo/discuss", "social_crm_spread_discuss_tour", login="spread_tour")
        self.start_tour(
            f"/odoo/social-inbox/{conversation.id}",
            "social_crm_spread_form_tour",
            login="spread_tour",
        )
        self.start_tour(
            "/odoo/social-inbox?view_type=list", "social_crm_spread_inbox_tour", login="spread_tour"
        )
