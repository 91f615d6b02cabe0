import re
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..connectors import Post, Profile
from .common import SocialCrmCommon


@tagged("post_install", "-at_install")
class TestMatching(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oboema = cls.env["res.partner"].create(
            {"name": "B. Oboema", "ref": "95234", "city": "Amsterdam", "company_id": cls.company.id}
        )
        cls.Identity = cls.env["social_crm.identity"]
        cls.Suggestion = cls.env["social_crm.suggestion"]

    def post(self, external_id, text, **author):
        author.setdefault("handle", "yesican")
        author.setdefault("user_id", "501")
        [message] = self.Message._ingest(
            self.account, [Post(external_id, text, author=Profile(**author))]
        )
        return message

    def match_now(self):
        self.Identity._cron_match()

    def test_handle_stored_on_the_contact_links_the_first_post(self):
        stored = self.Identity.create(
            {"platform": "x", "handle": " https://x.com/YesICan", "partner_id": self.oboema.id}
        )
        self.assertEqual((stored.handle, stored.profile_url), ("YesICan", "https://x.com/YesICan"))
        message = self.post("1", "Waar blijven mijn papieren?")
        self.assertEqual(message.author_identity_id, stored, "the stored entry is adopted")
        self.assertEqual(stored.user_id, "501")
        self.assertEqual(message.conversation_id.partner_id, self.oboema)
        self.assertIn("linked", self.oboema.message_ids[0].body)

    def test_customer_number_in_a_dm_suggests_and_confirming_links_with_evidence(self):
        identity = self.post("1", "Where are my savings account papers?").author_identity_id
        self.match_now()
        self.assertFalse(identity.suggestion_ids)
        # a later DM brings the evidence: the identity is matched again
        message = self.post("2", "Hi, my customer number is 95234, where are my papers?")
        self.assertEqual(identity.match_state, "pending")
        self.match_now()
        suggestion = self.Suggestion.search([("identity_id", "=", identity.id)])
        self.assertEqual(suggestion.partner_id, self.oboema)
        self.assertIn("customer number 95234", suggestion.reasons)
        self.assertFalse(identity.partner_id, "typed identifiers never link on their own")
        suggestion.with_user(self.agent).action_confirm()
        self.assertEqual(identity.partner_id, self.oboema)
        self.assertEqual(message.conversation_id.partner_id, self.oboema)
        self.assertEqual(suggestion.decided_by_id, self.agent)
        self.assertEqual(identity.match_state, "done")
        for record in (identity, self.oboema):
            body = str(record.message_ids[0].body)
            self.assertIn("Ada Agent", body)
            self.assertIn("customer number 95234", body)
        with self.assertRaises(UserError):
            suggestion.action_reject()

    def test_rejections_are_remembered(self):
        identity = self.post("3", "customer number 95234").author_identity_id
        self.match_now()
        suggestion = identity.suggestion_ids
        suggestion.with_user(self.agent).action_reject()
        identity.write({"bio": "new bio"})  # a profile change triggers a new match
        self.assertEqual(identity.match_state, "pending")
        self.match_now()
        self.assertEqual(identity.suggestion_ids, suggestion)
        self.assertEqual(suggestion.state, "rejected")

    def test_a_common_name_alone_never_links(self):
        self.env["res.partner"].create([{"name": "Jan de Vries"} for _ in range(3)])
        identity = self.post(
            "4", "hallo", handle="jdv", user_id="9", display_name="Jan de Vries"
        ).author_identity_id
        self.match_now()
        self.assertFalse(identity.partner_id)
        self.assertLessEqual(len(identity.suggestion_ids), 3)

    def test_setting_off_means_no_matching(self):
        self.company.social_crm_auto_match = False
        identity = self.post("5", "customer number 95234").author_identity_id
        self.match_now()
        self.assertFalse(identity.suggestion_ids)
        self.assertEqual(identity.match_state, "done")

    def test_setting_limits_matching_to_enrichment_consent(self):
        self.company.social_crm_match_consented_only = True
        identity = self.post("7", "customer number 95234").author_identity_id
        self.match_now()
        self.assertFalse(identity.suggestion_ids, "no consent, no match")
        wording = {"wording_version": "profile_enrichment-en-v1", "wording": "Yes, link me."}
        self.env["social_crm.consent"].sudo().create(
            {
                "partner_id": self.oboema.id,
                "purpose": "profile_enrichment",
                "event": "grant",
                "channel": "email",
                "note": "Asked us by e-mail to link his X account",
                **wording,
            }
        )
        identity.write({"bio": "customer 95234"})
        self.match_now()
        self.assertEqual(identity.suggestion_ids.partner_id, self.oboema)

    def test_contacts_of_another_company_are_never_proposed(self):
        company_b = self.env["res.company"].create({"name": "B"})
        secret = self.env["res.partner"].create(
            {"name": "Secret Customer", "ref": "777777", "company_id": company_b.id}
        )
        identity = self.post("6", "my customer number is 777777").author_identity_id
        self.match_now()
        self.assertNotIn(secret, identity.suggestion_ids.partner_id)
        # and agents of company A see nothing of company B's suggestions
        account_b = self.account.copy({"name": "B account", "company_id": company_b.id})
        self.Message._ingest(
            account_b, [Post("b6", "customer number 777777", author=Profile("66", handle="bee"))]
        )
        self.match_now()
        suggestion_b = self.Suggestion.search([("partner_id", "=", secret.id)])
        self.assertTrue(suggestion_b)
        agent_a = new_test_user(
            self.env,
            login="agent_only_a",
            groups="social_crm.group_social_crm_agent",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.assertFalse(self.Suggestion.with_user(agent_a).search([("id", "=", suggestion_b.id)]))

    def test_merging_contacts_keeps_identities_and_rejections(self):
        Partner = self.env["res.partner"]
        first, second = Partner.create([{"name": "Anna de Boer"}, {"name": "A. de Boer"}])
        Identity = self.Identity
        ids_first = Identity.create(
            [
                {"platform": "x", "user_id": "a1", "handle": "anna", "partner_id": first.id},
                {"platform": "demo", "user_id": "a2", "handle": "anna_d", "partner_id": first.id},
            ]
        )
        ids_second = Identity.create(
            {"platform": "x", "user_id": "a3", "handle": "annadb", "partner_id": second.id}
        )
        stranger = self.post(
            "m1", "hoi", handle="not_anna", user_id="zz", display_name="Anna de Boer"
        ).author_identity_id
        rejections = self.Suggestion.create(
            [
                {"identity_id": stranger.id, "partner_id": first.id, "state": "rejected"},
                {"identity_id": stranger.id, "partner_id": second.id, "state": "rejected"},
            ]
        )
        Consent = self.env["social_crm.consent"].sudo()
        evidence = {"channel": "web_page", "source_url": "https://example.com/c"}
        evidence.update(wording_version="commercial-en-v1", wording="Yes, offers.")
        consents = Consent.create(
            [
                dict(evidence, partner_id=first.id, identity_id=ids_first[0].id, event="grant")
                | {"purpose": "commercial"},
                dict(evidence, partner_id=second.id, identity_id=ids_second.id, event="grant")
                | {"purpose": "commercial"},
                {"partner_id": second.id, "purpose": "commercial", "event": "withdraw"}
                | {"channel": "phone", "note": "Called: no offers"},
            ]
        )
        self.env["base.partner.merge.automatic.wizard"]._merge([first.id, second.id], second)
        self.assertEqual(consents.exists(), consents, "no consent event was deleted")
        self.assertEqual(consents.partner_id, second)
        self.assertEqual(second.social_crm_consent_commercial, "withdrawn")
        self.assertFalse(first.exists())
        self.assertEqual(second.social_identity_ids, ids_first | ids_second)
        self.assertEqual(rejections.exists(), rejections, "no rejection was deleted")
        self.assertEqual(rejections.partner_id, second)
        # the name fits the merged contact, yet the rejection keeps it away
        stranger.write({"bio": "changed"})
        self.match_now()
        self.assertNotIn(
            second, stranger.suggestion_ids.filtered(lambda s: s.state == "pending").partner_id
        )
        self.assertEqual(
            stranger.suggestion_ids.filtered(lambda s: s.partner_id == second), rejections
        )

    def _suggest_and_send_code(self, external_id="c1"):
        self.oboema.email = "b.oboema@example.org"
        identity = self.post(external_id, "my customer number is 95234").author_identity_id
        self.match_now()
        suggestion = identity.suggestion_ids
        suggestion.with_user(self.agent).action_send_code()
        mail = self.env["mail.mail"].search(
            [("email_to", "=", "b.oboema@example.org")], order="id desc", limit=1
        )
        return identity, suggestion, re.search(r"\b(\d{6})\b", mail.body_html).group(1)

    def test_one_time_code_round_trip_links_with_the_post_as_evidence(self):
        identity, suggestion, code = self._suggest_and_send_code()
        self.assertIn("b*******@example.org", str(identity.message_ids[0].body))
        self.assertNotIn(code, str(identity.message_ids[0].body), "agents never see the code")
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        self.post("c2", f"is it {wrong}?")
        self.assertFalse(identity.partner_id)
        self.assertEqual(suggestion.code_attempts, 1)
        self.post("c3", f"code {code}", handle="impostor", user_id="666")
        self.assertFalse(identity.partner_id, "the code must come back from this account")
        reply = self.post("c4", f"Here it is: {code}")
        self.assertEqual(identity.partner_id, self.oboema)
        self.assertEqual((suggestion.state, suggestion.decided_by_id), ("confirmed", self.agent))
        self.assertEqual(reply.partner_id, self.oboema)
        body = str(self.oboema.message_ids[0].body)
        self.assertIn("one-time code", body)
        self.assertIn("Ada Agent", body)

    def test_expired_or_exhausted_codes_do_not_link(self):
        identity, suggestion, code = self._suggest_and_send_code()
        suggestion.code_expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.post("e1", code)
        self.assertFalse(identity.partner_id)
        suggestion.with_user(self.agent).action_send_code()
        for attempt in range(5):
            self.post(f"e{attempt + 2}", "000000" if code != "000000" else "111111")
        self.assertFalse(suggestion.code_expires_at, "five wrong codes end the code")
        self.post("e9", code)
        self.assertFalse(identity.partner_id)

    def test_no_code_without_an_email_on_file(self):
        identity = self.post("n1", "customer number 95234").author_identity_id
        self.match_now()
        with self.assertRaisesRegex(UserError, "no valid e-mail"):
            identity.suggestion_ids.with_user(self.agent).action_send_code()

    def test_one_failing_identity_does_not_block_the_others(self):
        Identity = type(self.Identity)
        odd = self.post("f1", "customer number 95234", handle="odd", user_id="o1")
        good = self.post("f2", "customer number 95234", handle="good", user_id="g1")
        original = Identity._run_match

        def run_match(identity, companies):
            if identity == odd.author_identity_id:
                raise ValueError("odd profile")
            return original(identity, companies)

        with (
            patch.object(Identity, "_run_match", run_match),
            self.assertLogs("odoo.addons.social_crm.models.social_crm_identity", "ERROR"),
        ):
            self.match_now()
        self.assertTrue(good.author_identity_id.suggestion_ids)
        self.assertEqual(odd.author_identity_id.match_state, "done")
