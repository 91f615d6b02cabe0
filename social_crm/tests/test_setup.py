"""Issue 14: a receptionist can set it up (handle import, first-run checklist)."""

import csv
import io
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..connectors import Profile, RequestRefused

IMPORT_FIELDS = ["name", "email", "social_crm_import_platform", "social_crm_import_handle"]


def csv_file(rows, header=("Name", "Email", "Platform", "Social")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@tagged("post_install", "-at_install")
class TestHandleImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="sc_import_agent",
            name="Rita Receptie",
            groups="social_crm.group_social_crm_agent,base.group_partner_manager",
        )
        cls.Identity = cls.env["social_crm.identity"]

    def run_import(self, rows, dryrun=False, user=None):
        env = self.env(user=user or self.agent)
        wizard = env["base_import.import"].create(
            {
                "res_model": "res.partner",
                "file": csv_file(rows),
                "file_name": "customers.csv",
                "file_type": "text/csv",
            }
        )
        options = {"has_headers": True, "quoting": '"', "separator": ",", "encoding": "utf-8"}
        return wizard.execute_import(
            IMPORT_FIELDS, ["Name", "Email", "Platform", "Social"], options, dryrun=dryrun
        )

    def imported(self, email):
        return self.env["res.partner"].search([("email", "=", email)])

    def test_thousand_customers_become_linked_identities_in_one_import(self):
        # a handle already seen on X (it posted: user id known) is linked, not doubled
        posted = self.Identity.create({"platform": "x", "user_id": "42", "handle": "Klant_5"})
        rows = []
        for n in range(1000):
            kind = n % 5
            if kind == 0:
                rows.append((f"Klant {n}", f"k{n}@example.com", "X", f"@Klant_{n}"))
            elif kind == 1:
                rows.append((f"Klant {n}", f"k{n}@example.com", "", f"https://x.com/klant_{n}"))
            elif kind == 2:
                rows.append(
                    (f"Klant {n}", f"k{n}@example.com", "", f"https://mastodon.social/@klant{n}")
                )
            elif kind == 3:
                rows.append((f"Klant {n}", f"k{n}@example.com", "Bluesky", f"klant{n}.bsky.social"))
            else:
                rows.append((f"Klant {n}", f"k{n}@example.com", "", f"instagram.com/klant.{n}"))
        result = self.run_import(rows)
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result)
        self.assertEqual(len(result["ids"]), 1000)
        partners = self.env["res.partner"].browse(result["ids"])
        identities = self.Identity.search([("partner_id", "in", partners.ids)])
        self.assertEqual(len(identities), 1000)
        self.assertEqual(sorted(set(identities.mapped("platform"))), [
            "bluesky", "instagram", "mastodon", "x"
        ])  # fmt: skip
        self.assertEqual(identities.partner_id, partners)
        # parsed from the URL forms
        k2 = self.imported("k2@example.com").social_identity_ids
        self.assertEqual((k2.platform, k2.handle), ("mastodon", "klant2@mastodon.social"))
        self.assertEqual(k2.profile_url, "https://mastodon.social/@klant2")
        k1 = self.imported("k1@example.com").social_identity_ids
        self.assertEqual((k1.platform, k1.handle, k1.profile_url), (
            "x", "klant_1", "https://x.com/klant_1"
        ))  # fmt: skip
        # the X account that already posted is linked (deduplicated by handle, any case)
        self.assertEqual(posted.partner_id, self.imported("k5@example.com"))
        self.assertEqual(self.Identity.search_count([("handle", "=ilike", "klant\\_5")]), 1)
        logs = posted.message_ids.mapped("body")
        self.assertTrue([b for b in logs if "imported from a contact list" in b], logs)

    def test_handle_only_identities_are_not_doubled(self):
        # a handle typed on a contact before: re-importing (other case, URL form) reuses it
        first = self.run_import([("Anna", "anna@example.com", "X", "@Anna_B")])
        anna = self.env["res.partner"].browse(first["ids"])
        again = self.run_import([("Anna", "anna2@example.com", "", "https://twitter.com/anna_b")])
        self.assertTrue(
            [m for m in again["messages"] if "already linked to Anna" in m["message"]], again
        )
        self.assertEqual(self.Identity.search_count([("handle", "=ilike", "anna\\_b")]), 1)
        # the same contact updated with the same handle: nothing new
        anna.with_user(self.agent).write(
            {"social_crm_import_platform": "x", "social_crm_import_handle": "ANNA_B"}
        )
        self.assertEqual(self.Identity.search_count([("handle", "=ilike", "anna\\_b")]), 1)
        # an unlinked handle-only identity is linked, not doubled
        loose = self.Identity.create({"platform": "bluesky", "handle": "piet.bsky.social"})
        self.run_import(
            [("Piet", "piet@example.com", "bsky", "https://bsky.app/profile/Piet.bsky.social")]
        )
        self.assertEqual(loose.partner_id, self.imported("piet@example.com"))
        self.assertEqual(self.Identity.search_count([("handle", "=", "piet.bsky.social")]), 1)
        # two rows of one file claiming one handle for two people
        both = self.run_import(
            [
                ("Kees", "kees@example.com", "X", "@kees"),
                ("Kees twee", "kees2@example.com", "X", "@Kees"),
            ]
        )
        self.assertFalse(both["ids"])
        self.assertFalse(self.imported("kees@example.com"))

    def test_several_handles_in_one_cell(self):
        result = self.run_import(
            [
                (
                    "Bob",
                    "bob@example.com",
                    "",
                    "https://x.com/bob_nl, https://bsky.app/profile/bob.nl",
                )
            ]
        )
        bob = self.env["res.partner"].browse(result["ids"])
        self.assertEqual(sorted(bob.social_identity_ids.mapped("platform")), ["bluesky", "x"])

    def test_bad_rows_get_an_error_each_and_nothing_is_imported(self):
        rows = [
            ("Goed 1", "g1@example.com", "X", "@goed_een"),
            ("Fout platform", "f1@example.com", "MySpace", "@tom"),
            ("Goed 2", "g2@example.com", "", "https://mastodon.social/@goed2"),
            ("Fout handle", "f2@example.com", "X", "@dit-is-geen-x-naam"),
            ("Fout mastodon", "f3@example.com", "Mastodon", "@zonder_server"),
        ]
        for dryrun in (True, False):
            result = self.run_import(rows, dryrun=dryrun)
            errors = [m for m in result["messages"] if m["type"] == "error"]
            by_row = {m["rows"]["from"]: m["message"] for m in errors}
            # rows are counted from 0 after the header
            self.assertEqual(sorted(by_row), [1, 3, 4], result["messages"])
            self.assertEqual(len(errors), 3, errors)
            self.assertIn("Unknown platform 'MySpace'", by_row[1])
            self.assertIn("'dit-is-geen-x-naam' is not a valid X name", by_row[3])
            self.assertIn("not a full Mastodon address", by_row[4])
            self.assertFalse(result["ids"])
            self.assertFalse(self.imported("g1@example.com"), "nothing is half-imported")
            self.assertFalse(
                self.Identity.search([("handle", "in", ("goed_een", "goed2@mastodon.social"))])
            )

    def test_only_agents_import_handles(self):
        clerk = new_test_user(
            self.env, login="sc_clerk", groups="base.group_user,base.group_partner_manager"
        )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(clerk).create(
                {"name": "X", "social_crm_import_platform": "x", "social_crm_import_handle": "@x"}
            )
        result = self.run_import([("Y", "y@example.com", "X", "@y_y")], user=clerk)
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])

    def test_resolve_handles_with_a_connected_account(self):
        account = self.env["social_crm.account"].create(
            {"name": "Our Bluesky", "platform": "bluesky", "handle": "store.bsky.social"}
        )
        account.sudo().write({"state": "connected", "bluesky_app_password": "app-pw"})
        result = self.run_import(
            [
                ("Eva", "eva@example.com", "Bluesky", "eva.bsky.social"),
                ("Gone", "gone@example.com", "Bluesky", "gone.bsky.social"),
            ]
        )
        eva, gone = self.env["res.partner"].browse(result["ids"])

        class FakeConnector:
            def get_profile(self, user_id=None, handle=None):
                if handle == "gone.bsky.social":
                    raise RequestRefused("Profile not found")
                return Profile("did:plc:eva", handle=handle, display_name="Eva E.")

        Account = type(self.env["social_crm.account"])
        with patch.object(Account, "_get_connector", lambda self: FakeConnector()):
            self.Identity._cron_resolve_handles()
        self.assertEqual(eva.social_identity_ids.user_id, "did:plc:eva")
        self.assertEqual(eva.social_identity_ids.profile_name, "Eva E.")
        self.assertFalse(gone.social_identity_ids.user_id)
        self.assertTrue(gone.social_identity_ids.handle_checked_at)


@tagged("post_install", "-at_install")
class TestSetupChecklist(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls.env["res.company"].create({"name": "Nieuwe winkel"})
        cls.boss = new_test_user(
            cls.env,
            login="sc_setup_boss",
            company_id=cls.shop.id,
            company_ids=[cls.shop.id],
            groups="social_crm.group_social_crm_manager,base.group_partner_manager",
        )

    def checklist(self, user=None):
        Conversation = self.env["social_crm.conversation"].with_user(user or self.boss)
        result = Conversation.with_company(self.shop).social_crm_setup_checklist()
        return {step["key"]: step["done"] for step in result["steps"]}, result

    def test_ticks_itself_off(self):
        done, result = self.checklist()
        self.assertEqual(list(done), ["account", "mentions", "team", "import"])
        self.assertFalse(any(done.values()))
        self.assertTrue(result["steps"][0]["demo"], "a manager may start the demo")
        # connect an account (the demo): it gets its mentions stream
        self.env["social_crm.conversation"].with_user(self.boss).with_company(
            self.shop
        ).action_social_crm_start_demo()
        account = self.env["social_crm.account"].search([("company_id", "=", self.shop.id)])
        self.assertEqual((account.platform, account.state), ("demo", "connected"))
        self.assertEqual(account.stream_ids.mapped("kind"), ["mention"])
        self.assertTrue(
            self.env["social_crm.conversation"].search_count([("company_id", "=", self.shop.id)]),
            "the demo pulled its first posts",
        )
        done, _result = self.checklist()
        self.assertEqual(done, {"account": True, "mentions": True, "team": False, "import": False})
        # add the team
        new_test_user(
            self.env,
            login="sc_setup_colleague",
            company_id=self.shop.id,
            company_ids=[self.shop.id],
            groups="social_crm.group_social_crm_agent",
        )
        # import a customer's handle
        self.env["res.partner"].with_user(self.boss).with_company(self.shop).create(
            {
                "name": "Klant",
                "social_crm_import_platform": "X",
                "social_crm_import_handle": "@eerste_klant",
            }
        )
        done, result = self.checklist()
        self.assertTrue(all(done.values()), done)
        self.assertTrue(result["done"])
        # starting the demo again reuses the account
        self.env["social_crm.conversation"].with_user(self.boss).with_company(
            self.shop
        ).action_social_crm_start_demo()
        self.assertEqual(
            self.env["social_crm.account"].search_count([("company_id", "=", self.shop.id)]), 1
        )

    def test_other_companies_do_not_tick_it(self):
        # the main company has the demo data (accounts, streams, links): not this one
        done, _result = self.checklist()
        self.assertFalse(any(done.values()))

    def test_agents_see_it_without_buttons_and_cannot_start_the_demo(self):
        agent = new_test_user(
            self.env,
            login="sc_setup_agent",
            company_id=self.shop.id,
            company_ids=[self.shop.id],
            groups="social_crm.group_social_crm_agent",
        )
        _done, result = self.checklist(agent)
        self.assertFalse([s for s in result["steps"] if s["action"] or s.get("demo")][:3])
        with self.assertRaises(AccessError):
            self.env["social_crm.conversation"].with_user(agent).action_social_crm_start_demo()

    def test_connecting_creates_mentions_and_dm_streams(self):
        Account = self.env["social_crm.account"].with_company(self.shop)
        Stream = self.env["social_crm.stream"]
        x, meta, tested = Account.create(
            [
                {"name": "X", "platform": "x", "x_bearer_token": "b", "company_id": self.shop.id},
                {"name": "FB", "platform": "facebook", "company_id": self.shop.id},
                {"name": "Had one", "platform": "mastodon", "company_id": self.shop.id},
            ]
        )
        Stream.create({"account_id": tested.id, "kind": "hashtag", "query": "winkel"})
        self.assertFalse(x.stream_ids, "not before it is connected")
        (x | meta | tested).write({"state": "connected"})
        self.assertEqual(sorted(x.stream_ids.mapped("kind")), ["dm", "mention"])
        self.assertFalse(meta.stream_ids, "Meta delivers by webhook")
        self.assertEqual(tested.stream_ids.mapped("kind"), ["hashtag"], "its own streams stay")
        # Bluesky chat is a stream too; Mastodon's direct posts come as mentions
        bsky, masto = Account.create(
            [
                {"name": "B", "platform": "bluesky", "company_id": self.shop.id},
                {"name": "M", "platform": "mastodon", "company_id": self.shop.id},
            ]
        )
        (bsky | masto).write({"state": "connected"})
        self.assertEqual(sorted(bsky.stream_ids.mapped("kind")), ["dm", "mention"])
        self.assertEqual(masto.stream_ids.mapped("kind"), ["mention"])
        # connected again: nothing new
        bsky.write({"state": "error"})
        bsky.write({"state": "connected"})
        self.assertEqual(len(bsky.stream_ids), 2)


@tagged("post_install", "-at_install")
class TestSetupTour(HttpCase):
    def test_empty_inbox_of_a_new_company_shows_the_checklist(self):
        company = self.env["res.company"].create({"name": "Lege winkel"})
        new_test_user(
            self.env,
            login="setup_manager",
            company_id=company.id,
            company_ids=[company.id],
            groups="social_crm.group_social_crm_manager",
        )
        self.start_tour(
            "/odoo/social-inbox", "social_crm_setup_checklist_tour", login="setup_manager"
        )
        self.assertTrue(
            self.env["social_crm.account"].search([("company_id", "=", company.id)]).stream_ids
        )
