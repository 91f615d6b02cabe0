from datetime import datetime, timedelta

from ..connectors.base import Post, Profile
from .common import SocialCrmCommon

NOW = datetime(2026, 11, 20, 9, 0)
PRAISE = "Thank you @shop, great service, love it!"
COMPLAINT = "My order still has not arrived, terrible service @shop"


class TestAdvocacy(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls.env["social_crm.account"].create(
            {"name": "Advocacy shop", "platform": "demo", "external_user_id": "demo-adv-shop"}
        )
        cls.fan = Profile("demo-adv-fan", handle="adv_fan", display_name="Fay Fan", followers=1800)
        cls.critic = Profile("demo-adv-critic", handle="adv_critic", followers=50_000)
        cls.gone = Profile("demo-adv-gone", handle="adv_gone")
        posts = [
            Post(f"adv-f{i}", PRAISE, author=cls.fan, posted_at=NOW - timedelta(days=i))
            for i in range(1, 5)
        ]
        posts += [
            Post(f"adv-c{i}", COMPLAINT, author=cls.critic, posted_at=NOW - timedelta(days=i))
            for i in range(1, 4)
        ]
        posts.append(Post("adv-g", PRAISE, author=cls.gone, posted_at=NOW - timedelta(days=120)))
        messages = cls.env["social_crm.message"]._ingest(cls.shop, posts)
        cls.fan_identity = messages.filtered(lambda m: m.external_id == "adv-f1").author_identity_id
        cls.critic_identity = messages.filtered(
            lambda m: m.external_id == "adv-c1"
        ).author_identity_id
        cls.gone_identity = messages.filtered(lambda m: m.external_id == "adv-g").author_identity_id
        cls.env["social_crm.follower"].create(
            {"account_id": cls.shop.id, "identity_id": cls.fan_identity.id}
        )
        cls.Alert = cls.env["social_crm.alert"]

    def run_cron(self, now=NOW):
        self.env["social_crm.identity"]._cron_advocacy(now=now)

    def alerts(self):
        return self.Alert.search([("kind", "=", "advocate"), ("account_id", "=", self.shop.id)])

    def test_praise_and_following_score_complaints_do_not(self):
        self.run_cron()
        fan, critic = self.fan_identity, self.critic_identity
        self.assertGreater(fan.advocate_score, 50)
        self.assertEqual(fan.advocate_reasons, "4 praise, follows us")
        self.assertEqual(critic.advocate_score, 0.0)
        self.assertEqual(critic.advocate_reasons, "3 complaints")
        self.assertEqual(self.gone_identity.advocate_score, 0.0, "praise 120 days ago is forgotten")
        self.assertEqual(fan.advocate_date, NOW.date())
        # the agent sees it on the fan's conversations
        conversation = fan.post_ids[:1].conversation_id.with_user(self.agent)
        self.assertEqual(conversation.identity_advocate_score, fan.advocate_score)
        self.assertEqual(conversation.identity_advocate_reasons, "4 praise, follows us")

    def test_scores_decay_day_by_day_and_each_identity_is_scored_once_a_day(self):
        self.run_cron()
        today = self.fan_identity.advocate_score
        self.fan_identity.advocate_score = 1.0  # not scored again the same day
        self.run_cron()
        self.assertEqual(self.fan_identity.advocate_score, 1.0)
        self.run_cron(NOW + timedelta(days=30))
        self.assertLess(self.fan_identity.advocate_score, today)
        self.assertGreater(self.fan_identity.advocate_score, 0)
        self.run_cron(NOW + timedelta(days=200))
        self.assertEqual(self.fan_identity.advocate_reasons, "follows us")

    def test_photos_and_granted_rights_add_to_the_score(self):
        self.run_cron()
        before = self.fan_identity.advocate_score
        campaign = self.env["social_crm.content.campaign"].create(
            {"name": "Looks", "hashtag": "advlooks", "account_ids": [(6, 0, self.shop.ids)]}
        )
        campaign.action_start()
        [photo] = self.env["social_crm.message"]._ingest(
            self.shop,
            [
                Post(
                    "adv-photo",
                    "My look #advlooks",
                    author=self.fan,
                    posted_at=NOW - timedelta(days=1),
                    media_urls=["https://files.example/look.jpg"],
                )
            ],
        )
        entry = self.env["social_crm.content"].search([("message_id", "=", photo.id)])
        entry._flow_write({"state": "granted", "granted_at": NOW - timedelta(days=1)})
        self.fan_identity._refresh_advocacy(NOW)
        self.assertGreater(self.fan_identity.advocate_score, before)
        self.assertIn("1 photo, 1 rights granted", self.fan_identity.advocate_reasons)

    def test_top_advocate_of_the_month_is_announced_once(self):
        self.run_cron()
        alert = self.alerts()
        self.assertEqual(alert.identity_id, self.fan_identity)
        self.assertIn("Fay Fan", alert.name)
        self.assertIn("4 praise", alert.name)
        self.assertTrue(alert.activity_ids, "the team lead gets a to-do")
        channel = self.env.ref("social_crm.channel_social_crm_alerts")
        self.assertTrue(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", channel.id),
                    ("body", "ilike", "Top advocate of the month"),
                ]
            )
        )
        self.run_cron(NOW + timedelta(days=1))
        self.assertEqual(len(self.alerts()), 1, "once a month")
        # next month, with no posts in the last 30 days: nobody to crown
        self.run_cron(NOW + timedelta(days=40))
        self.assertEqual(len(self.alerts()), 1)

    def test_the_announcement_points_to_a_thank_you_template(self):
        self.run_cron()
        self.assertIn("Top advocate of the month", self.alerts().name)
        conversation = self.fan_identity.post_ids[:1].conversation_id
        for lang in ("en", "nl"):
            template = self.env.ref(f"social_crm.reply_template_top_advocate_{lang}")
            text = template.with_user(self.agent)._render_for(conversation.with_user(self.agent))
            self.assertTrue(text.startswith("@adv_fan, "), text)

    def test_nobody_is_crowned_below_the_minimum(self):
        self.fan_identity.post_ids.filtered(lambda m: m.external_id != "adv-f1").unlink()
        self.env["social_crm.follower"].search(
            [("identity_id", "=", self.fan_identity.id)]
        ).unlink()
        self.run_cron()
        self.assertLess(self.fan_identity.advocate_score, 40)
        self.assertFalse(self.alerts())

    def test_erasure_removes_the_announcement(self):
        self.run_cron()
        self.assertTrue(self.alerts())
        self.fan_identity.with_user(self.manager)._erase_personal_data()
        self.assertFalse(self.alerts())
