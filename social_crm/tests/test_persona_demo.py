"""The demo keeps flowing: "Pull now" always brings new posts, also after the
sample has played once, and "Reset cursor" plays it again as new posts."""

from odoo.tests import tagged

from ..connectors.demo import load_sample
from .common import SocialCrmCommon


@tagged("post_install", "-at_install")
class TestPersonaDemo(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # its own company: the module's demo data holds the first demo posts
        cls.hollandia = cls.env["res.company"].create({"name": "Hollandia demo test"})
        cls.demo = cls.env["social_crm.account"].create(
            {
                "name": "Demo replay",
                "platform": "demo",
                "company_id": cls.hollandia.id,
                "external_user_id": "demo-hollandia",
            }
        )
        cls.mentions = cls.env["social_crm.stream"].create(
            {"account_id": cls.demo.id, "kind": "mention", "page_size": 4}
        )
        cls.oboema = cls.env["res.partner"].create(
            {"name": "B. Oboema", "ref": "5234", "company_id": cls.hollandia.id}
        )
        Identity = cls.env["social_crm.identity"]
        identity = Identity.search([("platform", "=", "demo"), ("user_id", "=", "demo-yesican")])
        identity = identity or Identity.create(
            {"platform": "demo", "user_id": "demo-yesican", "handle": "yesican"}
        )
        identity.with_company(cls.hollandia).partner_id = cls.oboema
        cls.sample_size = len(load_sample()["posts"])

    def pull(self):
        """Press "Pull now"; return the posts it stored (no error allowed)."""
        before = self.stream_posts(self.mentions)
        result = self.mentions.action_sync_now()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        return self.stream_posts(self.mentions) - before

    def test_pull_now_keeps_bringing_posts_after_the_sample_is_used_up(self):
        pulls = self.sample_size // 4 + 6  # well past the end of the sample
        seen = self.env["social_crm.message"]
        for number in range(pulls):
            new = self.pull()
            self.assertEqual(len(new), 4, f"pull {number + 1} stored nothing new")
            seen |= new
        self.assertEqual(len(set(seen.mapped("external_id"))), 4 * pulls)
        self.assertGreater(len(seen), self.sample_size + 8)
        # the known customer speaks up again and again, and is recognised
        known = seen.filtered(lambda m: m.partner_id == self.oboema)
        self.assertGreaterEqual(len(known), 5)
        self.assertTrue(all(m.posted_at for m in seen))

    def test_replayed_follow_up_joins_its_own_rounds_first_post(self):
        for _pull in range(self.sample_size // 4 + 6):
            self.pull()
        posts = self.stream_posts(self.mentions)
        first = posts.filtered(lambda m: m.external_id == "demo-1001-r1")
        follow_up = posts.filtered(lambda m: m.external_id == "demo-1009-r1")
        self.assertTrue(first and follow_up)
        self.assertEqual(follow_up.conversation_id, first.conversation_id)
        original = posts.filtered(lambda m: m.external_id == "demo-1001")
        self.assertNotEqual(original.conversation_id, first.conversation_id)
        self.assertEqual(first.conversation_id.partner_id, self.oboema)

    def test_reset_plays_the_sample_again_as_new_posts(self):
        for _pull in range(3):
            self.pull()
        self.mentions.action_reset_cursor()
        new = self.pull()
        self.assertEqual(len(new), 4, "after Reset the sample plays again")
        self.assertIn("demo-1001-r1", new.mapped("external_id"))
        # a second Reset starts yet another round: never nothing
        self.mentions.action_reset_cursor()
        again = self.pull()
        self.assertEqual(len(again), 4)
        self.assertIn("demo-1001-r2", again.mapped("external_id"))

    def test_reset_after_exhaustion_and_old_cursor_keep_flowing(self):
        # a database from before the replay: its cursor says "sample used up"
        self.mentions.cursor = {"offset": self.sample_size}
        self.assertEqual(len(self.pull()), 4, "an exhausted old cursor plays on")
        self.mentions.action_reset_cursor()
        self.assertEqual(len(self.pull()), 4)

    def test_reset_of_a_real_platform_still_starts_from_the_latest(self):
        self.stream.cursor = {"since_id": "42"}
        self.stream.action_reset_cursor()
        self.assertFalse(self.stream.cursor)

    def test_demo_followers_sync_still_works_after_replays(self):
        for _pull in range(self.sample_size // 4 + 2):
            self.pull()
        self.account.follower_sync = False
        Follower = self.env["social_crm.follower"]
        Follower._cron_sync()
        handles = Follower.search([("account_id", "=", self.demo.id)]).identity_id.mapped("handle")
        self.assertIn("yesican", handles)
        self.assertEqual(len(set(handles)), len(handles), "one follower per person")

    def test_the_demo_data_stream_flows_past_its_sample(self):
        stream = self.env.ref("social_crm.demo_stream_mentions", raise_if_not_found=False)
        if not stream:
            self.skipTest("installed without demo data")
        for _pull in range(self.sample_size // stream.page_size + 3):
            stream.action_sync_now()
        before = self.stream_posts(stream)
        stream.action_sync_now()
        self.assertEqual(len(self.stream_posts(stream) - before), stream.page_size)
        stream.action_reset_cursor()
        before = self.stream_posts(stream)
        stream.action_sync_now()
        self.assertEqual(len(self.stream_posts(stream) - before), stream.page_size)
