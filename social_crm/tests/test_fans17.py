"""Fans are followers: Facebook and Instagram people who interact with our
accounts become follower rows of kind "fan", counted in the followers report,
and drop out after the company's number of silent months. Deliveries are the
real Meta webhook bodies bundled in fixtures/recorded/meta (RestFB, MIT)."""

import json
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from ..connectors.testing import recorded_path
from .test_webhook import URL, sign

#: the time of the recorded likes (feed-like-add-25.json, 1450701319)
LIKED_AT = datetime(2015, 12, 21, 12, 35, 19)


def recorded(*parts):
    return recorded_path("meta", *parts).read_bytes()


@tagged("post_install", "-at_install")
class TestFans17(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["social_crm.account"]
        # the page and Instagram account ids of the recorded deliveries
        cls.page = Account.create(
            {
                "name": "Reisbureau on Facebook",
                "platform": "facebook",
                "external_user_id": "1234567890321",
                "meta_app_secret": "fans-secret-fb",
            }
        )
        cls.insta = Account.create(
            {
                "name": "Reisbureau on Instagram",
                "platform": "instagram",
                "external_user_id": "0",
                "meta_app_secret": "fans-secret-ig",
            }
        )
        cls.company = cls.page.company_id
        cls.Event = cls.env["social_crm.webhook.event"]
        cls.Follower = cls.env["social_crm.follower"]
        cls.Report = cls.env["social_crm.follower.report"]
        # the liker of the recordings is a known customer of ours
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tess Tester", "ref": "17017", "customer_rank": 2}
        )
        cls.tester = cls.env["social_crm.identity"].create(
            {"platform": "facebook", "user_id": "909653922461664", "partner_id": cls.customer.id}
        )

    def deliver(self, raw, secret="fans-secret-fb"):
        response = self.url_open(
            URL,
            data=raw,
            headers={"X-Hub-Signature-256": sign(secret, raw), "Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)

    def process(self, *names):
        for name in names:
            self.deliver(recorded("webhooks", name))
        self.Event._cron_process()

    def fans(self, account):
        return self.Follower.search([("account_id", "=", account.id)])

    def report(self, account):
        self.env.invalidate_all()
        return self.Report.search([("account_id", "=", account.id)])

    def test_facebook_fans_are_counted_in_the_report_and_matched_to_customers(self):
        self.assertEqual(self.report(self.page).follower_count, 0)
        self.process(
            "feed-like-add-25.json",  # the customer likes a post...
            "feed-like-add-comment-25.json",  # ...and a comment: still one fan
            "feed-like-add-page-25.json",  # someone likes the page itself
            "ratings-reaction-add.json",  # someone reacts to a review
            "feed-reaction-add.json",  # the page reacting itself: no fan
        )
        fans = self.fans(self.page)
        self.assertEqual(len(fans), 3)
        self.assertEqual(set(fans.mapped("kind")), {"fan"})
        self.assertEqual(
            sorted(fans.identity_id.mapped("user_id")),
            ["10201978818232600", "705955836155788", "909653922461664"],
        )
        tess = fans.filtered(lambda f: f.identity_id == self.tester)
        self.assertEqual((tess.partner_id, tess.is_customer), (self.customer, True))
        self.assertEqual(tess.last_interaction_at, LIKED_AT)
        # "Followers who are customers" (its action's filter)
        self.assertEqual(
            self.Follower.search([("account_id", "=", self.page.id), ("is_customer", "=", True)]),
            tess,
        )
        row = self.report(self.page)
        self.assertEqual(
            (row.follower_count, row.fan_count, row.known_count, row.customer_follower_count),
            (3, 3, 1, 1),
        )
        self.assertEqual((row.customer_fan_count, row.customers_following), (1, 1))
        self.assertTrue(self.customer.social_crm_follows_us, "not in 'Customers not following'")
        self.assertAlmostEqual(row.customer_share, 100 / 3, places=2)
        # a later comment by the same person: the same row, its date moves on
        body = json.loads(recorded("webhooks", "feed-comment-add-211.json"))
        value = body["entry"][0]["changes"][0]["value"]
        value["from"] = {"id": "909653922461664", "name": "Tester"}
        value["created_time"] = 1767225600  # 2026-01-01
        self.deliver(json.dumps(body).encode())
        self.Event._cron_process()
        self.assertEqual(self.fans(self.page), fans)
        self.assertEqual(tess.last_interaction_at, datetime(2026, 1, 1))
        # an unlike does not end the fan: silence does (see the drop-out)
        self.process("feed-like-remove-25.json")
        self.assertEqual(self.report(self.page).fan_count, 3)

    def test_silent_fans_drop_out_after_the_setting(self):
        self.assertEqual(self.company.social_crm_fan_months, 12, "the default")
        self.process("feed-like-add-25.json", "feed-like-add-page-25.json")
        tess = self.fans(self.page).filtered(lambda f: f.identity_id == self.tester)
        # someone on X's follower list, last seen long ago: not a fan, never dropped here
        x_account = self.env["social_crm.account"].create(
            {"name": "Reisbureau on X", "platform": "x"}
        )
        listed = self.Follower.create(
            {
                "account_id": x_account.id,
                "identity_id": self.tester.id,
                "followed_since": datetime(2015, 1, 1),
                "last_seen_at": datetime(2015, 1, 1),
            }
        )
        self.assertEqual(listed.kind, "follower")
        with freeze_time("2016-12-01"):  # 11 months after the likes
            self.Follower._cron_drop_fans()
        self.assertEqual(len(self.fans(self.page)), 2)
        with freeze_time("2016-12-22"):  # 12 months and a day
            self.Follower._cron_drop_fans(batch_size=1)  # batch by batch
            self.assertEqual(len(self.fans(self.page)), 1)
            self.Follower._cron_drop_fans(batch_size=1)
        self.assertFalse(self.fans(self.page))
        self.assertEqual(tess.unfollowed_at, datetime(2016, 12, 22))
        self.assertTrue(listed.active)
        self.assertEqual(self.report(self.page).follower_count, 0)
        # a shorter setting drops sooner; 0 never drops
        tess.write({"active": True, "unfollowed_at": False})
        self.company.social_crm_fan_months = 0
        with freeze_time("2030-01-01"):
            self.Follower._cron_drop_fans()
        self.assertTrue(tess.active)
        self.company.social_crm_fan_months = 6
        with freeze_time("2016-06-22"):
            self.Follower._cron_drop_fans()
        self.assertFalse(tess.active)
        # a dropped fan who likes again is back as a fan
        body = json.loads(recorded("webhooks", "feed-like-add-comment-25.json"))
        body["entry"][0]["changes"][0]["value"]["created_time"] = 1767225600
        self.deliver(json.dumps(body).encode())
        self.Event._cron_process()
        self.assertEqual((tess.active, tess.kind), (True, "fan"))
        self.assertEqual(tess.last_interaction_at, datetime(2026, 1, 1))

    def test_an_instagram_commenter_becomes_a_fan(self):
        self.deliver(recorded("instagram", "wh-comments-2021.json"), "fans-secret-ig")
        self.Event._cron_process()
        fan = self.fans(self.insta)
        self.assertEqual((fan.identity_id.handle, fan.kind), ("testuser", "fan"))
        self.assertEqual(fan.last_interaction_at, datetime(2018, 2, 23, 15, 21, 47))
        self.assertEqual(fan.identity_id.funnel_stage, "follower")
        row = self.report(self.insta)
        self.assertEqual((row.platform, row.follower_count, row.fan_count), ("instagram", 1, 1))
        # the personal-data export says what kind of row it is, and when they last interacted
        action = fan.identity_id.action_export_personal_data()
        attachment = int(action["url"].split("/web/content/")[1].split("?")[0])
        data = json.loads(self.env["ir.attachment"].browse(attachment).raw)
        [row] = data["identities"][0]["followers"]
        self.assertEqual((row["kind"], row["last_interaction"]), ("fan", "2018-02-23 15:21:47"))
        # a private message makes a fan on Instagram too (Facebook counts no messages)
        body = json.loads(recorded("webhooks", "messaging-message-basic.json"))
        body["object"] = "instagram"
        body["entry"][0]["id"] = "0"
        self.deliver(json.dumps(body).encode(), "fans-secret-ig")
        self.Event._cron_process()
        self.assertEqual(len(self.fans(self.insta)), 2)
        self.assertEqual(self.report(self.insta).fan_count, 2)

    def test_a_follower_sweep_leaves_fans_alone_and_lists_a_fan_as_follower(self):
        demo = self.env["social_crm.account"].create({"name": "Demo store", "platform": "demo"})
        self.Follower._sync_page(demo)  # every author of the demo sample follows it
        listed = self.fans(demo)
        self.assertTrue(listed)
        self.assertEqual(set(listed.mapped("kind")), {"follower"})
        was_fan = listed[0]
        was_fan.kind = "fan"
        # someone who only reacted: no follower list will ever name him
        fan = self.Follower._interacted(demo, {self.tester: LIKED_AT})
        self.assertEqual(fan.kind, "fan")
        self.Follower._sync_page(demo)  # the next complete sweep does not see him
        self.assertTrue(fan.active, "a sweep archives only rows from the follower list")
        self.assertEqual(was_fan.kind, "follower", "seen on the list: a follower now")
