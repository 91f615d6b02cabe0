"""Issue 11, items 6 and 7: the one-time code cannot be brute-forced, a
recycled handle or a customer's identifier in a public bio does not hand a
stranger the customer's record. The attacker's door is their own posts, as
they arrive (``_ingest``), and JSON-RPC for an agent."""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import Post, Profile
from ..models.social_crm_suggestion import CODE_MAX_ATTEMPTS
from .common import RpcAttack, SocialCrmCommon


class MatchingAttack:
    def post(self, external_id, text, **author):
        author.setdefault("handle", "yesican")
        author.setdefault("user_id", "501")
        [message] = self.env["social_crm.message"]._ingest(
            self.account, [Post(external_id, text, author=Profile(**author))]
        )
        return message

    def match_now(self):
        self.env["social_crm.identity"]._cron_match()

    def suggest_and_send_code(self, partner, external_id="c0"):
        identity = self.post(external_id, f"my customer number is {partner.ref}").author_identity_id
        self.match_now()
        suggestion = identity.suggestion_ids.filtered(lambda s: s.partner_id == partner)
        self.assertEqual(len(suggestion), 1)
        return identity, suggestion, self.send_code(suggestion)

    def send_code(self, suggestion):
        suggestion.with_user(self.agent).action_send_code()
        mail = self.env["mail.mail"].search(
            [("email_to", "=", suggestion.partner_id.email)], order="id desc", limit=1
        )
        return re.search(r"\b(\d{6})\b", mail.body_html).group(1)

    @staticmethod
    def wrong(code, n=1):
        return f"{(int(code) + n) % 10**6:06d}"


@tagged("post_install", "-at_install")
class TestSecurityMatchingCode(MatchingAttack, SocialCrmCommon):
    """Item 6: every six-digit number is a guess; five a day per identity and contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "B. Oboema", "ref": "95234", "email": "b.oboema@example.org"}
        )

    def test_a_dm_with_285_numbers_locks_after_five_guesses_and_links_nothing(self):
        identity, suggestion, code = self.suggest_and_send_code(self.customer)
        numbers = [self.wrong(code, n) for n in range(1, 285)]
        numbers.insert(100, code)  # one of them is right
        self.post("c1", "codes: " + " ".join(numbers))
        self.assertFalse(identity.partner_id, "285 guesses in one DM must not link")
        self.assertEqual(suggestion.state, "pending")
        self.assertEqual(suggestion.code_attempts, 285, "every number is one guess")
        self.assertFalse(suggestion.sudo().code_hash, "the code ended")
        self.post("c2", f"my code is {code}")
        self.assertFalse(identity.partner_id, "a locked code never links")
        with self.assertRaisesRegex(UserError, "tomorrow"):
            suggestion.with_user(self.agent).action_send_code()

    def test_a_new_code_does_not_reset_the_count(self):
        identity, suggestion, code = self.suggest_and_send_code(self.customer)
        for n in range(3):
            self.post(f"w{n}", f"is it {self.wrong(code, n + 1)}?")
        self.assertEqual(suggestion.code_attempts, 3)
        new_code = self.send_code(suggestion)
        self.assertEqual(suggestion.code_attempts, 3, "a new code keeps the count")
        self.post("w3", f"{self.wrong(new_code, 1)} {self.wrong(new_code, 2)}")
        self.assertEqual(suggestion.code_attempts, CODE_MAX_ATTEMPTS)
        self.post("w4", new_code)
        self.assertFalse(identity.partner_id, "the sixth guess of the day never links")
        with self.assertRaisesRegex(UserError, "tomorrow"):
            suggestion.with_user(self.agent).action_send_code()

    def test_a_post_with_more_numbers_than_guesses_left_is_not_checked(self):
        identity, suggestion, code = self.suggest_and_send_code(self.customer)
        for n in range(3):
            self.post(f"w{n}", self.wrong(code, n + 1))
        self.post("w3", f"{code} {self.wrong(code, 7)} {self.wrong(code, 8)}")
        self.assertFalse(identity.partner_id)

    def test_the_lock_is_per_day(self):
        identity, suggestion, code = self.suggest_and_send_code(self.customer)
        for n in range(CODE_MAX_ATTEMPTS):
            self.post(f"d{n}", self.wrong(code, n + 1))
        self.assertFalse(suggestion.sudo().code_hash)
        with self.assertRaisesRegex(UserError, "tomorrow"):
            suggestion.with_user(self.agent).action_send_code()
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            suggestion.invalidate_recordset(["code_attempts"])  # a new day, a new transaction
            self.assertEqual(suggestion.code_attempts, 0, "a new day, new guesses")
            code = self.send_code(suggestion)
            self.post("d9", f"Here it is: {code}")
            self.assertEqual(identity.partner_id, self.customer)

    def test_one_code_typed_back_still_links(self):
        identity, suggestion, code = self.suggest_and_send_code(self.customer)
        self.post("ok", f"Order 123456 is late; my code is {code}")
        self.assertEqual(identity.partner_id, self.customer)
        self.assertEqual(suggestion.state, "confirmed")


@tagged("post_install", "-at_install")
class TestSecurityMatchingHandle(MatchingAttack, SocialCrmCommon):
    """Item 7: handles are recycled; link on the platform's user id."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Bob Customer", "email": "bob.customer@example.org", "phone": "0612345678"}
        )
        cls.Identity = cls.env["social_crm.identity"]

    def test_a_stranger_now_called_bob_is_not_linked_to_the_customer(self):
        known = self.Identity.create(
            {"platform": "x", "user_id": "111", "handle": "bob", "partner_id": self.customer.id}
        )
        message = self.post("s1", "Hello, where is my order?", user_id="222", handle="bob")
        stranger = message.author_identity_id
        self.assertNotEqual(stranger, known)
        self.match_now()
        self.assertFalse(stranger.partner_id, "user 222 now called @bob is not the customer")
        self.assertFalse(message.partner_id, "the customer card must not show for user 222")
        self.assertFalse(message.conversation_id.partner_id)
        suggestion = stranger.suggestion_ids.filtered(lambda s: s.partner_id == self.customer)
        self.assertEqual(suggestion.state, "pending")
        self.assertIn("handle @bob now used by another account", suggestion.reasons)
        # user 111, under its new handle, is still the customer
        self.post("s2", "hi again", user_id="111", handle="bob_new")
        self.assertEqual(known.handle, "bob_new")
        self.assertEqual(known.partner_id, self.customer)

    def test_a_handle_typed_on_a_contact_is_not_adopted_once_another_user_id_has_it(self):
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self.Identity.create(
            {"platform": "x", "user_id": "111", "handle": "bob", "partner_id": other.id}
        )
        typed = self.Identity.create(
            {"platform": "x", "handle": "@bob", "partner_id": self.customer.id}
        )
        message = self.post("t1", "Hello", user_id="222", handle="bob")
        self.assertNotEqual(message.author_identity_id, typed, "user 222 adopts no stored @bob")
        self.assertFalse(typed.user_id)
        self.match_now()
        self.assertFalse(message.author_identity_id.partner_id)
        self.assertIn(
            "now used by another account",
            " ".join(message.author_identity_id.suggestion_ids.mapped("reasons")),
        )

    def test_a_handle_typed_on_a_contact_still_links_its_first_post(self):
        typed = self.Identity.create(
            {"platform": "x", "handle": "@bob", "partner_id": self.customer.id}
        )
        message = self.post("f1", "Hello", user_id="222", handle="bob")
        self.assertEqual(message.author_identity_id, typed)
        self.assertEqual(typed.partner_id, self.customer)


@tagged("post_install", "-at_install")
class TestSecurityMatchingBio(MatchingAttack, SocialCrmCommon):
    """Item 7, impersonation: a customer's identifier in a public bio under
    another name is a warning sign, not a strong suggestion."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Jan de Vries", "email": "jan.devries@example.org", "ref": "K-4711"}
        )

    def impostor(self, external_id, text, bio=""):
        return self.post(
            external_id, text, user_id="666", handle="eve", display_name="Eve Mallory", bio=bio
        ).author_identity_id

    def test_a_customers_email_in_a_public_bio_under_another_name_scores_low(self):
        identity = self.impostor("b1", "Hello!", bio="Contact: jan.devries@example.org")
        self.match_now()
        suggestion = identity.suggestion_ids.filtered(lambda s: s.partner_id == self.customer)
        self.assertFalse(identity.partner_id)
        self.assertTrue(suggestion, "the agent sees the warning")
        self.assertLessEqual(suggestion.score, 0.3)
        self.assertIn(
            "a customer's e-mail address in a public bio under another name", suggestion.reasons
        )

    def test_a_customers_number_in_a_public_bio_under_another_name_scores_low(self):
        identity = self.impostor("b2", "Hello!", bio="customer number K-4711")
        self.match_now()
        suggestion = identity.suggestion_ids.filtered(lambda s: s.partner_id == self.customer)
        self.assertLessEqual(suggestion.score, 0.3)
        self.assertIn("a customer's customer number in a public bio", suggestion.reasons)

    def test_the_same_email_typed_in_a_dm_keeps_its_weight(self):
        identity = self.impostor("b3", "Hi, my e-mail is jan.devries@example.org")
        self.match_now()
        suggestion = identity.suggestion_ids.filtered(lambda s: s.partner_id == self.customer)
        self.assertGreaterEqual(suggestion.score, 0.9)
        self.assertNotIn("public bio", suggestion.reasons)
        self.assertFalse(identity.partner_id, "typed identifiers still never link on their own")


@tagged("post_install", "-at_install")
class TestSecurityMatchingRpc(RpcAttack, HttpCase):
    """An agent cannot reset the guess count over JSON-RPC."""

    def test_agent_cannot_reset_or_erase_the_guesses(self):
        agent = new_test_user(
            self.env, login="rpc_code_agent", groups="social_crm.group_social_crm_agent"
        )
        partner = self.env["res.partner"].create({"name": "Ann Code", "email": "ann@example.org"})
        identity = self.env["social_crm.identity"].create(
            {"platform": "x", "user_id": "4242", "handle": "ann_code"}
        )
        suggestion = self.env["social_crm.suggestion"].create(
            {"identity_id": identity.id, "partner_id": partner.id, "score": 0.5}
        )
        guesses = self.env["social_crm.code.guess"].create(
            {
                "identity_id": identity.id,
                "partner_id": partner.id,
                "day": fields.Date.today(),
                "guesses": CODE_MAX_ATTEMPTS,
            }
        )
        with self.assertRpcRefused("AccessError"):
            self.rpc(agent, "social_crm.suggestion", "write", [suggestion.id], {"code_attempts": 0})
        self.assertEqual(suggestion.code_attempts, CODE_MAX_ATTEMPTS)
        for method, args in (
            ("unlink", [guesses.ids]),
            ("write", [guesses.ids, {"guesses": 0}]),
            ("create", [{"identity_id": identity.id, "partner_id": partner.id}]),
        ):
            with self.assertRpcRefused("AccessError"):
                self.rpc(agent, "social_crm.code.guess", method, *args)
        with self.assertRpcRefused("UserError"):
            self.rpc(agent, "social_crm.suggestion", "action_send_code", [suggestion.id])
