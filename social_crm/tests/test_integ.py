"""Integration of branches written side by side (images out, spread
tracking, Flickr) with the connector error catalogue (issue 14): their
refusals read in the agent's language, and their behaviours still meet
(an image-only reply outside Meta's 24-hour window is refused too)."""

import contextlib
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase
from odoo.tools.translate import code_translations

from ..connectors import Post, Profile
from ..connectors.media import Image
from ..connectors.messages import CATALOGUE
from ..connectors.testing import local_recording
from .test_flickr17 import FlickrCommon
from .test_flickr17 import queue as flickr_queue
from .test_img13 import PNG, ImagesCommon
from .test_rest13 import LAST_DM, PASSED, FakeMeta
from .test_spread16 import NOW, TWEETS, SpreadCase

DUTCH = {
    CATALOGUE["media_too_many"]: (
        "%(place)s neemt hoogstens %(most)s afbeeldingen mee met %(what)s; het zijn er "
        "%(count)s. Er is niets verstuurd: haal er %(extra)s weg."
    ),
    CATALOGUE["thing_a_reply"]: "een antwoord",
    CATALOGUE["media_refused"]: "%(reason)s Er is niets verstuurd.",
    CATALOGUE["media_instagram_comment"]: "Instagram-reacties kunnen geen afbeeldingen bevatten.",
    CATALOGUE["x_window_limit"]: "De limiet van X is bereikt; het gaat daarna verder.",
    CATALOGUE["unavailable_now"]: (
        "%(place)s is nu niet beschikbaar%(what)s; het wordt later opnieuw geprobeerd."
    ),
    CATALOGUE["said_code"]: " (code %(code)s)",
}


@contextlib.contextmanager
def dutch_terms():
    key = ("social_crm", "nl_NL")
    terms = dict(code_translations.get_python_translations(*key))
    terms.update(DUTCH)
    with patch.dict(code_translations.python_translations, {key: terms}):
        yield


@tagged("post_install", "-at_install")
class TestIntegImagesInReadersLanguage(ImagesCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_NL")
        cls.agent.lang = "nl_NL"

    def test_a_refused_image_reads_in_dutch(self):
        images = [self.upload(f"foto{i}.png") for i in range(5)]
        with dutch_terms(), self.spy_images() as calls:
            with self.assertRaises(UserError) as refused:
                # as the mail controller does, in the agent's language
                self.channel.with_user(self.agent).with_context(lang="nl_NL").sudo().message_post(
                    body="Vijf",
                    message_type="comment",
                    social_crm_send=True,
                    attachment_ids=[i.id for i in images],
                )
        self.assertIn(
            "Demo neemt hoogstens 4 afbeeldingen mee met een antwoord; het zijn er 5. "
            "Er is niets verstuurd: haal er 1 weg.",
            str(refused.exception),
        )
        self.assertEqual(calls, [])

    def test_the_composers_image_rule_reads_in_dutch(self):
        account = self.env["social_crm.account"].create(
            {"name": "Insta store", "platform": "instagram", "external_user_id": "ig-store"}
        )
        [post] = self.env["social_crm.message"]._ingest(
            account, [Post("ig-c-9", "Mooi", author=Profile("ig-pam", handle="pam"))]
        )
        conversation = post.conversation_id.with_user(self.agent).with_context(lang="nl_NL")
        with dutch_terms():
            hint = conversation._social_crm_media_hint()
        self.assertEqual(hint, "Instagram-reacties kunnen geen afbeeldingen bevatten.")
        english = post.conversation_id.with_context(lang="en_US")._social_crm_media_hint()
        self.assertTrue(english.startswith("Instagram comments cannot carry images"), english)


@tagged("post_install", "-at_install")
class TestIntegImagesOutsideTheWindow(TransactionCase):
    def test_an_image_only_private_reply_after_24_hours_is_refused_before_the_platform(self):
        agent = new_test_user(
            self.env, login="integ_window_agent", groups="social_crm.group_social_crm_agent"
        )
        page = self.env["social_crm.account"].create(
            {"name": "Shop page", "platform": "facebook", "external_user_id": "page-9"}
        )
        who = Profile("psid-9", handle="", display_name="Wim")
        [dm] = self.env["social_crm.message"]._ingest(
            page, [Post("m-9", "Pakket?", LAST_DM, author=who, conversation_key="dm:psid-9")]
        )
        conversation = dm.conversation_id.with_user(agent)
        fake = FakeMeta()
        Account = type(self.env["social_crm.account"])
        image = Image("label.png", "image/png", PNG)
        with (
            freeze_time(LAST_DM + timedelta(days=2)),
            patch.object(Account, "_get_connector", lambda account: fake),
            self.assertRaises(UserError) as refused,
        ):
            conversation._send_reply_text("", images=[image])
        self.assertIn(PASSED, str(refused.exception))
        self.assertEqual(fake.sent, [])


@tagged("post_install", "-at_install")
class TestIntegSpreadErrorInReadersLanguage(SpreadCase):
    def test_a_paused_spread_tracking_says_why_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.ingest("801")
        limited = local_recording("x", "metrics.json")["rate_limited"]
        with self.replay() as session:
            session.add_recording(limited, url_pattern=TWEETS)
            self.track(NOW + timedelta(minutes=10))  # as OdooBot, in English
        self.assertEqual(self.account.spread_error_words["key"], "x_window_limit")
        english = self.account.with_context(lang="en_US").spread_error
        self.assertTrue(english.startswith("X's rate limit for this endpoint"), english)
        with dutch_terms():
            dutch = self.account.with_context(lang="nl_NL").spread_error
        self.assertEqual(dutch, "De limiet van X is bereikt; het gaat daarna verder.")


@tagged("post_install", "-at_install")
class TestIntegFlickrErrorInReadersLanguage(FlickrCommon):
    def test_a_flickr_stream_error_is_stored_as_words_and_read_in_dutch(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        unavailable = local_recording("flickr", "errors.json")["search_unavailable"]
        with self.replay() as session:
            flickr_queue(session, unavailable, method="flickr.photos.search")
            _messages, error = self.tag_stream._sync_guarded()
        self.assertTrue(error)
        words = self.tag_stream.last_error_words
        self.assertEqual(words["key"], "unavailable_now")
        self.assertEqual(words["params"]["place"], "Flickr")
        english = self.tag_stream.with_context(lang="en_US").last_error
        self.assertTrue(english.startswith("Flickr is not available right now (code "), english)
        with dutch_terms():
            dutch = self.tag_stream.with_context(lang="nl_NL").last_error
        self.assertTrue(dutch.startswith("Flickr is nu niet beschikbaar (code "), dutch)
        self.assertTrue(dutch.endswith("het wordt later opnieuw geprobeerd."), dutch)
