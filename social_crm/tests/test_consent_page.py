import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import Post, Profile

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CONFIRM_RE = re.compile(r"/social_crm/consent/confirm/([\w-]+)")
WITHDRAW_RE = re.compile(r"/social_crm/consent/withdraw/([\w-]+)")


@tagged("post_install", "-at_install")
class TestConsentPage(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="consent_agent",
            name="Cora Consent",
            groups="social_crm.group_social_crm_agent,sales_team.group_sale_salesman",
        )
        cls.account = cls.env["social_crm.account"].create(
            {"name": "Consent store", "platform": "demo", "external_user_id": "demo-consent"}
        )
        [cls.post] = cls.env["social_crm.message"]._ingest(
            cls.account,
            [
                Post(
                    "consent-1",
                    "Bedankt voor de snelle hulp met mijn bestelling!",
                    author=Profile("demo-fan", handle="happy_fan", display_name="Hanna Fan"),
                )
            ],
        )
        cls.conversation = cls.post.conversation_id
        cls.identity = cls.post.author_identity_id

    def ask(self):
        self.conversation.with_user(self.agent).action_ask_consent()
        request = self.conversation.consent_request_ids[:1]
        # the demo platform sends private messages: the personal link goes there
        sent = self.conversation.post_ids.filtered(lambda m: m.direction == "out")[:1]
        self.assertIn(request.url, sent.text)
        self.assertEqual(request.sent_as, "private")
        self.assertFalse(self.conversation.reply_draft)
        return request, request.sudo().token

    def page(self, path, **kwargs):
        return self.url_open(path, allow_redirects=False, **kwargs)

    def submit(self, token, **data):
        page = self.page(f"/social_crm/consent/{token}")
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_RE.search(page.text).group(1)
        return self.page(f"/social_crm/consent/{token}", data={"csrf_token": csrf, **data})

    def confirm_link(self, email, pattern=CONFIRM_RE):
        mails = self.env["mail.mail"].sudo().search([("email_to", "=", email)], order="id")
        return next(
            pattern.search(m.body_html).group(0) for m in mails if pattern.search(m.body_html)
        )

    def confirm(self, link):
        """Open the link in the e-mail and press "Confirm" (a GET records nothing)."""
        page = self.page(link)
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_RE.search(page.text).group(1)
        return self.page(link, data={"csrf_token": csrf})

    def opt_in(self, email):
        request, token = self.ask()
        self.submit(token, email=email, agree="1")
        self.confirm(self.confirm_link(email))
        return request

    def test_double_opt_in_records_consent_with_evidence(self):
        request, token = self.ask()
        self.assertEqual(len(token), 43)  # 256 random bits
        self.assertEqual(request.lang, "nl")
        page = self.page(f"/social_crm/consent/{token}")
        self.assertIn("aanbiedingen en nieuws per e-mail", page.text)
        response = self.submit(token, email="Hanna.Fan@Example.com", phone="0612345678", agree="1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("hanna.fan@example.com", response.text)
        self.assertEqual(request.state, "submitted")
        # nothing is granted before the e-mail is confirmed
        Consent = self.env["social_crm.consent"]
        self.assertFalse(Consent.search([("identity_id", "=", self.identity.id)]))
        response = self.confirm(self.confirm_link("hanna.fan@example.com"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Dank je wel", response.text)
        consent = Consent.search([("identity_id", "=", self.identity.id)])
        self.assertEqual(len(consent), 1)
        self.assertEqual(
            (consent.purpose, consent.event, consent.channel, consent.wording_version),
            ("commercial", "grant", "web_page", "commercial-nl-v1"),
        )
        self.assertIn("aanbiedingen en nieuws per e-mail", consent.wording)
        self.assertIn("private message", consent.note)
        self.assertEqual(consent.message_id, self.post)
        self.assertEqual(consent.user_id, self.agent)
        self.assertTrue(consent.ip_address)
        self.assertEqual(consent.partner_id.email, "hanna.fan@example.com")
        # the page proposes the contact; it never links it
        self.assertFalse(self.identity.partner_id)
        suggestion = self.identity.suggestion_ids
        self.assertEqual((suggestion.partner_id, suggestion.state), (consent.partner_id, "pending"))
        self.assertEqual(self.identity.funnel_stage, "consented")
        # single use: the links do not work a second time
        self.assertEqual(self.page(f"/social_crm/consent/{token}").status_code, 404)
        self.assertEqual(self.page(self.confirm_link("hanna.fan@example.com")).status_code, 404)
        self.assertEqual(len(Consent.search([("identity_id", "=", self.identity.id)])), 1)

    def test_bad_and_expired_tokens_are_refused(self):
        request, token = self.ask()
        for bad in ("x", "A" * 43, token[:-1] + ("A" if token[-1] != "A" else "B")):
            response = self.page(f"/social_crm/consent/{bad}")
            self.assertEqual(response.status_code, 404)
            self.assertIn("o_social_crm_consent_invalid", response.text)
        request.sudo().expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(self.page(f"/social_crm/consent/{token}").status_code, 404)
        self.assertEqual(request.state, "expired")

    def test_expired_confirmation_link_grants_nothing(self):
        request, token = self.ask()
        self.submit(token, email="late@example.com", agree="1")
        request.sudo().confirm_expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(self.page(self.confirm_link("late@example.com")).status_code, 404)
        consents = self.env["social_crm.consent"].search([("identity_id", "=", self.identity.id)])
        self.assertFalse(consents)

    def test_forged_posts_are_refused(self):
        request, token = self.ask()
        # no CSRF token: refused by Odoo before anything is stored
        response = self.page(
            f"/social_crm/consent/{token}", data={"email": "x@example.com", "agree": "1"}
        )
        self.assertEqual(response.status_code, 400)
        # a made-up consent token, with a valid CSRF token
        page = self.page(f"/social_crm/consent/{token}")
        csrf = CSRF_RE.search(page.text).group(1)
        response = self.page(
            "/social_crm/consent/" + "B" * 43,
            data={"csrf_token": csrf, "email": "x@example.com", "agree": "1"},
        )
        self.assertEqual(response.status_code, 404)
        # no agreement, or a bad address: asked again, nothing sent
        self.assertIn("Vink het vakje aan", self.submit(token, email="x@example.com").text)
        self.assertIn("geldig e-mailadres", self.submit(token, email="nope", agree="1").text)
        self.assertEqual(request.state, "sent")
        self.assertFalse(self.env["mail.mail"].sudo().search([("email_to", "=", "x@example.com")]))

    def test_withdrawal_link_from_the_confirmation_mail(self):
        request = self.opt_in("wim@example.com")
        lead = self.env["crm.lead"]._social_crm_from_identity(self.identity, self.post)
        partner = request.partner_id
        self.assertTrue(partner.social_crm_contactable)
        self.assertTrue(lead.social_crm_marketing_ok)
        link = self.confirm_link("wim@example.com", WITHDRAW_RE)
        page = self.page(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Toestemming intrekken", page.text)
        # a GET never withdraws (mail scanners follow links); a POST without CSRF is refused
        self.assertEqual(partner.social_crm_consent_commercial, "granted")
        self.assertEqual(self.page(link, data={"forged": "1"}).status_code, 400)
        csrf = CSRF_RE.search(page.text).group(1)
        response = self.page(link, data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 200)
        self.assertIn("ingetrokken", response.text)
        withdrawal = self.env["social_crm.consent"].search(
            [("identity_id", "=", self.identity.id), ("event", "=", "withdraw")]
        )
        self.assertEqual((withdrawal.channel, withdrawal.purpose), ("web_page", "commercial"))
        self.assertTrue(withdrawal.ip_address)
        self.assertEqual(partner.social_crm_consent_commercial, "withdrawn")
        self.assertFalse(partner.social_crm_contactable)
        self.assertFalse(lead.social_crm_marketing_ok)
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "wim@example.com")]))
        # used once
        self.assertEqual(self.page(link).status_code, 404)

    def test_without_private_messages_the_link_waits_in_the_draft(self):
        account = self.env["social_crm.account"].create(
            {"name": "Store on Bluesky", "platform": "bluesky", "handle": "store.bsky.social"}
        )
        author = Profile("did:plc:fan", handle="fan.bsky.social", display_name="Bo Bluesky")
        [post] = self.env["social_crm.message"]._ingest(
            account, [Post("at://did:plc:fan/app.bsky.feed.post/1", "Thanks!", author=author)]
        )
        conversation = post.conversation_id
        action = conversation.with_user(self.agent).action_ask_consent()
        request = conversation.consent_request_ids
        self.assertEqual(request.sent_as, "reply")
        self.assertIn(request.url, conversation.reply_draft)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("public reply", action["params"]["message"])
        self.assertFalse(conversation.post_ids.filtered(lambda m: m.direction == "out"))
