from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from ..connectors.base import Post, Profile
from .common import SocialCrmCommon


class TestConsent(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Fien Fan",
                "email": "fien@example.com",
                "phone": "+31 6 12345678",
                "country_id": cls.env.ref("base.nl").id,
            }
        )
        [cls.post] = cls.Message._ingest(
            cls.account,
            [Post("c1", "Top service!", author=Profile("801", handle="fienfan"))],
            stream=cls.stream,
        )
        cls.identity = cls.post.author_identity_id
        cls.identity.partner_id = cls.partner
        cls.Consent = cls.env["social_crm.consent"]

    def grant(self, **vals):
        """A grant as the double opt-in page records it."""
        return self.Consent.sudo().create(
            {
                "partner_id": self.partner.id,
                "identity_id": self.identity.id,
                "purpose": "commercial",
                "event": "grant",
                "channel": "web_page",
                "source_url": "https://shop.example.com/social_crm/consent/abc",
                "wording_version": "commercial-en-v1",
                "wording": "Yes, you may send me offers.",
                "ip_address": "203.0.113.7",
                "email": "fien@example.com",
                **vals,
            }
        )

    def record(self, user=None, **vals):
        wizard = (
            self.env["social_crm.consent.wizard"]
            .with_user(user or self.agent)
            .create({"identity_id": self.identity.id, **vals})
        )
        return wizard.action_record()

    def test_grant_makes_contactable_and_moves_the_funnel(self):
        lead = self.env["crm.lead"]._social_crm_from_identity(self.identity, self.post)
        self.assertFalse(lead.social_crm_marketing_ok)
        self.grant()
        self.assertEqual(self.identity.social_crm_consent_commercial, "granted")
        self.assertEqual(self.partner.social_crm_consent_commercial, "granted")
        self.assertTrue(self.identity.social_crm_contactable)
        self.assertTrue(self.partner.social_crm_contactable)
        self.assertTrue(lead.social_crm_marketing_ok)
        # the lead came first, so the funnel keeps "lead"; consent is logged all the same
        self.assertEqual(self.identity.funnel_stage, "lead")
        self.assertEqual(self.identity.social_crm_consent_content_reuse, "none")

    def test_consent_moves_an_engaged_person_to_consented(self):
        self.grant()
        self.assertEqual(self.identity.funnel_stage, "consented")
        event = self.identity.funnel_event_ids
        self.assertEqual((event.stage, event.source), ("consented", "consent"))

    def test_contactable_flag_changes_are_logged(self):
        self.env.cr.precommit.run()  # the contact exists before (no tracking at creation)
        self.grant()
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking is written at commit
        self.partner.invalidate_recordset(["message_ids"])
        tracked = self.partner.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "social_crm_contactable"
        )
        self.assertTrue(tracked)

    def test_evidence_cannot_be_edited_or_deleted(self):
        consent = self.grant()
        for vals in ({"wording": "Something else"}, {"event": "withdraw"}, {"ip_address": "x"}):
            with self.assertRaises(UserError):
                consent.write(vals)
        with self.assertRaises(UserError):
            consent.unlink()
        # not even an administrator
        with self.assertRaises(UserError):
            consent.with_user(self.env.ref("base.user_admin")).sudo().write({"note": "x"})
        self.assertEqual(consent.wording, "Yes, you may send me offers.")

    def test_withdrawal_is_a_new_event_honoured_everywhere(self):
        grant = self.grant()
        lead = self.env["crm.lead"]._social_crm_from_identity(self.identity, self.post)
        self.assertTrue(lead.social_crm_marketing_ok)
        withdrawal = self.record(channel="social", message_id=self.post.id, note="DM: stop")
        self.assertEqual((withdrawal.event, withdrawal.user_id), ("withdraw", self.agent))
        self.assertEqual(grant.event, "grant")  # the grant stays as it was
        self.assertEqual(self.partner.social_crm_consent_commercial, "withdrawn")
        self.assertFalse(self.partner.social_crm_contactable)
        self.assertFalse(self.identity.social_crm_contactable)
        self.assertFalse(lead.social_crm_marketing_ok)
        # e-mail and phone go on Odoo's blacklists, so mass mailing and SMS skip them
        self.assertTrue(self.partner.is_blacklisted)
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "fien@example.com")]))
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+31612345678")]))
        self.assertTrue(self.partner.phone_sanitized_blacklisted)

    def test_agents_cannot_forge_a_consent_page_event(self):
        with self.assertRaises(AccessError):
            self.Consent.with_user(self.agent).create(
                {
                    "partner_id": self.partner.id,
                    "purpose": "commercial",
                    "event": "grant",
                    "channel": "web_page",
                    "source_url": "https://forged.example/",
                    "wording_version": "commercial-en-v1",
                    "wording": "Yes",
                }
            )
        self.assertFalse(self.partner.social_crm_contactable)

    def test_commercial_consent_needs_double_opt_in(self):
        with self.assertRaises(ValidationError):
            self.record(event="grant", purpose="commercial", channel="phone", note="said yes")
        with self.assertRaises(ValidationError):
            self.grant(wording=False)
        self.assertFalse(self.Consent.search([("partner_id", "=", self.partner.id)]))

    def test_agent_records_content_reuse_with_the_post_as_evidence(self):
        with self.assertRaises(ValidationError):
            self.record(event="grant", purpose="content_reuse", channel="social")
        consent = self.record(
            event="grant", purpose="content_reuse", channel="social", message_id=self.post.id
        )
        self.assertEqual(consent.wording_version, "content_reuse-en-v1")
        self.assertEqual(self.identity.social_crm_consent_content_reuse, "granted")
        # not commercial: nobody becomes contactable for offers
        self.assertFalse(self.partner.social_crm_contactable)

    def test_expired_consent_is_no_consent(self):
        self.grant(expires_at=fields.Datetime.now() + timedelta(days=1))
        self.assertTrue(self.partner.social_crm_contactable)
        self.env.cr.execute(
            "UPDATE social_crm_consent SET expires_at = now() at time zone 'utc' - interval '1 day'"
        )
        self.Consent.invalidate_model()
        self.Consent._cron_expire()
        self.assertEqual(self.partner.social_crm_consent_commercial, "expired")
        self.assertFalse(self.partner.social_crm_contactable)
        self.assertFalse(self.identity.social_crm_contactable)

    def test_latest_event_wins_and_a_new_opt_in_counts_again(self):
        self.grant()
        self.record(channel="phone", note="Called: no more offers")
        self.assertEqual(self.identity.social_crm_consent_commercial, "withdrawn")
        self.grant()
        self.assertEqual(self.identity.social_crm_consent_commercial, "granted")
        self.assertTrue(self.partner.social_crm_contactable)

    def test_export_holds_the_consents(self):
        self.grant()
        self.record(channel="email", note="Mail: stop")
        [data] = self.identity._personal_data()
        self.assertEqual([c["event"] for c in data["consents"]], ["grant", "withdraw"])
        grant = data["consents"][0]
        self.assertEqual(grant["wording"], "Yes, you may send me offers.")
        self.assertEqual(grant["ip_address"], "203.0.113.7")
        self.assertFalse(data["contactable_for_marketing"])

    def test_erasure_keeps_the_contacts_evidence_without_the_identity(self):
        consent = self.grant()
        self.identity.with_user(self.manager)._erase_personal_data()
        self.assertTrue(consent.exists())
        self.assertFalse(consent.identity_id)
        self.assertEqual(consent.partner_id, self.partner)
