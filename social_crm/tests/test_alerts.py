from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user

from ..connectors.base import Post, Profile
from .common import SocialCrmCommon

NOW = datetime(2026, 11, 23, 14, 30)


class TestAlerts(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = new_test_user(
            cls.env, login="sc_alert_lead", groups="social_crm.group_social_crm_manager"
        )
        cls.account.team_id = cls.env["crm.team"].create(
            {"name": "Webcare", "user_id": cls.lead.id}
        )
        cls.channel = cls.env.ref("social_crm.channel_social_crm_alerts")
        cls.Alert = cls.env["social_crm.alert"]

    def posts(self, prefix, count, at, text="When does the sale start?"):
        # the filler must read as neutral: these tests are about volume.
        # ("Where is my parcel?" reads as negative since the English layer's
        # piece block, and 14 of them in an hour are a negative spike too.)
        return [
            Post(f"{prefix}{i}", text, posted_at=at, author=Profile(f"{prefix}{i}"))
            for i in range(count)
        ]

    def channel_posts(self):
        return self.channel.message_ids.filtered(lambda m: m.message_type == "comment")

    def test_volume_spike_fires_once(self):
        before = len(self.channel_posts())
        # same hour last week: 3 posts; this hour: 12
        self.Message._ingest(
            self.account, self.posts("lw", 3, NOW - timedelta(days=7, minutes=20)), self.stream
        )
        self.Message._ingest(
            self.account, self.posts("now", 12, NOW - timedelta(minutes=20)), self.stream
        )
        with freeze_time(NOW):
            self.Alert._cron_detect_spikes()
            self.Alert._cron_detect_spikes()
        with freeze_time(NOW + timedelta(minutes=15)):
            self.Alert._cron_detect_spikes()
        alert = self.Alert.search([("stream_id", "=", self.stream.id), ("kind", "=", "volume")])
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.count, alert.baseline), (12, 3))
        self.assertEqual(len(self.channel_posts()) - before, 1)
        self.assertIn("12 posts in the last hour", self.channel_posts()[0].body)
        self.assertEqual(alert.activity_ids.user_id, self.lead)
        # managers are members of the alert channel
        self.assertIn(self.manager.partner_id, self.channel.channel_partner_ids)

    def test_no_spike_on_a_normal_hour_or_too_few_posts(self):
        self.Message._ingest(
            self.account, self.posts("base", 10, NOW - timedelta(days=7, minutes=10)), self.stream
        )
        self.Message._ingest(
            self.account, self.posts("cur", 14, NOW - timedelta(minutes=10)), self.stream
        )
        with freeze_time(NOW):
            self.Alert._cron_detect_spikes()
        self.assertFalse(self.Alert.search([("stream_id", "=", self.stream.id)]))

    def test_negative_spike(self):
        self.Message._ingest(
            self.account,
            self.posts("neg", 11, NOW - timedelta(minutes=5), "Terrible service, still broken!"),
            self.stream,
        )
        self.Message._ingest(
            self.account, self.posts("ok", 30, NOW - timedelta(days=7, minutes=5)), self.stream
        )
        with freeze_time(NOW):
            self.Alert._cron_detect_spikes()
        kinds = self.Alert.search([("stream_id", "=", self.stream.id)]).mapped("kind")
        self.assertEqual(kinds, ["negative"])

    def test_influencer_complaint_fires_once_per_post(self):
        before = len(self.channel_posts())
        famous = Profile("inf1", handle="bigvoice", followers=250_000)
        complaint = Post("inf-1", "Terrible service, my order is still not here!", author=famous)
        self.Message._ingest(self.account, [complaint], self.stream)
        self.Message._ingest(self.account, [complaint], self.stream)
        # a happy post from the same author raises nothing
        self.Message._ingest(
            self.account, [Post("inf-2", "Thanks, great help!", author=famous)], self.stream
        )
        # a complaint from a small account neither
        self.Message._ingest(
            self.account,
            [Post("inf-3", "Terrible service!", author=Profile("small", followers=40))],
            self.stream,
        )
        alert = self.Alert.search([("kind", "=", "influencer")])
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.followers, 250_000)
        self.assertEqual(alert.message_id.external_id, "inf-1")
        self.assertEqual(len(self.channel_posts()) - before, 1)
        self.assertEqual(len(alert.activity_ids), 1)

    def test_alert_text_is_never_html(self):
        famous = Profile("inf9", handle="loud", followers=99_999)
        evil = "<img src=x onerror=alert(1)> terrible service, still broken"
        self.Message._ingest(self.account, [Post("inf-9", evil, author=famous)], self.stream)
        body = self.channel_posts()[0].body
        self.assertNotIn("<img", body)
        self.assertIn("&lt;img", body)

    def test_report_medians_use_percentile_cont(self):
        account = self.env["social_crm.account"].create(
            {"name": "Report", "platform": "demo", "company_id": self.company.id}
        )
        start = datetime(2026, 10, 5, 10, 0)
        hours = [0.5, 2.0, 10.0, None]  # the last one is still waiting
        self.env["social_crm.conversation"].create(
            [
                {
                    "name": f"r{i}",
                    "conversation_key": f"report-{i}",
                    "platform": "demo",
                    "account_id": account.id,
                    "intent": "complaint",
                    "first_inbound_at": start,
                    "first_response_at": start + timedelta(hours=h) if h else False,
                    "sla_first_deadline": start + timedelta(hours=1),
                }
                for i, h in enumerate(hours)
            ]
        )
        self.env.flush_all()
        rows = self.env["social_crm.response.report"].search(
            [("month", "=", "2026-10-01"), ("level", "=", "detail"), ("platform", "=", "demo")]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.conversation_count, 4)
        self.assertEqual(rows.answered_count, 3)
        self.assertAlmostEqual(rows.median_first_response, 2.0)
        self.assertAlmostEqual(rows.p90_first_response, 8.4)
        # on time: 1 of 4 (the waiting one is past its deadline)
        self.assertAlmostEqual(rows.sla_compliance, 25.0)
        self.assertAlmostEqual(rows.complaints_within_hour, 25.0)
        total = self.env["social_crm.response.report"].search(
            [("month", "=", "2026-10-01"), ("level", "=", "total")]
        )
        self.assertEqual(total.conversation_count, 4)
        self.assertFalse(total.platform)
