import re
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import Post, Profile

EVIL = (
    "Evil <script>window.socialCrmPwned = 1</script>"
    '<img src=x onerror="window.socialCrmPwned = 1"> '
)


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="tour_agent",
            name="Tess Tour",
            groups="social_crm.group_social_crm_agent",
        )
        cls.account = cls.env["social_crm.account"].create(
            {"name": "Tour store", "platform": "demo", "external_user_id": "demo-tour"}
        )

    def ingest(self, external_id, text):
        author = Profile(f"demo-{external_id}", handle=f"poster_{external_id}")
        [post] = self.env["social_crm.message"]._ingest(
            self.account, [Post(f"tour-{external_id}", text, author=author)]
        )
        return post

    def test_agent_replies_from_the_inbox(self):
        post = self.ingest("1", "Is the tour store open on Sunday?")
        Conversation = type(self.env["social_crm.conversation"])
        lock = Conversation.action_lock_reply
        holders = []

        def record_lock(records):
            holders.append(records.env.user.login)
            return lock(records)

        # typing in the reply box tells the server who is replying
        with patch.object(Conversation, "action_lock_reply", record_lock):
            self.start_tour("/odoo/social-inbox", "social_crm_reply_tour", login="tour_agent")
        self.assertEqual(holders, ["tour_agent"])
        conversation = post.conversation_id
        reply = conversation.post_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(reply.text, "Yes, we are open from 12:00 to 17:00!")
        self.assertEqual(reply.user_id, self.agent)
        self.assertEqual(conversation.state, "replied")

    def test_agent_triages_by_priority_with_a_canned_reply(self):
        # only this test's posts are waiting for an answer
        self.env["social_crm.conversation"].search([]).state = "closed"
        author = Profile("demo-angry", handle="angry_customer", followers=1200)
        [complaint] = self.env["social_crm.message"]._ingest(
            self.account,
            [Post("tour-c", "My order is still not delivered. Terrible service!", author=author)],
        )
        self.ingest("q", "Are you open on Boxing Day?")
        self.ingest("p", "Thanks, great service today!")
        conversation = complaint.conversation_id
        self.assertEqual(conversation.sla_state, "running")
        self.start_tour("/odoo/social-inbox", "social_crm_triage_tour", login="tour_agent")
        self.assertEqual(conversation.sla_state, "met")
        reply = conversation.post_ids.filtered(lambda m: m.direction == "out")
        self.assertTrue(reply.text.startswith("Sorry to hear that, @angry_customer."))
        self.assertTrue(reply.text.endswith("^Tess"))

    def test_long_script_post_shows_as_text(self):
        text = EVIL + "x" * (2000 - len(EVIL) - len(" end-of-evil")) + " end-of-evil"
        self.assertEqual(len(text), 2000)
        self.ingest("2", text)
        self.start_tour("/odoo/social-inbox", "social_crm_plain_text_tour", login="tour_agent")

    def test_agent_asks_for_the_rights_to_a_photo(self):
        campaign = self.env["social_crm.content.campaign"].create(
            {
                "name": "Tour looks",
                "hashtag": "tourlooks",
                "account_ids": [(6, 0, self.account.ids)],
            }
        )
        campaign.action_start()
        author = Profile("demo-photographer", handle="tour_photographer")
        [post] = self.env["social_crm.message"]._ingest(
            self.account,
            [
                Post(
                    "tour-photo",
                    "Look at my coat #TourLooks",
                    author=author,
                    media_urls=["https://files.example/tour-coat.jpg"],
                )
            ],
        )
        entry = self.env["social_crm.content"].search([("message_id", "=", post.id)])
        self.start_tour(
            "/odoo/action-social_crm.action_social_crm_content",
            "social_crm_photo_rights_tour",
            login="tour_agent",
        )
        self.assertEqual(entry.state, "requested")
        request = entry.request_message_id
        self.assertEqual(request.user_id, self.agent)
        # the author says yes in the thread: granted, with that post as evidence
        [answer] = self.env["social_crm.message"]._ingest(
            self.account,
            [
                Post(
                    "tour-yes",
                    "Of course! #ok_tourlooks",
                    author=author,
                    parent_external_id=request.external_id,
                )
            ],
        )
        self.assertEqual((entry.state, entry.grant_message_id), ("granted", answer))


@tagged("post_install", "-at_install")
class TestRpc(HttpCase):
    def test_agent_gets_no_tokens_over_json_rpc(self):
        new_test_user(self.env, login="rpc_agent", groups="social_crm.group_social_crm_agent")
        account = self.env["social_crm.account"].create(
            {"name": "RPC store", "platform": "x", "x_bearer_token": "AAAA-top-secret"}
        )
        self.authenticate("rpc_agent", "rpc_agent")

        def call(method, args, kwargs=None):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/social_crm.account/{method}",
                {
                    "model": "social_crm.account",
                    "method": method,
                    "args": args,
                    "kwargs": kwargs or {},
                },
            )

        [record] = call("read", [[account.id]])
        self.assertEqual(record["name"], "RPC store")
        self.assertNotIn("x_bearer_token", record)
        with self.assertRaises(Exception) as caught:
            call("search_read", [[("id", "=", account.id)]], {"fields": ["x_bearer_token"]})
        self.assertIn("AccessError", str(caught.exception))
        self.assertNotIn("AAAA-top-secret", str(caught.exception))


@tagged("post_install", "-at_install")
class TestConsentTour(HttpCase):
    def test_agent_asks_poster_confirms_agent_creates_lead(self):
        new_test_user(
            self.env,
            login="consent_tour_agent",
            name="Cas Consent",
            groups="social_crm.group_social_crm_agent,sales_team.group_sale_salesman",
        )
        account = self.env["social_crm.account"].create(
            {"name": "Consent tour store", "platform": "demo", "external_user_id": "demo-ct"}
        )
        author = Profile("demo-hanna", handle="hanna_happy", display_name="Hanna Happy")
        [post] = self.env["social_crm.message"]._ingest(
            account, [Post("tour-consent", "Thanks for the quick help!", author=author, lang="en")]
        )
        conversation = post.conversation_id
        self.start_tour(
            "/odoo/social-inbox", "social_crm_ask_consent_tour", login="consent_tour_agent"
        )
        request = conversation.consent_request_ids
        sent = conversation.post_ids.filtered(lambda m: m.direction == "out")
        self.assertIn(request.url, sent.text)
        self.assertEqual(request.sent_as, "private")
        # the poster, not logged in, opens the link from the reply
        self.start_tour(
            f"/social_crm/consent/{request.sudo().token}", "social_crm_consent_page_tour"
        )
        mail = self.env["mail.mail"].sudo().search([("email_to", "=", "hanna@example.com")])
        confirm = re.search(r"/social_crm/consent/confirm/[\w-]+", mail.body_html).group(0)
        self.start_tour(confirm, "social_crm_consent_confirm_tour")  # the click in the e-mail
        self.assertEqual(post.author_identity_id.social_crm_consent_commercial, "granted")
        self.start_tour(
            f"/odoo/social-inbox/{conversation.id}",
            "social_crm_consent_lead_tour",
            login="consent_tour_agent",
        )
        lead = post.author_identity_id.lead_ids
        self.assertTrue(lead.social_crm_marketing_ok)

    def test_customer_writes_a_review_in_the_browser(self):
        company = self.env.company
        company.social_crm_review_delay_days = 1
        self.env["social_crm.review"].search([("company_id", "=", company.id)]).unlink()
        customer = self.env["res.partner"].create(
            {"name": "Tom Tour", "email": "tom.tour@example.com"}
        )
        lead = self.env["crm.lead"].create(
            {"name": "Lamp", "partner_id": customer.id, "type": "opportunity"}
        )
        lead.action_set_won()
        review = self.env["social_crm.review"].search([("lead_id", "=", lead.id)])
        review.send_after = review.create_date
        self.env["social_crm.review"]._cron_send()
        self.start_tour(
            f"/social_crm/review/{review.sudo().access_token}", "social_crm_review_page_tour"
        )
        self.assertEqual((review.state, review.rating), ("published", "2"))
        self.assertTrue(review.activity_ids, "the team is asked to respond to a low score")
