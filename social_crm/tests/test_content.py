import uuid
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from ..connectors import RequestRefused
from ..connectors.base import Post, Profile
from .common import SocialCrmCommon

PHOTO = "https://files.example/coat.jpg"


class ContentCommon(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls.env["social_crm.account"].create(
            {
                "name": "Shop (demo platform)",
                "platform": "demo",
                "handle": "shop",
                "external_user_id": "demo-shop",
            }
        )
        cls.campaign = cls.env["social_crm.content.campaign"].create(
            {
                "name": "Winter looks",
                "hashtag": "#WinterLooks",
                "account_ids": [(6, 0, cls.shop.ids)],
            }
        )
        cls.sarah = Profile("demo-sarah", handle="sarah", display_name="Sarah")

    def post(self, external_id, text, media=(PHOTO,), author=None, reply_to=""):
        [message] = self.Message._ingest(
            self.shop,
            [
                Post(
                    external_id,
                    text,
                    author=author or self.sarah,
                    media_urls=list(media),
                    parent_external_id=reply_to,
                    conversation_key=reply_to or external_id,
                )
            ],
        )
        return message

    def entry_of(self, message):
        return self.env["social_crm.content"].search([("message_id", "=", message.id)])


class TestCampaign(ContentCommon):
    def test_hashtags_are_stored_as_platforms_compare_them(self):
        self.assertEqual(self.campaign.hashtag, "winterlooks")
        self.assertEqual(self.campaign.rights_keyword, "ok_winterlooks")
        with self.assertRaisesRegex(ValidationError, "not a hashtag"):
            self.campaign.hashtag = "winter looks"
        with self.assertRaisesRegex(ValidationError, "must differ"):
            self.campaign.rights_keyword = "#WinterLooks"

    def test_start_listens_on_polled_accounts_and_close_stops(self):
        self.campaign.action_start()
        stream = self.campaign.stream_ids
        self.assertEqual(
            (stream.account_id, stream.kind, stream.query), (self.shop, "hashtag", "#winterlooks")
        )
        self.campaign.action_close()
        self.assertFalse(stream.active)
        self.campaign.action_start()
        self.assertTrue(stream.active, "restarting reuses the stream (and its cursor)")
        self.assertEqual(len(self.campaign.with_context(active_test=False).stream_ids), 1)

    def test_start_needs_an_account(self):
        other = self.env["res.company"].create({"name": "No accounts yet"})
        campaign = self.env["social_crm.content.campaign"].create(
            {"name": "Empty", "hashtag": "empty", "company_id": other.id}
        )
        with self.assertRaisesRegex(UserError, "Connect a social media account first"):
            campaign.action_start()

    def test_posts_with_the_hashtag_and_a_photo_become_entries(self):
        self.campaign.action_start()
        entry_post = self.post("p1", "My new coat! #winterlooks")
        no_photo = self.post("p2", "No picture #WinterLooks", media=())
        no_tag = self.post("p3", "Just a coat", author=Profile("demo-x", handle="x"))
        bad_media = self.post("p4", "#winterlooks", media=("javascript:alert(1)",))
        entry = self.entry_of(entry_post)
        self.assertEqual(entry.identity_id, entry_post.author_identity_id)
        self.assertEqual(entry.image_url, PHOTO)
        self.assertEqual(entry.state, "new")
        self.assertFalse(self.entry_of(no_photo) | self.entry_of(no_tag) | self.entry_of(bad_media))
        # the same post again (another page, another stream) adds nothing
        self.Message._ingest(
            self.shop, [Post("p1", "My new coat! #winterlooks", author=self.sarah)]
        )
        self.assertEqual(self.campaign.entry_count, 1)

    def test_no_entries_before_the_start_or_after_the_close(self):
        self.assertFalse(self.entry_of(self.post("p1", "#winterlooks")))
        self.campaign.action_start()
        self.campaign.action_close()
        self.assertFalse(self.entry_of(self.post("p2", "#winterlooks")))


class TestRights(ContentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign.action_start()

    def setUp(self):
        super().setUp()
        self.entry = self.entry_of(self.post("p1", "My new coat! #winterlooks"))

    def ask(self):
        self.entry.with_user(self.agent).action_request_rights()
        return self.entry.request_message_id

    def test_request_is_a_reply_with_the_keyword_and_terms_kept_as_sent(self):
        request = self.ask()
        self.assertEqual(self.entry.state, "requested")
        self.assertEqual(request.direction, "out")
        self.assertEqual(request.parent_id, self.entry.message_id)
        self.assertEqual(request.conversation_id, self.entry.conversation_id)
        self.assertIn("#ok_winterlooks", request.text)
        self.assertIn(self.campaign.terms_url, request.text)
        self.assertIn("Sarah", request.text)
        self.assertEqual(self.entry.request_wording, request.text)
        self.assertEqual(self.entry.requested_by, self.agent)
        asked_version = self.entry.terms_version
        self.campaign.terms = "New terms: printed in our catalogue too."
        self.assertNotEqual(self.campaign.terms_version, asked_version)
        self.assertEqual(
            self.entry.terms_version, asked_version, "the evidence keeps what was asked"
        )

    def test_the_authors_reply_with_the_keyword_grants_the_rights(self):
        request = self.ask()
        answer = self.post("p9", "Sure! #OK_winterlooks", media=(), reply_to=request.external_id)
        self.assertEqual(self.entry.state, "granted")
        self.assertEqual(self.entry.grant_message_id, answer)
        consent = self.env["social_crm.consent"].search(
            [("identity_id", "=", self.entry.identity_id.id), ("purpose", "=", "content_reuse")]
        )
        self.assertEqual(
            (consent.event, consent.channel, consent.message_id), ("grant", "social", answer)
        )
        self.assertEqual(consent.wording, self.entry.terms_wording)
        self.assertEqual(self.entry.identity_id.social_crm_consent_content_reuse, "granted")

    def test_no_grant_from_someone_else_a_refusal_or_before_the_request(self):
        self.post("p5", "#ok_winterlooks already!", media=(), reply_to="p1")  # not asked yet
        self.assertEqual(self.entry.state, "new")
        request = self.ask()
        stranger = Profile("demo-troll", handle="troll")
        self.post("p6", "#ok_winterlooks", media=(), author=stranger, reply_to=request.external_id)
        self.post("p7", "No #ok_winterlooks, sorry", media=(), reply_to=request.external_id)
        self.post("p8", "#ok_winterlooks", media=())  # not in this conversation
        self.assertEqual(self.entry.state, "requested")

    def test_refused_reply_changes_nothing(self):
        DemoConnector = type(self.shop._get_connector())

        def refuse(connector, text, in_reply_to, **kw):
            raise RequestRefused("The post was deleted.")

        with patch.object(DemoConnector, "reply", refuse):
            action = self.entry.with_user(self.agent).action_request_rights()
        self.assertEqual(self.entry.state, "new")
        self.assertFalse(self.entry.request_message_id)
        self.assertIn("The post was deleted.", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "warning")

    def test_only_granted_entries_are_published_and_withdrawal_unpublishes(self):
        with self.assertRaisesRegex(UserError, "granted the rights"):
            self.entry.with_user(self.agent).action_publish()
        with self.assertRaises(ValidationError):
            self.entry.sudo().published = True
        request = self.ask()
        self.post("p9", "#ok_winterlooks", media=(), reply_to=request.external_id)
        self.entry.with_user(self.agent).action_publish()
        self.assertTrue(self.entry.published)
        self.assertEqual(self.campaign.published_count, 1)
        self.entry.withdraw_reason = "Asked by DM on 3 December"
        self.entry.with_user(self.agent).action_withdraw()
        self.assertEqual(self.entry.state, "withdrawn")
        self.assertFalse(self.entry.published)
        self.env.invalidate_all()
        self.assertEqual(self.entry.identity_id.social_crm_consent_content_reuse, "withdrawn")
        with self.assertRaisesRegex(UserError, "granted the rights"):
            self.entry.action_publish()

    def test_asking_again_waits_a_day(self):
        first = self.ask()
        with self.assertRaisesRegex(UserError, "give the author a day"):
            self.entry.with_user(self.agent).action_request_rights()
        self.assertEqual(self.entry.request_message_id, first, "no second reply went out")
        with freeze_time(fields.Datetime.now() + timedelta(days=1, minutes=1)):
            self.entry.with_user(self.agent).action_request_rights()
        self.assertNotEqual(self.entry.request_message_id, first)

    def test_nobody_marks_rights_granted_by_hand(self):
        for vals in ({"state": "granted"}, {"grant_message_id": self.entry.message_id.id}):
            with self.assertRaisesRegex(UserError, "cannot be set by hand"):
                self.entry.with_user(self.agent).write(vals)
        with self.assertRaisesRegex(UserError, "cannot be set by hand"):
            self.entry.with_user(self.manager).write({"published": True})
        self.assertEqual(self.entry.state, "new")
        self.entry.with_user(self.agent).withdraw_reason = "typed notes are fine"

    def test_the_author_asking_to_remove_the_photo_takes_it_offline(self):
        request = self.ask()
        self.post("p9", "#ok_winterlooks", media=(), reply_to=request.external_id)
        self.entry.action_publish()
        # a happy post elsewhere changes nothing; "I withdraw" elsewhere neither
        self.post("q1", "Love how you used my photo!", media=())
        self.post("q2", "I withdraw my complaint about the delivery", media=())
        self.assertTrue(self.entry.published)
        withdrawal = self.post("q3", "Please remove my photo from your website", media=())
        self.assertEqual(self.entry.state, "withdrawn")
        self.assertFalse(self.entry.published)
        consent = self.env["social_crm.consent"].search(
            [("identity_id", "=", self.entry.identity_id.id), ("event", "=", "withdraw")]
        )
        self.assertEqual(consent.message_id, withdrawal, "the post itself is the evidence")

    def test_a_general_withdrawal_counts_in_the_photos_conversation(self):
        request = self.ask()
        self.post("p9", "#ok_winterlooks", media=(), reply_to=request.external_id)
        self.post("p10", "Actually, I withdraw my permission", media=(), reply_to="p9")
        self.assertEqual(self.entry.state, "withdrawn")

    def test_a_withdrawal_recorded_in_the_consent_log_takes_entries_offline(self):
        request = self.ask()
        self.post("p9", "#ok_winterlooks", media=(), reply_to=request.external_id)
        self.entry.action_publish()
        self.env["social_crm.consent.wizard"].with_user(self.agent).create(
            {
                "identity_id": self.entry.identity_id.id,
                "purpose": "content_reuse",
                "event": "withdraw",
                "channel": "email",
                "note": "E-mail of 2 December: please remove my photos.",
            }
        ).action_record()
        self.assertEqual(self.entry.state, "withdrawn")
        self.assertFalse(self.entry.published)

    def test_erasure_removes_the_entries(self):
        request = self.ask()
        self.post("p9", "#ok_winterlooks", media=(), reply_to=request.external_id)
        self.entry.action_publish()
        identity = self.entry.identity_id
        identity.with_user(self.manager)._erase_personal_data()
        self.assertFalse(self.entry.exists())
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "social_crm.content"), ("res_id", "=", self.entry.id)]
            )
        )


@tagged("post_install", "-at_install")
class TestGalleryPages(HttpCase, ContentCommon):
    def test_gallery_shows_published_entries_only_and_escapes_names(self):
        self.campaign.action_start()
        evil = Profile("demo-evil", handle="evil", display_name='<img src=x onerror="alert(1)">')
        shown = self.entry_of(self.post("g1", "#winterlooks", author=evil))
        hidden = self.entry_of(
            self.post("g2", "#winterlooks", media=("https://files.example/hidden.jpg",))
        )
        shown.sudo().write({"state": "granted"})
        shown.action_publish()
        self.assertEqual(hidden.state, "new")
        response = self.url_open(f"/social_crm/photos/{self.campaign.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(PHOTO, response.text)
        self.assertNotIn("hidden.jpg", response.text)
        self.assertNotIn('<img src=x onerror="alert(1)">', response.text)
        self.assertIn("&lt;img src=x", response.text)
        terms = self.url_open(f"/social_crm/photos/{self.campaign.access_token}/terms")
        self.assertEqual(terms.status_code, 200)
        self.assertIn(self.campaign.terms_version, terms.text)
        self.assertIn("#ok_winterlooks", terms.text)

    def test_unknown_or_archived_campaign_is_not_found(self):
        self.assertEqual(self.url_open("/social_crm/photos/nope").status_code, 404)
        self.campaign.active = False
        response = self.url_open(f"/social_crm/photos/{self.campaign.access_token}")
        self.assertEqual(response.status_code, 404)


class TestRightsRequestLock(TransactionCase):
    """Two agents ask at once, in real transactions (committed data,
    cleaned up afterwards): the second is refused before any reply leaves."""

    @mute_logger("odoo.sql_db")
    def test_a_request_in_progress_blocks_a_second_one(self):
        prefix = f"lock{uuid.uuid4().hex[:8]}"
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = env["social_crm.account"].create(
                {"name": prefix, "platform": "demo", "external_user_id": f"demo-{prefix}"}
            )
            campaign = env["social_crm.content.campaign"].create(
                {"name": prefix, "hashtag": prefix, "account_ids": [(6, 0, account.ids)]}
            )
            campaign.state = "running"
            [post] = env["social_crm.message"]._ingest(
                account,
                [
                    Post(
                        f"{prefix}-1",
                        f"#{prefix}",
                        author=Profile(f"demo-{prefix}-a", handle=prefix),
                        media_urls=[PHOTO],
                    )
                ],
            )
            entry_id = env["social_crm.content"].search([("message_id", "=", post.id)]).id
            account_id, campaign_id = account.id, campaign.id
        self.addCleanup(self._cleanup, account_id, campaign_id)
        self.assertTrue(entry_id)
        with self.registry.cursor() as first, self.registry.cursor() as second:
            first.execute("SELECT id FROM social_crm_content WHERE id = %s FOR UPDATE", [entry_id])
            # without the lock, the second request would wait on the row: fail instead of hanging
            second.execute("SET LOCAL lock_timeout = '2s'")
            env = api.Environment(second, SUPERUSER_ID, {})
            sent = []
            Demo = type(env["social_crm.account"].browse(account_id)._get_connector())
            with (
                patch.object(Demo, "reply", lambda *args, **kw: sent.append(args)),
                self.assertRaisesRegex(UserError, "Someone else is asking"),
            ):
                env["social_crm.content"].browse(entry_id).action_request_rights()
            self.assertFalse(sent, "nothing was posted")
            second.rollback()
            first.rollback()

    def _cleanup(self, account_id, campaign_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["social_crm.content.campaign"].browse(campaign_id).unlink()
            env["social_crm.account"].browse(account_id).unlink()
