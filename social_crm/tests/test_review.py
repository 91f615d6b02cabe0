import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..reviews import ReviewError
from .common import SocialCrmCommon


class ReviewCommon(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.social_crm_review_delay_days = 3
        cls.customer = cls.env["res.partner"].create(
            {"name": "Rita van der Review", "email": "rita@example.com"}
        )
        cls.Review = cls.env["social_crm.review"]

    def win(self, partner=None):
        lead = self.env["crm.lead"].create(
            {"name": "Sofa", "partner_id": (partner or self.customer).id, "type": "opportunity"}
        )
        lead.action_set_won()
        return lead, self.Review.search([("lead_id", "=", lead.id)])

    def invite(self, review):
        """The invitation, sent as the scheduled action sends it."""
        review.sudo().send_after = fields.Datetime.now() - timedelta(minutes=1)
        self.Review._cron_send()
        return review


class TestReviewRequests(ReviewCommon):
    def test_a_won_deal_invites_the_customer_after_the_delay_once(self):
        lead, review = self.win()
        self.assertEqual(review.state, "to_send")
        self.assertAlmostEqual(
            review.send_after, fields.Datetime.now() + timedelta(days=3), delta=timedelta(minutes=5)
        )
        self.Review._cron_send()
        self.assertEqual(review.state, "to_send", "not before the delay")
        lead.action_set_lost()
        lead.toggle_active()
        lead.action_set_won()
        self.assertEqual(self.Review.search_count([("lead_id", "=", lead.id)]), 1)

    def test_no_invitation_when_turned_off_or_without_an_address(self):
        self.company.social_crm_review_delay_days = 0
        self.assertFalse(self.win()[1])
        self.company.social_crm_review_delay_days = 3
        nomail = self.env["res.partner"].create({"name": "No Mail"})
        self.assertFalse(self.win(nomail)[1])

    def test_the_contact_shows_its_reviews_to_sales_staff(self):
        self.win()
        seller = new_test_user(
            self.env, login="sc_seller", name="Sam Seller", groups="sales_team.group_sale_salesman"
        )
        for user in (self.agent, seller):
            customer = self.customer.with_user(user)
            self.assertEqual(customer.social_crm_review_count, 1)
            action = customer.action_view_social_crm_reviews()
            found = self.Review.with_user(user).search(action["domain"])
            self.assertEqual(found.partner_id, self.customer)
        with self.assertRaises(AccessError):
            found.with_user(seller).response = "Sales staff read reviews; agents answer them."

    def test_the_invitation_is_an_email_with_a_personal_link(self):
        _lead, review = self.win()
        self.invite(review)
        self.assertEqual(review.state, "sent")
        mail = self.env["mail.mail"].search(
            [("model", "=", "social_crm.review"), ("res_id", "=", review.id)]
        )
        self.assertIn(review.sudo().access_token, mail.body_html)
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertAlmostEqual(
            review.expires_at,
            fields.Datetime.now() + timedelta(days=30),
            delta=timedelta(minutes=5),
        )

    def test_an_opted_out_customer_is_not_invited(self):
        self.env["mail.blacklist"]._add("rita@example.com")
        _lead, review = self.win()
        self.invite(review)
        self.assertEqual(review.state, "expired")
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "social_crm.review"), ("res_id", "=", review.id)]
            )
        )

    def test_unused_links_expire(self):
        _lead, review = self.win(
            self.env["res.partner"].create({"name": "Late", "email": "late@example.com"})
        )
        self.invite(review)
        review.sudo().expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.Review._cron_send()
        self.assertEqual(review.state, "expired")
        self.assertFalse(self.Review._from_token(review.sudo().access_token))


class TestReviewModeration(ReviewCommon):
    def setUp(self):
        super().setUp()
        self.review = self.invite(self.win()[1])

    def test_every_rating_is_published_and_a_low_one_asks_for_a_response(self):
        self.review._submit("1", "Never again", "The sofa arrived broken and nobody called back.")
        self.assertEqual(self.review.state, "published")
        self.assertEqual(self.review.sentiment, "negative")
        self.assertIn("Respond to a 1-star review", self.review.activity_ids.mapped("summary"))
        self.assertFalse(self.Review._from_token(self.review.sudo().access_token), "one use")

    def test_contact_details_hold_a_review_for_a_person(self):
        self.review._submit("5", "Great", "Call me for a testimonial: 06 1234 5678")
        self.assertEqual((self.review.state, self.review.hold_reason), ("held", "a phone number"))
        with self.assertRaisesRegex(UserError, "Only Social CRM managers"):
            self.review.with_user(self.agent).action_publish()
        self.review.with_user(self.manager).action_publish()
        self.assertEqual(self.review.state, "published")

    def test_rejection_needs_a_policy_reason_and_nobody_edits_the_words(self):
        self.review._submit("2", "Meh", "Slow.")
        with self.assertRaisesRegex(UserError, "a low rating is no reason"):
            self.review.with_user(self.manager).action_reject()
        self.review.with_user(self.manager).reject_reason = "off_topic"
        self.review.with_user(self.manager).action_reject()
        self.assertEqual(self.review.state, "rejected")
        for user in (self.agent, self.manager):
            with self.assertRaisesRegex(UserError, "customer's own words"):
                self.review.with_user(user).write({"rating": "5"})
            with self.assertRaisesRegex(UserError, "cannot be set by hand"):
                self.review.with_user(user).write({"state": "published"})
        self.assertEqual(self.review.state, "rejected")
        self.review.with_user(self.agent).response = "Sorry it was slow, Rita."
        self.assertEqual(self.review.response_by, self.agent)

    def test_bad_input_gets_a_clear_error_and_nothing_is_stored(self):
        for rating in ("", "0", "6", "five"):
            with self.assertRaisesRegex(ReviewError, "1 to 5"):
                self.review._submit(rating, "", "")
        self.assertEqual(self.review.state, "sent")


@tagged("post_install", "-at_install")
class TestReviewPages(HttpCase, ReviewCommon):
    def setUp(self):
        super().setUp()
        # the page shows the company's reviews: only this test's (the demo data has some)
        self.Review.search([("company_id", "=", self.company.id)]).unlink()
        self.review = self.invite(self.win()[1])
        self.token = self.review.sudo().access_token

    def form(self):
        page = self.url_open(f"/social_crm/review/{self.token}")
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def test_customer_writes_a_review_and_it_is_on_the_public_page_escaped(self):
        csrf = self.form()
        done = self.url_open(
            f"/social_crm/review/{self.token}",
            data={
                "csrf_token": csrf,
                "rating": "4",
                "title": "<b>Good</b>",
                "text": "Nice sofa <script>alert(1)</script>",
            },
        )
        self.assertIn('data-state="published"', done.text)
        self.review.with_user(self.agent).response = "Thank you, Rita!"
        public = self.url_open(f"/social_crm/reviews/{self.company.id}")
        self.assertIn("4.0 / 5 from 1 reviews", " ".join(public.text.split()))
        self.assertIn("Rita R.", public.text)
        self.assertNotIn("van der Review", public.text)
        self.assertNotIn("<script>alert(1)</script>", public.text)
        self.assertIn("&lt;script&gt;", public.text)
        self.assertIn("Thank you, Rita!", public.text)
        # the link worked once
        self.assertEqual(self.url_open(f"/social_crm/review/{self.token}").status_code, 404)

    def test_a_bad_score_shows_the_form_again_with_the_text_kept(self):
        csrf = self.form()
        page = self.url_open(
            f"/social_crm/review/{self.token}",
            data={"csrf_token": csrf, "rating": "", "text": "Forgot the stars"},
        )
        self.assertIn("Choose a score from 1 to 5 stars.", page.text)
        self.assertIn("Forgot the stars", page.text)
        self.assertEqual(self.review.state, "sent")

    def test_a_post_without_the_csrf_token_or_with_a_made_up_link_is_refused(self):
        response = self.url_open(f"/social_crm/review/{self.token}", data={"rating": "1"})
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(self.review.state, "sent")
        self.assertEqual(self.url_open("/social_crm/review/made-up").status_code, 404)
        self.assertFalse(
            self.Review.search([("text", "!=", False)]).filtered(lambda r: r == self.review)
        )

    def test_held_and_rejected_reviews_are_not_public(self):
        other = self.invite(
            self.win(
                self.env["res.partner"].create({"name": "Hal Held", "email": "hal@example.com"})
            )[1]
        )
        other._submit("5", "", "Mail me at hal@example.com")
        self.review._submit("3", "", "Okay.")
        self.review.with_user(self.manager).reject_reason = "spam"
        self.review.with_user(self.manager).action_reject()
        public = self.url_open(f"/social_crm/reviews/{self.company.id}")
        self.assertNotIn("hal@example.com", public.text)
        self.assertNotIn("Okay.", public.text)
        self.assertIn("No reviews yet", public.text)
