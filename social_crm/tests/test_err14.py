"""Errors in the reader's language (issue 14, second review): a platform
error is stored as a catalogue key with its parameters and rendered when
read, so a Dutch agent reads Dutch even when the scheduled action that hit
the error ran as OdooBot, in English.

The Dutch of the new terms comes from ``nl.po`` once the integrator has
translated them; these tests put a stand-in Dutch translation of a few
catalogue templates in Odoo's code translations (what ``env._`` reads), so
they hold whatever ``nl.po`` says."""

import contextlib
from pathlib import Path
from unittest.mock import patch

import requests

from odoo.exceptions import UserError
from odoo.modules.migration import load_script
from odoo.tests import new_test_user, tagged
from odoo.tools.translate import code_translations

from ..connectors import Post, Profile
from ..connectors.base import CursorExpired
from ..connectors.messages import CATALOGUE, Message
from ..connectors.testing import local_recording
from .common import SocialCrmCommon

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.5.0" / "post-err14.py"

DUTCH = {
    CATALOGUE["server_error"]: (
        "%(place)s had een serverfout (%(status)s); het wordt later opnieuw geprobeerd."
    ),
    CATALOGUE["refused"]: "%(place)s weigerde het verzoek%(what)s.",
    CATALOGUE["said_status_code"]: " (%(status)s, code %(code)s)",
    CATALOGUE["not_allowed"]: "%(place)s staat dit niet toe%(what)s. %(advice)s",
    CATALOGUE["advice_mastodon_403"]: "Het toegangstoken mist een recht (lezen en schrijven).",
    CATALOGUE["maybe_posted"]: (
        "%(error)s Misschien is het toch geplaatst: het wordt niet opnieuw verstuurd "
        "voordat Social CRM het weet."
    ),
    CATALOGUE["place_timeout"]: "%(place)s antwoordde niet op tijd: probeer het later opnieuw.",
}


ANNA = Profile("42", handle="annoyed_anna", display_name="Anna de Boer")


@contextlib.contextmanager
def dutch_terms():
    """The module's Dutch code terms, with ``DUTCH`` on top."""
    key = ("social_crm", "nl_NL")
    terms = dict(code_translations.get_python_translations(*key))
    terms.update(DUTCH)
    with patch.dict(code_translations.python_translations, {key: terms}):
        yield


@tagged("post_install", "-at_install")
class TestErrorWordsInReadersLanguage(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_NL")
        cls.dutch_agent = new_test_user(
            cls.env,
            login="sc_agent_nl",
            name="Daan Agent",
            lang="nl_NL",
            groups="social_crm.group_social_crm_agent",
        )
        cls.cron = cls.env.ref("social_crm.ir_cron_social_crm_sync")
        cls.env["social_crm.stream"].search([("id", "!=", cls.stream.id)]).active = False

    def as_dutch_agent(self, records):
        return records.with_user(self.dutch_agent).with_context(lang="nl_NL")

    def test_a_cron_error_is_stored_as_words_and_read_in_dutch(self):
        self.assertEqual(self.cron.user_id.lang or "en_US", "en_US")
        with self.replay() as session:
            session.add_recording(local_recording("x", "errors.json")["server_error"])
            self.cron.method_direct_trigger()  # as OdooBot, in English
        self.assertTrue(self.cron.active)
        english = "X had a server error (503); it will be tried again later."
        with dutch_terms():
            dutch = "X had een serverfout (503); het wordt later opnieuw geprobeerd."
            self.assertEqual(self.as_dutch_agent(self.stream).last_error, dutch)
            self.assertEqual(self.as_dutch_agent(self.account).error_message, dutch)
            # the same record, read by an English reader, stays English
            self.assertEqual(self.account.with_context(lang="en_US").error_message, english)
        self.assertEqual(self.stream.with_context(lang="en_US").last_error, english)
        words = self.stream.last_error_words
        self.assertEqual(words["key"], "server_error")
        self.assertEqual(words["params"], {"place": "X", "status": 503})
        self.assertEqual(self.account.error_words["key"], "server_error")

    def test_a_cron_note_about_an_expired_cursor_is_in_the_company_language(self):
        """The note on the account's chatter stays as written: it is written
        in the company's language (Dutch here), not in the cron's English."""
        self.account.company_id.partner_id.lang = "nl_NL"
        self.stream.cursor = "old-cursor"
        error = CursorExpired(Message("server_error", place="X", status=503), cursor="")
        with dutch_terms():
            self.stream.with_context(lang="en_US")._record_failure(error)
        note = self.account.message_ids[:1]
        self.assertIn("X had een serverfout (503)", str(note.body))
        self.assertNotIn("server error", str(note.body))

    def test_nested_words_are_translated_too(self):
        """A 403 of Mastodon: our sentence, the status and the platform's
        advice, each a catalogue term; never Mastodon's own words."""
        account = self.env["social_crm.account"].create(
            {
                "name": "Store on Mastodon",
                "platform": "mastodon",
                "server_url": "https://mastodon.social",
                "mastodon_access_token": "token",
            }
        )
        stream = self.env["social_crm.stream"].create({"account_id": account.id, "kind": "mention"})
        forbidden = local_recording("mastodon", "errors.json")["forbidden"]
        with self.replay() as session:
            session.add_recording(forbidden, url_pattern=".")
            stream._sync_guarded()
        self.assertEqual(stream.last_error_words["key"], "not_allowed")
        self.assertEqual(
            stream.last_error_words["params"]["advice"],
            {"key": "advice_mastodon_403", "params": {}},
        )
        with dutch_terms():
            dutch = self.as_dutch_agent(stream).last_error
        self.assertTrue(dutch.startswith("Mastodon staat dit niet toe (403 Forbidden"), dutch)
        self.assertIn("Het toegangstoken mist een recht", dutch)
        self.assertNotIn(str(forbidden["body"]["error"]), dutch)

    def test_a_failed_reply_tells_the_agent_in_dutch(self):
        """The error raised to the agent who presses Send is in the agent's
        language: the connector's words are translated there too."""
        [post] = self.env["social_crm.message"]._ingest(
            self.account,
            [Post("1578516295611748353", "@Twitter waar blijft mijn pakket?", author=ANNA)],
        )
        conversation = self.as_dutch_agent(post.conversation_id)
        conversation.reply_draft = "Nogmaals"
        with self.replay() as session, dutch_terms():
            session.add_recording(local_recording("x", "errors.json")["reply_refused"])
            with self.assertRaises(UserError) as info:
                conversation.action_send_reply()
        self.assertIn("X weigerde het verzoek (403 Forbidden", str(info.exception))
        self.assertEqual(
            self.env["social_crm.conversation"].browse(conversation.id).reply_draft, "Nogmaals"
        )

    def test_a_post_that_may_have_gone_out_says_so_in_dutch(self):
        """A timeout after sending: the outgoing post's error and the agent's
        message nest the timeout's words inside "it may have been posted"."""
        [post] = self.env["social_crm.message"]._ingest(
            self.account,
            [Post("1578516295611748353", "@Twitter hallo?", author=ANNA)],
        )
        conversation = self.as_dutch_agent(post.conversation_id)
        conversation.reply_draft = "Goedemiddag"
        with self.replay() as session, dutch_terms():
            session.add("POST", r"/2/tweets", exc=requests.ReadTimeout("read timed out"))
            # not assertRaises: its savepoint would roll the outgoing record back
            try:
                conversation.action_send_reply()
            except UserError as error:
                message = str(error)
            else:
                self.fail("the reply did not fail")
        self.assertIn("antwoordde niet op tijd", message)
        self.assertIn("Misschien is het toch geplaatst", message)
        outbound = self.env["social_crm.outbound"].search(
            [("conversation_id", "=", post.conversation_id.id)]
        )
        self.assertEqual(outbound.state, "unknown")
        self.assertEqual(outbound.error_words["key"], "timeout")
        self.assertEqual(
            outbound.with_context(lang="en_US").error,
            "X did not answer in time; it will be tried again later.",
        )

    def test_text_written_or_stored_before_shows_as_written(self):
        """Writing the text stores words without a key (shown as written);
        False clears them; an old English sentence moves to the words column
        and is still shown (the 18.0.1.5.0 migration)."""
        self.stream.last_error = "Own words"
        self.assertEqual(self.stream.last_error_words, {"text": "Own words"})
        self.stream.last_error = False
        self.assertFalse(self.stream.last_error_words)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("ALTER TABLE social_crm_stream ADD COLUMN IF NOT EXISTS last_error text")
        cr.execute(
            "UPDATE social_crm_stream SET last_error = %s, last_error_words = NULL WHERE id = %s",
            ["X had a server error (503); it will be tried again later.", self.stream.id],
        )
        load_script(str(MIGRATION), "post_err14").migrate(cr, "18.0.1.4.0")
        self.stream.invalidate_recordset()
        self.assertEqual(
            self.stream.last_error_words,
            {"text": "X had a server error (503); it will be tried again later."},
        )
        with dutch_terms():
            self.assertEqual(
                self.as_dutch_agent(self.stream).last_error,
                "X had a server error (503); it will be tried again later.",
            )
