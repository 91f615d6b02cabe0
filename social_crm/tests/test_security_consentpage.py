"""Issue 11, item 4 and the public-page HTTP limits: the attacks on the
public consent pages, made through the door an attacker uses (a plain HTTP
request, or JSON-RPC as an agent)."""

from datetime import timedelta

import requests

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import Post, Profile
from .common import RpcAttack
from .test_consent_page import CONFIRM_RE, CSRF_RE, WITHDRAW_RE

PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@tagged("post_install", "-at_install")
class TestSecurityConsentPage(RpcAttack, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="consentpage_agent",
            groups="social_crm.group_social_crm_agent,sales_team.group_sale_salesman",
        )
        cls.account = cls.env["social_crm.account"].create(
            {"name": "Consent page store", "platform": "demo", "external_user_id": "demo-cp"}
        )
        [cls.post] = cls.env["social_crm.message"]._ingest(
            cls.account,
            [
                Post(
                    "consentpage-1",
                    "Thanks for the quick help with my order!",
                    author=Profile("demo-cp-fan", handle="cp_fan", display_name="Pia Page"),
                    lang="en",
                )
            ],
        )
        cls.conversation = cls.post.conversation_id
        cls.identity = cls.post.author_identity_id

    # ------------------------------------------------------------------
    def ask(self):
        self.conversation.with_user(self.agent).action_ask_consent()
        request = self.conversation.consent_request_ids[:1]
        return request, request.sudo().token

    def page(self, path, **kwargs):
        return self.url_open(path, allow_redirects=False, **kwargs)

    def submit(self, token, email):
        page = self.page(f"/social_crm/consent/{token}")
        csrf = CSRF_RE.search(page.text).group(1)
        response = self.page(
            f"/social_crm/consent/{token}", data={"csrf_token": csrf, "email": email, "agree": "1"}
        )
        self.assertEqual(response.status_code, 200)

    def link(self, email, pattern=CONFIRM_RE):
        mails = self.env["mail.mail"].sudo().search([("email_to", "=", email)], order="id")
        return next(
            pattern.search(m.body_html).group(0) for m in mails if pattern.search(m.body_html)
        )

    def press(self, link):
        """Open ``link`` in a browser and press its button (with the CSRF token)."""
        page = self.page(link)
        self.assertEqual(page.status_code, 200, page.text)
        csrf = CSRF_RE.search(page.text).group(1)
        return self.page(link, data={"csrf_token": csrf})

    def consents(self):
        return self.env["social_crm.consent"].search(
            ["|", ("identity_id", "=", self.identity.id), ("message_id", "=", self.post.id)]
        )

    # ------------------------------------------------------------------
    def test_a_cookieless_get_of_the_confirmation_link_records_nothing(self):
        """A mail scanner or link preview fetches the link: no consent."""
        request, token = self.ask()
        self.submit(token, "pia@example.com")
        link = self.link("pia@example.com")
        response = requests.get(f"{self.base_url()}{link}", timeout=30, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_social_crm_consent_confirm", response.text)
        self.assertRegex(response.text, r'<button type="submit"[^>]*>\s*Confirm')
        self.assertFalse(self.consents())
        self.assertEqual(request.state, "submitted")
        self.assertEqual(self.identity.social_crm_consent_commercial, "none")

    def test_confirming_needs_a_post_with_the_csrf_token_and_logs_the_ip(self):
        request, token = self.ask()
        self.submit(token, "pia@example.com")
        link = self.link("pia@example.com")
        # a forged POST (no CSRF token) is refused by Odoo before anything is stored
        self.assertEqual(self.page(link, data={"x": "1"}).status_code, 400)
        self.assertFalse(self.consents())
        response = self.press(link)
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-step="done"', response.text)
        consent = self.consents()
        self.assertEqual(len(consent), 1)
        self.assertEqual((consent.event, consent.channel), ("grant", "web_page"))
        self.assertEqual(consent.ip_address, "127.0.0.1")
        self.assertEqual(request.confirm_ip_address, "127.0.0.1")
        self.assertEqual(request.state, "confirmed")
        self.assertEqual(self.identity.social_crm_consent_commercial, "granted")
        # used: the link shows "not valid" now
        self.assertEqual(self.page(link).status_code, 404)

    def test_a_foreign_address_never_grants_the_linked_contact(self):
        """The link of a linked identity leaked (a public reply); an agent or
        anyone confirms it with their own address."""
        owner = self.env["res.partner"].create(
            {"name": "Pia Page", "email": "pia.page@example.com"}
        )
        self.identity.partner_id = owner
        request, token = self.ask()
        self.submit(token, "intruder@example.com")
        self.press(self.link("intruder@example.com"))
        self.assertEqual(request.state, "confirmed")
        self.env.invalidate_all()
        self.assertEqual(owner.social_crm_consent_commercial, "none")
        self.assertFalse(owner.social_crm_contactable)
        self.assertEqual(self.identity.social_crm_consent_commercial, "none")
        self.assertFalse(self.identity.social_crm_contactable)
        # the consent is on the contact of that address, proposed to an agent
        consent = self.consents()
        self.assertEqual(len(consent), 1)
        self.assertFalse(consent.identity_id)
        self.assertEqual(consent.partner_id.email, "intruder@example.com")
        self.assertNotEqual(consent.partner_id, owner)
        self.assertEqual(request.partner_id, consent.partner_id)
        suggestion = self.identity.suggestion_ids.filtered(
            lambda s: s.partner_id == consent.partner_id
        )
        self.assertEqual(suggestion.state, "pending")
        # withdrawing with that mail's link touches only the same people
        self.press(self.link("intruder@example.com", WITHDRAW_RE))
        self.env.invalidate_all()
        self.assertEqual(consent.partner_id.social_crm_consent_commercial, "withdrawn")
        self.assertEqual(owner.social_crm_consent_commercial, "none")
        self.assertFalse(self.env["mail.blacklist"].search([("email", "=", owner.email)]))

    def test_the_linked_contacts_own_address_grants_the_contact(self):
        owner = self.env["res.partner"].create(
            {"name": "Pia Page", "email": "Pia Page <pia.page@example.com>"}
        )
        self.identity.partner_id = owner
        request, token = self.ask()
        self.submit(token, "PIA.page@example.com")
        self.press(self.link("pia.page@example.com"))
        self.env.invalidate_all()
        self.assertEqual(request.partner_id, owner)
        self.assertEqual(owner.social_crm_consent_commercial, "granted")
        self.assertTrue(owner.social_crm_contactable)
        self.assertEqual(self.consents().identity_id, self.identity)

    def test_an_agent_cannot_read_the_opt_in_link_over_rpc(self):
        request, _token = self.ask()
        with self.assertRpcRefused("AccessError"):
            self.rpc(self.agent, "social_crm.consent.request", "read", [request.id], ["url"])
        with self.assertRpcRefused("AccessError"):
            self.rpc(
                self.agent,
                "social_crm.consent.request",
                "search_read",
                [("id", "=", request.id)],
                ["url"],
            )
        # a plain read leaves it out, and the admin still sees it
        [row] = self.rpc(self.agent, "social_crm.consent.request", "read", [request.id])
        self.assertNotIn("url", row)
        self.assertTrue(request.with_user(self.env.ref("base.user_admin")).url)

    def test_a_withdrawal_link_expires_with_the_consent(self):
        request, token = self.ask()
        self.submit(token, "pia@example.com")
        self.press(self.link("pia@example.com"))
        link = self.link("pia@example.com", WITHDRAW_RE)
        self.assertEqual(self.page(link).status_code, 200)
        self.env.cr.execute(
            "UPDATE social_crm_consent SET expires_at = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(minutes=1), request.consent_id.id),
        )
        self.env.invalidate_all()
        response = self.page(link)
        self.assertEqual(response.status_code, 404)
        self.assertIn("o_social_crm_consent_invalid", response.text)
        self.assertIn("not valid", response.text)

    def test_public_pages_are_not_cached_and_send_no_referrer(self):
        _request, token = self.ask()
        campaign = self.env["social_crm.content.campaign"].create(
            {"name": "Spring looks", "hashtag": "#SpringLooks"}
        )
        partner = self.env["res.partner"].create({"name": "Rob Review", "email": "rob@x.example"})
        review = (
            self.env["social_crm.review"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "state": "sent",
                    "expires_at": fields.Datetime.now() + timedelta(days=3),
                }
            )
        )
        paths = [
            f"/social_crm/consent/{token}",
            "/social_crm/consent/" + "A" * 43,
            "/social_crm/consent/confirm/" + "A" * 43,
            "/social_crm/consent/withdraw/" + "A" * 43,
            f"/social_crm/review/{review.access_token}",
            "/social_crm/review/made-up",
            f"/social_crm/reviews/{self.env.company.id}",
            f"/social_crm/photos/{campaign.access_token}",
            f"/social_crm/photos/{campaign.access_token}/terms",
            "/social_crm/photos/nope",
        ]
        for path in paths:
            response = requests.get(f"{self.base_url()}{path}", timeout=30, allow_redirects=False)
            self.assertIn(response.status_code, (200, 404), path)
            for header, value in PRIVATE_HEADERS.items():
                self.assertEqual(response.headers.get(header), value, f"{header} on {path}")
