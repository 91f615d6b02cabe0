"""Reviews from elsewhere (issue 17, item 5): Google Business Profile and
Trustpilot reviews pulled and stored once, an author's edit kept as history,
our reply sent through the platform, "needs approval" while the platform has
not opened its API (cursor kept), Facebook recommendations as reviews, and
invitations after sales orders for everyone."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors.testing import local_recording, recorded_path
from ..models.social_crm_guard import system
from .common import RpcAttack, SocialCrmCommon

GOOGLE = local_recording("google", "reviews.json")
TRUST = local_recording("trustpilot", "reviews.json")
G_LIST = r"^https://mybusiness\.googleapis\.com/v4/accounts/111/locations/222/reviews\?"
G_REPLY = r"/v4/accounts/111/locations/222/reviews/rev-anna/reply$"
T_LIST = r"^https://api\.trustpilot\.com/v1/business-units/5f1e2d/reviews\?"
T_REPLY = r"^https://api\.trustpilot\.com/v1/private/reviews/tp-1/reply$"


@tagged("post_install", "-at_install")
class TestExternalReviews(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["social_crm.account"]
        cls.google = Account.create(
            {
                "name": "Winkel op Google",
                "platform": "google",
                "google_location": "accounts/111/locations/222",
                "google_access_token": "ya29.token",
            }
        )
        cls.trust = Account.create(
            {
                "name": "Winkel op Trustpilot",
                "platform": "trustpilot",
                "trustpilot_business_unit_id": "5f1e2d",
                "trustpilot_api_key": "key",
            }
        )
        cls.Review = cls.env["social_crm.external.review"]

    def google_reviews(self):
        return self.Review.search([("account_id", "=", self.google.id)])

    def test_google_list_is_stored_once(self):
        with self.replay() as session:
            session.add("GET", G_LIST, body=GOOGLE["page1"])
            session.add("GET", G_LIST, body=GOOGLE["page2"])
            self.google._sync_reviews()
        reviews = self.google_reviews()
        self.assertEqual(len(reviews), 3)
        anna = reviews.filtered(lambda r: r.external_id == "rev-anna")
        self.assertEqual(
            (anna.source, anna.rating, anna.author_name), ("google", "4", "Anna de Vries")
        )
        self.assertEqual(anna.identity_id.platform, "google", "the author is matched like a poster")
        anon = reviews.filtered(lambda r: r.external_id == "rev-anon")
        self.assertFalse(anon.identity_id)
        self.assertEqual((anon.reply_state, anon.reply_text[:5]), ("sent", "Sorry"))
        self.assertEqual(self.google.state, "connected")
        self.assertEqual(self.google.review_cursor["since"], "2026-11-20T10:00:00")
        self.assertEqual(self.google.review_count, 3)
        # the same reviews again: nothing new, nothing edited
        with self.replay() as session:
            session.add("GET", G_LIST, body=GOOGLE["page2"])
            self.google.sudo().review_cursor = {}
            self.google._sync_reviews()
        self.assertEqual(len(self.google_reviews()), 3)
        self.assertFalse(self.google_reviews().version_ids)

    def test_an_edited_review_keeps_its_history(self):
        with self.replay() as session:
            session.add(
                "GET", G_LIST, body=GOOGLE["page2"] | {"reviews": GOOGLE["page1"]["reviews"]}
            )
            self.google._sync_reviews()
            session.add("GET", G_LIST, body=GOOGLE["edited"])
            self.google._sync_reviews()
        anna = self.google_reviews().filtered(lambda r: r.external_id == "rev-anna")
        self.assertEqual(anna.rating, "2")
        self.assertIn("beschadigd", anna.text)
        self.assertEqual(anna.edit_count, 1)
        (before,) = anna.version_ids
        self.assertEqual(
            (before.rating, before.text), ("4", "Snelle levering, vriendelijk personeel.")
        )
        self.assertEqual(str(anna.edited_at), "2026-11-25 16:00:00")
        # nobody changes the author's words or the history by hand
        with self.assertRaises(AccessError):
            anna.with_user(self.manager).write({"text": "Alles perfect"})
        with self.assertRaises(UserError):
            before.with_user(self.manager).write({"text": "Alles perfect"})

    def test_a_reply_goes_out_through_google(self):
        with self.replay() as session:
            session.add(
                "GET", G_LIST, body=GOOGLE["page2"] | {"reviews": GOOGLE["page1"]["reviews"]}
            )
            self.google._sync_reviews()
        anna = self.google_reviews().filtered(lambda r: r.external_id == "rev-anna")
        anna = anna.with_user(self.agent)
        anna.reply_text = "Dank je Anna, we sturen een nieuw pakket."
        with self.replay() as session:
            session.add("PUT", G_REPLY, body=GOOGLE["reply"])
            anna.action_send_reply()
        self.assertEqual(anna.reply_state, "sent")
        self.assertEqual(
            json.loads(session.calls[0]["body"]),
            {"comment": "Dank je Anna, we sturen een nieuw pakket."},
        )
        # a changed reply must be sent again
        anna.reply_text = "Dank je Anna!"
        self.assertEqual(anna.reply_state, "none")

    def test_not_approved_yet_needs_approval_and_keeps_the_cursor(self):
        cursor = {"since": "2026-11-01T00:00:00", "pending": None, "page_token": None}
        self.google.sudo().review_cursor = cursor
        with self.replay() as session:
            session.add("GET", G_LIST, status=403, body=GOOGLE["error_403_not_approved"])
            self.google._sync_reviews()
        self.assertEqual(self.google.state, "needs_approval")
        self.assertEqual(self.google.review_cursor, cursor)
        self.assertIn("approval", self.google.error_message)
        self.assertNotIn("has not been used", self.google.error_message)
        self.assertIn("60 days", self.google.approval_steps)
        self.assertIn("7 days", self.google.approval_steps)
        # the scheduled action goes on with the other accounts and never raises
        with self.replay() as session:
            session.add("GET", G_LIST, status=429, body=GOOGLE["error_429_quota_zero"])
            session.add("GET", T_LIST, body=TRUST["page2"])
            self.env["social_crm.account"].search(
                [
                    ("platform", "in", ("google", "trustpilot")),
                    ("id", "not in", (self.google | self.trust).ids),
                ]
            ).active = False
            self.env["social_crm.account"]._cron_sync_reviews()
        self.assertEqual(self.google.state, "needs_approval")
        self.assertEqual(self.trust.state, "connected")
        # once Google approves, the account connects again
        with self.replay() as session:
            session.add("GET", G_LIST, body=GOOGLE["page2"])
            self.google._sync_reviews()
        self.assertEqual(self.google.state, "connected")

    def test_test_connection_says_needs_approval(self):
        with self.replay() as session:
            session.add("GET", G_LIST, status=429, body=GOOGLE["error_429_quota_zero"])
            self.google.action_test_connection()
        self.assertEqual(self.google.state, "needs_approval")
        with self.replay() as session:
            session.add("GET", G_LIST, status=401, body=GOOGLE["error_401"])
            self.google.action_test_connection()
        self.assertIn(self.google.state, ("error", "reconnect"))  # a 401 is no approval matter

    def test_trustpilot_reads_without_the_module_and_a_reply_waits_for_it(self):
        with self.replay() as session:
            session.add("GET", T_LIST, body=TRUST["page1"], params={"page": "1"})
            session.add("GET", T_LIST, body=TRUST["page2"], params={"page": "2"})
            self.trust._sync_reviews()
        reviews = self.Review.search([("account_id", "=", self.trust.id)])
        self.assertEqual(sorted(reviews.mapped("external_id")), ["tp-1", "tp-2", "tp-3"])
        karin = reviews.filtered(lambda r: r.external_id == "tp-1").with_user(self.agent)
        self.assertEqual((karin.rating, karin.title), ("2", "Te laat"))
        karin.reply_text = "Sorry Karin!"
        with self.replay() as session:
            karin.action_send_reply()  # no business-user token: nothing is sent
        self.assertFalse(session.calls)
        self.assertEqual(karin.reply_state, "failed")
        self.assertIn("business-user token", karin.reply_error)
        self.assertEqual(self.trust.state, "needs_approval")
        self.trust.trustpilot_access_token = "bu-token"
        with self.replay() as session:
            session.add("POST", T_REPLY, status=403, body=TRUST["error_403_no_module"])
            karin.action_send_reply()
        self.assertIn("paid API module", karin.reply_error)
        with self.replay() as session:
            session.add("POST", T_REPLY, status=201, raw="")
            karin.action_send_reply()
        self.assertEqual(karin.reply_state, "sent")

    def test_review_authors_are_matched_like_posters(self):
        with self.replay() as session:
            session.add("GET", T_LIST, body=TRUST["page2"] | {"reviews": TRUST["page1"]["reviews"]})
            self.trust._sync_reviews()
        karin = self.Review.search([("external_id", "=", "tp-1")]).identity_id
        Identity = self.env["social_crm.identity"]
        self.assertIn(karin, Identity.search(Identity._match_due_domain()))
        profile = karin._match_profile()
        self.assertEqual(profile.display_name, "Karin Smit")
        self.assertIn("Te laat\nDrie dagen te laat bezorgd.", profile.texts)

    def test_credentials_are_for_administrators_only(self):
        for field in ("google_refresh_token", "google_client_secret", "trustpilot_api_key"):
            self.assertEqual(
                self.env["social_crm.account"]._fields[field].groups, "base.group_system"
            )
        with self.assertRaises(AccessError):
            self.google.with_user(self.manager).write({"google_location": "accounts/9/locations/9"})

    def test_privacy_export_erase_and_retention(self):
        with self.replay() as session:
            session.add("GET", T_LIST, body=TRUST["page2"] | {"reviews": TRUST["page1"]["reviews"]})
            self.trust._sync_reviews()
        reviews = self.Review.search([("account_id", "=", self.trust.id)])
        karin = reviews.filtered(lambda r: r.external_id == "tp-1")
        identity = karin.identity_id
        data = identity._personal_data()[0]
        self.assertEqual(data["reviews_elsewhere"][0]["text"], "Drie dagen te laat bezorgd.")
        identity.with_user(self.manager)._erase_personal_data()
        self.assertFalse(karin.exists())
        # retention: an old review of an unknown person loses its author and words
        tom = reviews.exists().filtered(lambda r: r.external_id == "tp-2")
        self.company.social_crm_retention_days = 30
        cutoff = fields.Datetime.now() - timedelta(days=30)
        tom.sudo().posted_at = cutoff - timedelta(days=1)
        self.Review._retention(self.company, cutoff)
        self.assertEqual(
            (tom.erased, tom.text, tom.author_name, tom.rating), (True, False, False, "5")
        )


@tagged("post_install", "-at_install")
class TestFacebookRecommendations(SocialCrmCommon):
    def test_a_recommendation_is_a_review_not_a_post(self):
        page = self.env["social_crm.account"].create(
            {
                "name": "Winkel op Facebook",
                "platform": "facebook",
                "external_user_id": "1234567890321",
            }
        )
        Event = self.env["social_crm.webhook.event"].sudo()
        for name in ("ratings-rating-add-31.json", "ratings-rating-edit-25.json"):
            body = recorded_path("meta", "webhooks", name).read_text()
            Event.create(
                {"source": "meta", "body": body, "account_ids": [(6, 0, page.ids)]}
            )._process()
        self.assertFalse(self.Message.search([("account_id", "=", page.id)]))
        review = self.env["social_crm.external.review"].search([("account_id", "=", page.id)])
        self.assertEqual(len(review), 1)
        self.assertEqual((review.source, review.external_id), ("facebook", "904801129604590"))
        # the recorded edit carries the old star field and no recommendation
        (first,) = review.version_ids
        self.assertEqual((first.recommendation, first.rating), ("positive", False))
        self.assertEqual(review.identity_id.user_id, "705955836155788")


@tagged("post_install", "-at_install")
class TestReviewInvitationsAfterOrders(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.social_crm_review_delay_days = 3
        cls.Review = cls.env["social_crm.review"]

    def order(self, partner):
        product = self.env["product.product"].create({"name": "Fiets", "list_price": 500})
        order = self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id})]}
        )
        order.action_confirm()
        return order

    def test_a_confirmed_order_invites_everyone_after_the_delay(self):
        if "sale.order" not in self.env:
            self.skipTest("Sales is not installed")  # the cron checks the same
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("social_crm.review_orders_since", False)
        self.assertFalse(self.Review._cron_invite_orders(), "the first run only starts the clock")
        params.set_param(
            "social_crm.review_orders_since",
            fields.Datetime.to_string(fields.Datetime.now() - timedelta(minutes=1)),
        )
        happy = self.env["res.partner"].create({"name": "Blije Bea", "email": "bea@example.nl"})
        # an unhappy-looking customer: a 1-star review before and a complaint
        unhappy = self.env["res.partner"].create({"name": "Boze Bob", "email": "bob@example.nl"})
        self.Review.sudo().create(
            {"partner_id": unhappy.id, "rating": "1", "text": "Slecht", "state": "published"}
        )
        unhappy.message_post(body="Klacht: fiets kapot geleverd, ik ben woedend")
        orders = self.order(happy) | self.order(unhappy)
        # only this test's orders count: demo orders made at install time may
        # fall in the window on a fast machine
        invited = self.Review._cron_invite_orders().filtered(
            lambda r: r.order_model == "sale.order" and r.order_id in orders.ids
        )
        self.assertEqual(invited.partner_id, happy | unhappy, "never only the happy ones")
        for review in invited:
            self.assertEqual(review.order_model, "sale.order")
            self.assertIn(review.order_id, orders.ids)
            self.assertEqual(review.state, "to_send")
            self.assertAlmostEqual(
                review.send_after,
                fields.Datetime.now() + timedelta(days=3),
                delta=timedelta(minutes=5),
            )
        # once per order
        params.set_param(
            "social_crm.review_orders_since",
            fields.Datetime.to_string(fields.Datetime.now() - timedelta(minutes=5)),
        )
        again = self.Review._cron_invite_orders()
        self.assertFalse(again.filtered(lambda r: r.order_id in orders.ids))

    def test_without_point_of_sale_nothing_breaks(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "social_crm.review_orders_since", "2020-01-01 00:00:00"
        )
        if "pos.order" in self.env:
            self.skipTest("Point of Sale is installed here")
        self.Review._cron_invite_orders()  # sale orders only; no pos.order model asked


@tagged("post_install", "-at_install")
class TestExternalReviewRpc(HttpCase, RpcAttack):
    def test_an_agent_cannot_rewrite_a_review_or_fake_a_sent_reply_over_rpc(self):
        agent = new_test_user(
            self.env, login="sc_rev_agent", groups="social_crm.group_social_crm_agent"
        )
        account = self.env["social_crm.account"].create(
            {"name": "Winkel op Google", "platform": "google"}
        )
        review = system(self.env["social_crm.external.review"]).create(
            {
                "source": "google",
                "account_id": account.id,
                "external_id": "rev-1",
                "rating": "1",
                "text": "Slecht",
            }
        )
        for vals in ({"rating": "5"}, {"text": "Top"}, {"reply_state": "sent"}):
            with self.assertRpcRefused("AccessError"):
                self.rpc(agent, "social_crm.external.review", "write", [review.id], vals)
        # the reply itself is the agent's to write
        self.rpc(agent, "social_crm.external.review", "write", [review.id], {"reply_text": "Sorry"})
        self.assertEqual((review.rating, review.text, review.reply_text), ("1", "Slecht", "Sorry"))
