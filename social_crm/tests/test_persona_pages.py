"""Issue 12, points 8 and 9: public pages, e-mails, previews, placeholders
and errors written for people."""

import re
from types import SimpleNamespace
from unittest.mock import patch

import requests

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import Post, Profile
from ..connectors.bluesky import BlueskyConnector
from ..controllers import consent, content, review
from .common import SocialCrmCommon
from .test_consent_page import CSRF_RE

#: what requests says when a server cannot be reached: never for users
RAW = (
    "HTTPSConnectionPool(host='mastodon.social', port=443): Max retries exceeded with url: "
    "/api/v1/accounts/verify_credentials (Caused by NewConnectionError('<urllib3.connection."
    "HTTPSConnection object at 0x7f06d1c2>: Failed to establish a new connection'))"
)


@tagged("post_install", "-at_install")
class TestPersonaErrors(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            login="sc_pages_admin",
            name="Anne Admin",
            groups="base.group_system,social_crm.group_social_crm_manager",
        )
        cls.mastodon = cls.env["social_crm.account"].create(
            {
                "name": "Store on Mastodon",
                "platform": "mastodon",
                "handle": "store",
                "server_url": "https://mastodon.social",
                "mastodon_access_token": "secret-token",
            }
        )
        customer = Profile("42", handle="annoyed_anna", display_name="Anna de Boer")
        [cls.post] = cls.Message._ingest(
            cls.account,
            [Post("1578516295611748353", "@Twitter where is my order", author=customer)],
        )
        cls.conversation = cls.post.conversation_id

    def assertPlain(self, text):
        for raw in ("HTTPSConnectionPool", "0x7f06", "NewConnectionError", "ConnectionError"):
            self.assertNotIn(raw, text)

    def test_a_failed_connection_test_reads_as_a_sentence_with_detail_for_admins(self):
        with self.replay() as session:
            session.add("GET", r"verify_credentials", exc=requests.ConnectionError(RAW), times=3)
            action = self.mastodon.with_user(self.admin).action_test_connection()
        shown = self.mastodon.with_user(self.agent).error_message
        self.assertEqual(
            shown,
            "Could not reach mastodon.social: check the server address or try again later.",
        )
        self.assertIn(shown, action["params"]["message"])
        self.assertPlain(action["params"]["message"])
        with self.assertRaises(AccessError):
            self.mastodon.with_user(self.agent).read(["error_detail"])
        detail = self.mastodon.with_user(self.admin).error_detail
        self.assertIn("ConnectionError", detail)
        self.assertIn("NewConnectionError", detail)

    def test_a_stream_that_cannot_reach_its_server_says_so(self):
        stream = self.env["social_crm.stream"].create(
            {"account_id": self.mastodon.id, "kind": "mention"}
        )
        with self.replay() as session:
            session.add("GET", r"mastodon\.social", exc=requests.ConnectionError(RAW), times=5)
            action = stream.with_user(self.manager).action_sync_now()
        self.assertPlain(action["params"]["message"])
        self.assertIn("Could not reach mastodon.social", action["params"]["message"])
        self.assertIn("Could not reach mastodon.social", stream.last_error)
        self.assertPlain(stream.last_error)
        self.assertPlain(self.mastodon.error_message)
        self.assertIn("ConnectionError", stream.with_user(self.admin).last_error_detail)

    def test_an_unexpected_error_in_a_guarded_run_is_no_repr(self):
        Stream = type(self.stream)
        with (
            patch.object(
                Stream, "_sync_batch", side_effect=ValueError("<object at 0x7f06d1c2> broke")
            ),
            self.assertLogs("odoo.addons.social_crm.models.social_crm_stream", "ERROR"),
        ):
            _messages, error = self.stream._sync_guarded()
        self.assertTrue(error)
        self.assertNotIn("0x7f06", self.stream.last_error)
        self.assertNotIn("ValueError", self.stream.last_error)
        self.assertIn("administrator can read the technical details", self.stream.last_error)
        self.assertIn("ValueError", self.stream.last_error_detail)

    def test_a_failed_reply_reads_as_a_sentence_and_keeps_the_draft(self):
        conversation = self.conversation.with_user(self.agent)
        conversation.reply_draft = "On its way!"
        with self.replay() as session:
            session.add("POST", r"/2/tweets", exc=requests.ConnectionError(RAW))
            with self.assertRaises(UserError) as caught:
                conversation.action_send_reply()
        message = str(caught.exception)
        self.assertIn("Could not reach X (Twitter): check the server address", message)
        self.assertIn("draft is kept", message)
        self.assertNotIn("Technical detail", message)
        self.assertPlain(message)
        self.assertEqual(self.conversation.reply_draft, "On its way!")

    def test_an_admin_reads_the_technical_detail_of_a_failed_reply(self):
        conversation = self.conversation.with_user(self.admin)
        conversation.reply_draft = "On its way!"
        with self.replay() as session:
            session.add("POST", r"/2/tweets", exc=ValueError("bad <object at 0x7f06>"))
            with self.assertRaises(UserError) as caught:
                conversation.action_send_reply()
        message = str(caught.exception)
        self.assertIn("Something went wrong", message)
        self.assertIn("Technical detail: ValueError", message)


@tagged("post_install", "-at_install")
class TestPersonaConsentPreview(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = cls.env["social_crm.account"].create(
            {"name": "Store (demo)", "platform": "demo", "external_user_id": "demo-store"}
        )
        fan = Profile("demo-fan", handle="happy_fan", display_name="Hanna Fan")
        [post] = cls.Message._ingest(
            cls.demo, [Post("preview-1", "Thank you for the quick help!", author=fan)]
        )
        cls.conversation = post.conversation_id

    def open_preview(self, conversation=None):
        conversation = (conversation or self.conversation).with_user(self.agent)
        action = conversation.action_ask_consent_preview()
        self.assertEqual(
            (action["res_model"], action["target"]),
            (
                "social_crm.consent.ask.wizard",
                "new",
            ),
        )
        return self.env[action["res_model"]].with_user(self.agent).browse(action["res_id"])

    def outgoing(self, conversation=None):
        posts = (conversation or self.conversation).post_ids
        return posts.filtered(lambda m: m.direction == "out")

    def test_the_preview_shows_the_exact_message_and_sends_nothing(self):
        wizard = self.open_preview()
        self.assertIn("Hi Hanna, glad we could help!", wizard.preview)
        self.assertIn("[personal link]", wizard.preview)
        self.assertNotIn("/social_crm/consent/", wizard.preview)
        self.assertTrue(wizard.preview.endswith("^Ada"))
        self.assertEqual(wizard.send_as, "private")
        self.assertFalse(wizard.warning)
        # Cancel: the wizard is closed, nothing was asked nor sent
        self.assertFalse(self.conversation.consent_request_ids)
        self.assertFalse(self.outgoing())

    def test_send_goes_through_ask_for_consent_once(self):
        wizard = self.open_preview()
        action = wizard.action_send()
        self.assertEqual(action["params"]["type"], "success")
        request = self.conversation.consent_request_ids
        self.assertEqual(len(request), 1)
        sent = self.outgoing()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.text, wizard.preview.replace("[personal link]", request.sudo().url))
        outbound = self.env["social_crm.outbound"].sudo()
        domain = [("conversation_id", "=", self.conversation.id), ("kind", "=", "consent")]
        self.assertEqual(outbound.search_count(domain), 1)

    def test_without_private_messages_the_preview_warns_of_a_public_link(self):
        account = self.env["social_crm.account"].create(
            {"name": "Store on Bluesky", "platform": "bluesky", "handle": "store.bsky.social"}
        )
        author = Profile("did:plc:fan", handle="fan.bsky.social", display_name="Bo Bluesky")
        [post] = self.Message._ingest(
            account, [Post("at://did:plc:fan/app.bsky.feed.post/1", "Thanks!", author=author)]
        )
        # Bluesky chat takes the link privately
        wizard = self.open_preview(post.conversation_id)
        self.assertEqual((wizard.send_as, wizard.warning), ("private", False))
        # a platform without private messages: the link would be public
        with patch.object(BlueskyConnector, "supports_private", False):
            wizard = self.open_preview(post.conversation_id)
            self.assertEqual(wizard.send_as, "reply")
            self.assertIn("Bluesky sends no private messages", wizard.warning)
            self.assertIn("everyone sees the link", wizard.warning)

    def test_the_conversation_form_button_opens_the_preview(self):
        view = self.env.ref("social_crm.social_crm_conversation_view_form")
        self.assertIn('name="action_ask_consent_preview"', view.arch_db)
        self.assertNotIn('name="action_ask_consent"', view.arch_db)
        self.env.ref("social_crm.social_crm_consent_ask_wizard_view_form")  # it loads


LINK_RE = re.compile(r'<a\b(?=[^>]*class="o_social_crm_mail_button")[^>]*href="([^"]+)"')


@tagged("post_install", "-at_install")
class TestPersonaPublicPages(HttpCase):
    """The consent, review and photo pages and their e-mails: the company's
    logo, name and privacy link; the person's language; clickable links."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "name": "Warenhuis Hollandia",
                "social_crm_privacy_url": "https://hollandia.example.com/privacy",
            }
        )
        cls.agent = new_test_user(
            cls.env,
            login="pages_agent",
            name="Pia Pages",
            groups="social_crm.group_social_crm_agent",
        )
        cls.account = cls.env["social_crm.account"].create(
            {
                "name": "Warenhuis Hollandia (demo)",
                "platform": "demo",
                "handle": "hollandia",
                "external_user_id": "demo-pages",
            }
        )
        fan = Profile("demo-fan", handle="happy_fan", display_name="Hanna Fan")
        [post] = cls.env["social_crm.message"]._ingest(
            cls.account,
            [Post("pages-1", "Bedankt voor de snelle hulp!", author=fan, lang="nl")],
        )
        cls.conversation = post.conversation_id

    def ask(self):
        self.conversation.with_user(self.agent).action_ask_consent()
        request = self.conversation.consent_request_ids[:1]
        self.assertEqual(request.lang, "nl")
        return request, request.sudo().token

    def assertCompanyFrame(self, html, privacy_label="Privacy policy"):
        self.assertIn(f"/logo.png?company={self.company.id}", html)
        self.assertIn("Warenhuis Hollandia", html)
        self.assertIn('href="https://hollandia.example.com/privacy"', html)
        self.assertIn(privacy_label, html)
        self.assertNotIn("YourCompany", html)
        self.assertNotIn("(demo)", html)

    def get(self, path):
        page = self.url_open(path, allow_redirects=False)
        self.assertEqual(page.status_code, 200, path)
        return page.text

    def post_form(self, path, **data):
        csrf = CSRF_RE.search(self.get(path)).group(1)
        page = self.url_open(path, data={"csrf_token": csrf, **data}, allow_redirects=False)
        self.assertEqual(page.status_code, 200, path)
        return page.text

    def mail_of(self, request):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("model", "=", request._name), ("res_id", "=", request.id)],
                order="id desc",
                limit=1,
            )
        )

    def test_the_consent_page_shows_the_company_and_says_where_it_asked(self):
        _request, token = self.ask()
        html = self.get(f"/social_crm/consent/{token}")
        self.assertCompanyFrame(html, "Privacyverklaring")
        self.assertIn("Warenhuis Hollandia nodigde je uit via @hollandia", html)
        self.assertNotIn("via Demo", html)

    def test_the_consent_e_mails_are_html_with_working_buttons_in_dutch(self):
        request, token = self.ask()
        self.post_form(f"/social_crm/consent/{token}", email="hanna@example.com", agree="1")
        mail = self.mail_of(request)
        self.assertEqual(mail.subject, "Graag bevestigen: berichten van Warenhuis Hollandia")
        body = str(mail.body_html)
        self.assertCompanyFrame(body, "Privacyverklaring")
        self.assertIn("Mijn e-mailadres bevestigen", body)
        link = LINK_RE.search(body).group(1)
        self.assertRegex(link, r"/social_crm/consent/confirm/[\w-]{32,}$")
        path = link[link.index("/social_crm/") :]
        self.assertIn("Bevestigen", self.get(path))
        self.post_form(path)
        mail = self.mail_of(request)
        body = str(mail.body_html)
        self.assertEqual(mail.subject, "Je toestemming voor Warenhuis Hollandia is vastgelegd")
        self.assertIn("Toestemming intrekken", body)
        link = LINK_RE.search(body).group(1)
        self.assertRegex(link, r"/social_crm/consent/withdraw/[\w-]{32,}$")
        self.assertIn("Toestemming intrekken", self.get(link[link.index("/social_crm/") :]))

    def test_an_english_post_gets_english_pages_and_e_mails(self):
        fan = Profile("demo-en", handle="en_fan", display_name="Eve English")
        [post] = self.env["social_crm.message"]._ingest(
            self.account, [Post("pages-2", "Thanks for the help!", author=fan, lang="en")]
        )
        post.conversation_id.with_user(self.agent).action_ask_consent()
        request = post.conversation_id.consent_request_ids
        html = self.get(f"/social_crm/consent/{request.sudo().token}")
        self.assertIn("You were invited by Warenhuis Hollandia on @hollandia", html)
        self.post_form(
            f"/social_crm/consent/{request.sudo().token}", email="eve@example.com", agree="1"
        )
        body = str(self.mail_of(request).body_html)
        self.assertIn("Confirm my e-mail address", body)
        self.assertIn("Privacy policy", body)

    def test_review_pages_and_invitation_show_the_company(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        partner = self.env["res.partner"].create(
            {"name": "Henk de Vries", "email": "henk@example.com", "lang": "nl_NL"}
        )
        review = self.env["social_crm.review"].create({"partner_id": partner.id})
        review.send_after = fields.Datetime.now()
        self.env["social_crm.review"]._cron_send()
        self.assertEqual(review.state, "sent")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", review._name), ("res_id", "=", review.id)])
        )
        body = str(mail.body_html)
        self.assertIn("Schrijf je review", body)
        self.assertIn("Hoe was het?", mail.subject)
        link = LINK_RE.search(body).group(1)
        self.assertEqual(link, review._review_url())
        html = self.get(link[link.index("/social_crm/") :])
        self.assertCompanyFrame(html)
        self.assertCompanyFrame(self.get(f"/social_crm/reviews/{self.company.id}"))

    def test_the_not_valid_pages_keep_the_frame(self):
        html = self.url_open("/social_crm/consent/" + "x" * 40).text
        self.assertIn("/logo.png?company=", html)
        self.assertNotIn("YourCompany", html)
        html = self.url_open("/social_crm/photos/" + "x" * 40).text
        self.assertIn("o_social_crm_gallery_missing", html)
        self.assertIn("/logo.png?company=", html)

    def test_the_verification_code_e_mail_is_html_in_the_posters_language(self):
        partner = self.env["res.partner"].create(
            {"name": "Hanna Fan", "email": "hanna.fan@example.com"}
        )
        identity = self.conversation.identity_id
        suggestion = self.env["social_crm.suggestion"].create(
            {"identity_id": identity.id, "partner_id": partner.id, "score": 0.8}
        )
        suggestion.with_user(self.agent).action_send_code()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", suggestion._name), ("res_id", "=", suggestion.id)])
        )
        self.assertEqual(mail.subject, "Je verificatiecode voor Warenhuis Hollandia")
        body = str(mail.body_html)
        self.assertRegex(body, r'class="o_social_crm_mail_code">\d{6}<')
        self.assertIn("Hallo Hanna Fan", body)
        self.assertCompanyFrame(body, "Privacyverklaring")


@tagged("post_install", "-at_install")
class TestPersonaTemplatePlaceholders(SocialCrmCommon):
    def test_templates_show_friendly_placeholders(self):
        Template = self.env["social_crm.reply.template"].with_user(self.manager)
        thanks = Template.browse(self.env.ref("social_crm.reply_template_thanks_en").id)
        self.assertEqual(
            thanks.body_preview,
            "Hi [First name], thank you for your message! ^[Your first name]",
        )
        dm = Template.browse(self.env.ref("social_crm.reply_template_dm_en").id)
        handle = self.env["social_crm.identity"]._fields["handle"].string
        self.assertIn(f"Sorry to hear that, @[{handle}].", dm.body_preview)
        ask = Template.browse(self.env.ref("social_crm.reply_template_ask_consent_en").id)
        self.assertIn("[personal link]", ask.body_preview)
        for template in Template.search([]):
            self.assertNotIn("{{", template.body_preview)

    def test_the_list_and_form_use_the_preview_and_the_placeholder_tool(self):
        views = (
            self.env["social_crm.reply.template"]
            .with_user(self.manager)
            .get_views([(False, "list"), (False, "form")])["views"]
        )
        self.assertIn('name="body_preview"', views["list"]["arch"])
        self.assertNotIn('name="body"', views["list"]["arch"])
        form = views["form"]["arch"]
        self.assertIn("dynamic_placeholder", form)
        self.assertIn('name="render_model"', form)
        self.assertIn('name="body_preview"', form)

    def test_rendering_a_reply_still_fills_the_placeholders(self):
        fan = Profile("7", handle="anna_b", display_name="Anna Bakker")
        [post] = self.Message._ingest(self.account, [Post("tpl-1", "Hello", author=fan)])
        text = (
            self.env.ref("social_crm.reply_template_thanks_en")
            .with_user(self.agent)
            ._render_for(post.conversation_id)
        )
        self.assertEqual(text, "Hi Anna, thank you for your message! ^Ada")


@tagged("post_install", "-at_install")
class TestPersonaPublicLayout(SocialCrmCommon):
    """The public pages take the website's frame when Website serves them
    (every public route is declared ``website=True``), else Odoo's bare one."""

    def test_layout_follows_the_website(self):
        Company = self.env["res.company"]
        self.assertEqual(Company._social_crm_public_layout(), "web.frontend_layout")
        website_request = SimpleNamespace(website=SimpleNamespace(id=1))
        with patch("odoo.addons.social_crm.models.res_company.request", website_request):
            self.assertEqual(Company._social_crm_public_layout(), "website.layout")
        with patch("odoo.addons.social_crm.models.res_company.request", SimpleNamespace()):
            self.assertEqual(Company._social_crm_public_layout(), "web.frontend_layout")

    def test_every_public_route_is_served_by_the_website_when_there_is_one(self):
        for controller in (
            consent.SocialCrmConsent,
            review.SocialCrmReview,
            content.SocialCrmContent,
        ):
            for name, method in vars(controller).items():
                routing = getattr(method, "original_routing", None) or getattr(
                    method, "routing", None
                )
                if routing and routing.get("auth") == "public":
                    self.assertTrue(routing.get("website"), f"{controller.__name__}.{name}")
