from datetime import timedelta

from odoo import fields

from ..connectors.testing import local_recording
from .common import SocialCrmCommon, x_recording

PAGE_2 = r"/2/users/783214/followers\?.*pagination_token=5CS0O0C6II61EZZZ"


class TestFollowers(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Follower = cls.env["social_crm.follower"]
        # only this test's accounts are due (the demo data has a demo account)
        cls.env["social_crm.account"].search([("id", "!=", cls.account.id)]).follower_sync = False
        cls.fixtures = local_recording("x", "followers.json")
        # B. Oboema: a customer whose X handle is on his contact
        cls.oboema = cls.env["res.partner"].create(
            {"name": "B. Oboema", "ref": "95234", "customer_rank": 1}
        )
        cls.env["social_crm.identity"].create(
            {"platform": "x", "handle": "yesican", "partner_id": cls.oboema.id}
        )
        cls.loyal = cls.env["res.partner"].create({"name": "Loyal Lotte", "customer_rank": 3})

    def sweep(self, *pages):
        """Run the follower cron until the sweep is complete, serving ``pages``."""
        with self.replay() as session:
            for exchange, pattern in pages:
                session.add_recording(exchange, url_pattern=pattern)
            for _page in pages:
                self.Follower._cron_sync()
            self.assertFalse(session.pending())
        return session

    def two_pages(self):
        first = x_recording("test_client_get_users_followers")
        return (first, r"/2/users/783214/followers\?(?!.*pagination_token)"), (
            self.fixtures["last_page"],
            PAGE_2,
        )

    def test_a_sweep_stores_followers_and_moves_them_in_the_funnel(self):
        first, last = self.two_pages()
        with self.replay() as session:
            session.add_recording(*first)
            self.Follower._cron_sync()
            # page one is stored with the cursor of page two, in one transaction
            self.assertEqual(self.account.follower_cursor, {"next_token": "5CS0O0C6II61EZZZ"})
            self.assertEqual(self.account.follower_count, 100)
            self.assertFalse(self.account.follower_last_sweep_at)
            session.add_recording(*last)
            self.Follower._cron_sync()
        self.assertFalse(self.account.follower_cursor)
        self.account.invalidate_recordset(["follower_count"])
        self.assertEqual(self.account.follower_count, 102)
        self.assertTrue(self.account.follower_last_sweep_at)
        self.assertGreater(
            self.account.follower_next_sync_at, fields.Datetime.now() + timedelta(hours=23)
        )
        mine = [("account_id", "=", self.account.id)]
        follower = self.Follower.search(mine + [("identity_id.handle", "=", "yesican")])
        identity = follower.identity_id
        self.assertEqual(identity.user_id, "1900000000000000042")
        self.assertEqual(identity.followers_count, 412)
        self.assertEqual(identity.funnel_stage, "follower")
        event = identity.funnel_event_ids
        self.assertEqual((event.source, event.company_id), ("follow", self.company))
        # the stored handle links him: he is a customer who follows us
        self.assertEqual(follower.partner_id, self.oboema)
        self.assertTrue(follower.is_customer)
        self.assertEqual(self.Follower.search(mine + [("is_customer", "=", True)]), follower)

    def test_who_the_next_sweep_misses_has_unfollowed_and_may_come_back(self):
        self.sweep(*self.two_pages())
        self.assertEqual(self.account.follower_sweep, 1)
        joris = self.Follower.search(
            [("account_id", "=", self.account.id), ("identity_id.handle", "=", "jvdberg")]
        )
        only_yesican = dict(self.fixtures["last_page"])
        only_yesican["body"] = dict(only_yesican["body"], data=only_yesican["body"]["data"][:1])
        self.account.follower_next_sync_at = False
        self.sweep((only_yesican, r"/2/users/783214/followers"))
        self.assertFalse(joris.active)
        self.assertTrue(joris.unfollowed_at)
        self.account.invalidate_recordset(["follower_count"])
        self.assertEqual(self.account.follower_count, 1)
        self.account.follower_next_sync_at = False
        self.sweep((self.fixtures["last_page"], r"/2/users/783214/followers"))
        self.assertTrue(joris.active)
        self.assertFalse(joris.unfollowed_at)
        self.assertEqual(len(joris.identity_id.funnel_event_ids), 1, "the stage is reached once")

    def test_a_rate_limit_mid_sweep_keeps_the_cursor(self):
        first, _last = self.two_pages()
        self.sweep(first)
        self.sweep((self.fixtures["rate_limited"], PAGE_2))
        self.assertEqual(self.account.follower_cursor, {"next_token": "5CS0O0C6II61EZZZ"})
        self.assertIn("rate", self.account.follower_error.lower())
        self.assertGreater(self.account.follower_next_sync_at, fields.Datetime.now())
        self.assertEqual(self.account.follower_count, 100, "nothing lost, nothing archived")
        self.assertTrue(self.account.follower_sync)

    def test_a_plan_without_followers_is_explained_and_not_asked_daily(self):
        self.sweep((self.fixtures["forbidden_tier"], r"/2/users/783214/followers"))
        self.assertFalse(self.account.follower_sync)
        self.assertIn("plan", self.account.follower_error)
        self.assertFalse(self.account.follower_cursor)

    def test_report_measures_customers_among_followers(self):
        self.sweep(*self.two_pages())
        report = self.env["social_crm.follower.report"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(
            (report.follower_count, report.known_count, report.customer_follower_count),
            (102, 1, 1),
        )
        self.assertAlmostEqual(report.customer_share, 100 / 102, places=2)
        customers = self.env["res.partner"].search_count([("customer_rank", ">", 0)])
        self.assertEqual(report.customer_count, customers)
        self.assertEqual(report.customers_following, 1)
        action = self.env["res.partner"]._social_crm_action_not_following()
        not_following = self.env["res.partner"].search(action["domain"])
        self.assertIn(self.loyal, not_following)
        self.assertNotIn(self.oboema, not_following)

    def test_mastodon_account_syncs_followers_with_its_own_credentials(self):
        account = self.env["social_crm.account"].create(
            {
                "name": "Store on Mastodon",
                "platform": "mastodon",
                "server_url": "mastodon.social",
                "mastodon_access_token": "masto-secret",
                "external_user_id": "113500000000000001",
            }
        )
        pages = local_recording("mastodon", "followers.json")["pages"]
        self.account.follower_sync = False  # only the Mastodon account is due
        with self.replay() as session:
            session.add_recording(pages[0], url_pattern=r"/followers\?(?!.*max_id)")
            session.add_recording(pages[1], url_pattern=r"/followers\?.*max_id=7301")
            self.Follower._cron_sync()
            self.Follower._cron_sync()
        self.assertEqual(session.calls[0]["headers"]["Authorization"], "Bearer masto-secret")
        self.assertTrue(session.calls[0]["url"].startswith("https://mastodon.social/api/v1/"))
        followers = self.Follower.search([("account_id", "=", account.id)])
        self.assertEqual(len(followers), 4)
        self.assertEqual(
            set(followers.identity_id.mapped("platform")), {"mastodon"}, "no mix with X"
        )
        self.assertTrue(account.follower_last_sweep_at)
        joris = followers.identity_id.filtered(lambda i: i.handle == "jvdberg@mastodon.nl")
        self.assertEqual(joris.funnel_stage, "follower")

    def test_demo_account_followers_include_the_known_customer(self):
        demo = self.env["social_crm.account"].create(
            {"name": "Demo followers", "platform": "demo", "external_user_id": "demo-f"}
        )
        self.account.follower_sync = False
        self.Follower._cron_sync()
        handles = self.Follower.search([("account_id", "=", demo.id)]).identity_id.mapped("handle")
        self.assertIn("yesican", handles)
