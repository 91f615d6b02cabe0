"""Dutch (issue 14, section 4): every term of the module has a Dutch
translation, the .pot is current, the legal wording and the English reply
templates stay out of it, a Dutch user gets Dutch, and the public pages
speak the visitor's language.

When a test here fails after you added or changed a string: run
``make i18n`` and translate the empty ``msgstr`` in ``social_crm/i18n/nl.po``
(see ``social_crm/i18n/README.md``)."""

import re
from pathlib import Path

from babel.messages import pofile

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.translate import TranslationModuleReader

from ..consent_wording import PAGE, WORDING
from .test_content import ContentCommon
from .test_review import ReviewCommon

I18N = Path(__file__).resolve().parent.parent / "i18n"
PLACEHOLDERS = re.compile(r"%\(\w+\)s|%s|\{\{.*?\}\}")
HOWTO = (
    "run `make i18n`, then translate the empty msgstr in social_crm/i18n/nl.po "
    "(see social_crm/i18n/README.md)"
)


def read_po(name):
    with open(I18N / name, "rb") as file:
        return {message.id: message for message in pofile.read_po(file) if message.id}


def listing(msgids):
    return "\n".join(f"  - {msgid!r}" for msgid in sorted(msgids))


def load_dutch(env):
    env["res.lang"]._activate_lang("nl_NL")
    env["ir.module.module"]._load_module_terms(["social_crm"], ["nl_NL"], overwrite=True)


@tagged("post_install", "-at_install")
class TestI18nDutch(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = read_po("social_crm.pot")
        cls.nl = read_po("nl.po")

    def test_every_term_of_the_pot_has_a_dutch_translation(self):
        untranslated = {
            msgid
            for msgid in self.pot
            if msgid not in self.nl or not self.nl[msgid].string or self.nl[msgid].fuzzy
        }
        self.assertFalse(
            untranslated,
            f"{len(untranslated)} term(s) of social_crm.pot have no Dutch translation in nl.po; "
            f"{HOWTO}:\n{listing(untranslated)}",
        )

    def test_the_pot_is_current_with_the_code(self):
        """The terms an export would write now (Python, views, menus, QWeb,
        data, JS) are all in the .pot and translated in nl.po."""
        # a file Odoo cannot extract (e.g. an f-string inside _()) is logged and skipped
        with self.assertNoLogs("odoo.tools.translate", "ERROR"):
            reader = TranslationModuleReader(self.env.cr, ["social_crm"])
        current = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in reader
            if module == "social_crm" and source
        }
        self.assertGreater(len(current), 500)
        missing = current - set(self.pot)
        self.assertFalse(
            missing,
            f"{len(missing)} term(s) are not in social_crm.pot; {HOWTO}:\n{listing(missing)}",
        )
        untranslated = {msgid for msgid in current if not getattr(self.nl.get(msgid), "string", "")}
        self.assertFalse(
            untranslated,
            f"{len(untranslated)} term(s) have no Dutch translation; {HOWTO}:\n"
            f"{listing(untranslated)}",
        )

    def test_translations_keep_the_placeholders(self):
        broken = {
            msgid
            for msgid, message in self.nl.items()
            if message.string
            and sorted(PLACEHOLDERS.findall(msgid)) != sorted(PLACEHOLDERS.findall(message.string))
        }
        self.assertFalse(
            broken, f"these Dutch translations lose or add a placeholder:\n{listing(broken)}"
        )

    def test_legal_wording_and_reply_template_bodies_are_not_translated(self):
        """The consent wording is versioned evidence with its own Dutch and
        English texts, and English and Dutch reply templates are separate
        records chosen by the poster's language: neither is a term."""
        self.assertFalse(self.env["social_crm.reply.template"]._fields["body"].translate)
        bodies = set(
            self.env["ir.model.data"]
            .search([("module", "=", "social_crm"), ("model", "=", "social_crm.reply.template")])
            .mapped(lambda data: self.env["social_crm.reply.template"].browse(data.res_id).body)
        )
        self.assertGreaterEqual(len(bodies), 12)
        self.assertFalse(bodies & set(self.pot))
        legal = {text for _version, text in WORDING.values()}
        # the consent page's sentences (a one-word button such as "Confirm" is
        # also a label elsewhere)
        legal |= {text for texts in PAGE.values() for text in texts.values() if " " in text}
        self.assertFalse(legal & set(self.pot))
        self.assertFalse(
            [
                msgid
                for msgid, message in self.pot.items()
                if any("consent_wording" in path for path, _line in message.locations)
            ]
        )

    def test_a_dutch_user_gets_dutch_menus_labels_messages_and_mails(self):
        load_dutch(self.env)
        nl = self.env(context=dict(self.env.context, lang="nl_NL"))
        menu = nl.ref("social_crm.menu_social_crm_reply_templates")
        self.assertEqual(menu.name, "Antwoordsjablonen")
        field = nl["ir.model.fields"]._get("social_crm.conversation", "reply_template_id")
        self.assertEqual(field.field_description, "Antwoordsjabloon")
        selection = dict(nl["social_crm.conversation"]._fields["state"]._description_selection(nl))
        self.assertEqual(selection["open"], "Open")
        self.assertEqual(nl._("Write a reply first."), "Schrijf eerst een antwoord.")
        arch = nl["social_crm.conversation"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Antwoord versturen", arch)
        review_mail = nl.ref("social_crm.mail_template_review_request")
        self.assertIn("Schrijf je review", review_mail.body_html)
        self.assertEqual(review_mail.lang, "{{ object.partner_id.lang }}")
        # the web client's terms (JS _t)
        web, _params = nl["ir.http"].get_translations_for_webclient(["social_crm"], "nl_NL")
        messages = {row["id"]: row["string"] for row in web["social_crm"]["messages"]}
        self.assertEqual(messages["%s late"], "%s te laat")
        # an English reply template stays English for a Dutch agent
        english = nl.ref("social_crm.reply_template_dm_en")
        self.assertTrue(english.body.startswith("Sorry to hear that"))
        self.assertEqual(english.name, "Stuur ons een DM (Engels)")


DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"}
BELGIAN = {"Accept-Language": "nl-BE"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@tagged("post_install", "-at_install")
class TestI18nPublicPages(HttpCase, ReviewCommon, ContentCommon):
    """Review and photo pages follow the browser's language (Dutch or
    English), on every request; the consent page's "not valid" page too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_dutch(cls.env)

    def setUp(self):
        super().setUp()
        self.Review.search([("company_id", "=", self.company.id)]).unlink()
        self.review = self.invite(self.win()[1])
        self.token = self.review.sudo().access_token

    def text(self, url, headers, **kwargs):
        response = self.url_open(url, headers=headers, **kwargs)
        return " ".join(response.text.split())

    def test_review_page_in_dutch_or_english(self):
        url = f"/social_crm/review/{self.token}"
        dutch = self.text(url, DUTCH)
        self.assertIn("Hoe was het bij", dutch)
        self.assertIn("Mijn review publiceren", dutch)
        self.assertIn("Hoe was het bij", self.text(url, BELGIAN))
        english = self.text(url, ENGLISH)
        self.assertIn("How was it at", english)
        self.assertNotIn("Hoe was het bij", english)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', english).group(1)
        error = self.text(url, DUTCH, data={"csrf_token": csrf, "rating": "", "text": "Top"})
        self.assertIn("Kies een score van 1 tot 5 sterren.", error)
        published = f"/social_crm/reviews/{self.company.id}"
        self.assertIn("Nog geen reviews.", self.text(published, DUTCH))
        self.assertIn("No reviews yet.", self.text(published, ENGLISH))
        self.assertIn("Deze reviewlink is niet geldig", self.text("/social_crm/review/nope", DUTCH))

    def test_photo_pages_in_dutch_or_english(self):
        url = f"/social_crm/photos/{self.campaign.access_token}"
        self.assertIn("Er zijn nog geen foto's gepubliceerd.", self.text(url, DUTCH))
        self.assertIn("Er zijn nog geen foto's gepubliceerd.", self.text(url, BELGIAN))
        self.assertIn("No photos have been published yet.", self.text(url, ENGLISH))
        self.assertIn("Een foto geplaatst met #", self.text(f"{url}/terms", DUTCH))
        self.assertIn("Posted a photo with #", self.text(f"{url}/terms", ENGLISH))

    def test_consent_link_not_valid_in_dutch(self):
        page = self.text("/social_crm/consent/nope", DUTCH)
        self.assertIn(PAGE["nl"]["invalid"].split("{company}")[0].strip(), page)


@tagged("post_install", "-at_install")
class TestI18nDutchTour(HttpCase):
    """The main agent flow, run by an agent whose language is Dutch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_dutch(cls.env)
        cls.agent = new_test_user(
            cls.env,
            login="dutch_agent",
            name="Daan de Vries",
            groups="social_crm.group_social_crm_agent",
            lang="nl_NL",
        )

    def test_dutch_agent_answers_yesican_with_a_dutch_template(self):
        identity = self.env.ref("social_crm.demo_identity_yesican")
        conversation = self.env["social_crm.conversation"].search(
            [("identity_id", "=", identity.id), ("state", "!=", "closed")]
        )
        self.assertEqual(len(conversation), 1, "the demo data has @yesican's open conversation")
        # only that one in the inbox, so the tour opens it
        (self.env["social_crm.conversation"].search([]) - conversation).state = "closed"
        self.start_tour("/odoo", "social_crm_dutch_tour", login="dutch_agent")
        reply = conversation.post_ids.filtered(lambda message: message.direction == "out")
        self.assertTrue(reply.text.startswith("Hoi B., bedankt voor je bericht!"))
        self.assertEqual(reply.user_id, self.agent)
        self.assertEqual(conversation.state, "replied")
