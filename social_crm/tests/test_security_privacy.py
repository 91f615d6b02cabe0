"""Issue 11, item 3, "Retention gaps" and the company scope of item 9:
retention and erasure touch only what is linked to the erased records, and
leave nothing of the person behind; export holds everything, within the
companies of the user who runs it."""

import importlib.util
import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import file_path

from ..connectors import Post, Profile
from .common import RpcAttack, SocialCrmCommon

OLD = timedelta(days=400)


def _attachment(action):
    return int(action["url"].split("/web/content/")[1].split("?")[0])


class PrivacyCommon(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Shop BV"})
        cls.bystander = cls.env["res.partner"].create(
            {"name": "Bea Bystander", "email": "bea@example.com"}
        )
        cls.bystander.message_post(body="Call Bea about the 50% discount on her order_123")
        cls.Mail = cls.env["mail.mail"].sudo()
        # unrelated outgoing mail: another company's, and an unrelated partner's
        cls.other_mail = cls.Mail.create(
            {
                "subject": "Invoice",
                "email_to": "x@example.com",
                "body_html": "<p>Your invoice of 100% of order_1</p>",
                "record_company_id": cls.other_company.id,
            }
        )
        cls.bystander_mail = cls.Mail.create(
            {
                "subject": "Offer",
                "email_to": "bea@example.com",
                "body_html": "<p>Hello Bea</p>",
                "model": "res.partner",
                "res_id": cls.bystander.id,
            }
        )

    def old_post(self, external_id, text, author):
        return self.Message._ingest(
            self.account,
            [Post(external_id, text, author=author, posted_at=fields.Datetime.now() - OLD)],
            stream=self.stream,
        )


class TestPrivacyRetentionLinked(PrivacyCommon):
    def test_wildcard_posts_leave_unrelated_mail_and_chatter_alone(self):
        self.company.social_crm_retention_days = 30
        percent = self.old_post("wild-1", "%", Profile("wild-a", handle="pct"))
        under = self.old_post("wild-2", "_", Profile("wild-b", handle="und"))
        chatter = self.bystander.message_ids.filtered(lambda m: "discount" in (m.body or ""))
        self.Message._cron_retention()
        self.assertTrue(percent.erased and under.erased)
        self.assertTrue(self.other_mail.exists(), "another company's queued mail was deleted")
        self.assertTrue(self.bystander_mail.exists(), "an unrelated partner's mail was deleted")
        self.assertIn("50% discount", chatter.body)

    def test_retention_removes_the_mail_and_chatter_linked_to_the_post(self):
        self.company.social_crm_retention_days = 30
        post = self.old_post("lnk-1", "Mijn bank is kapot", Profile("lnk-a", handle="lnk"))
        copy = post.chatter_message_id
        linked_mail = self.Mail.create(
            {"mail_message_id": copy.id, "body_html": "x", "email_to": "a@example.com"}
        )
        self.Message._cron_retention()
        self.assertFalse(linked_mail.exists())
        self.assertNotIn("bank", copy.body)
        self.assertTrue(self.other_mail.exists())

    def test_retention_leaves_nothing_of_unknown_posters(self):
        self.company.social_crm_retention_days = 30
        author = Profile(
            "gap-a",
            handle="gap_person",
            display_name="Gap Person",
            bio="Lives in Zwolle",
            location="Zwolle",
            avatar_url="https://img.example/gap.png",
        )
        post = self.old_post("gap-1", "Waar blijft mijn pakket eigenlijk, al twee weken", author)
        identity = post.author_identity_id
        conversation = post.conversation_id
        self.assertIn("Waar blijft", conversation.name)
        lead = self.env["crm.lead"].browse(post.action_create_lead()["res_id"])
        partner = self.env["res.partner"].create({"name": "Maybe Gap", "email": "g@example.com"})
        suggestion = self.env["social_crm.suggestion"].create(
            {"identity_id": identity.id, "partner_id": partner.id, "reasons": "Same city Zwolle"}
        )
        follower = self.env["social_crm.follower"].create(
            {"account_id": self.account.id, "identity_id": identity.id}
        )
        follower.write({"active": False, "unfollowed_at": fields.Datetime.now() - OLD})
        request = self.env["social_crm.consent.request"]._ask(conversation)
        request.sudo().write(
            {
                "state": "expired",
                "email": "gap@example.com",
                "phone": "+31600000000",
                "ip_address": "10.1.2.3",
                "expires_at": fields.Datetime.now() - OLD,
            }
        )
        self.Message._cron_retention()
        self.assertTrue(post.erased)
        self.assertNotIn("Waar blijft", conversation.name)
        self.assertFalse(
            any(identity[f] for f in ("bio", "location", "avatar_url", "profile_name")),
            "the unknown poster's profile stays",
        )
        self.assertFalse(follower.exists())
        self.assertFalse(request.exists())
        self.assertNotIn("Waar blijft", lead.description or "")
        self.assertFalse(suggestion.exists() and suggestion.reasons)
        self.assertFalse(
            self.env["mail.message"]
            .search([("model", "=", "social_crm.conversation"), ("res_id", "=", conversation.id)])
            .filtered(lambda m: "Waar blijft" in (m.record_name or "") + (m.body or ""))
        )

    def test_default_retention_is_twelve_months(self):
        company = self.env["res.company"].create({"name": "New Shop BV"})
        self.assertEqual(company.social_crm_retention_days, 365)
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.social_crm_retention_days >= 0)

    def test_migration_sets_the_default_on_existing_companies(self):
        company = self.env["res.company"].create({"name": "Old Shop BV"})
        kept = self.env["res.company"].create({"name": "Chosen Shop BV"})
        company.social_crm_retention_days = 0
        kept.social_crm_retention_days = 90
        path = file_path("social_crm/migrations/18.0.1.4.0/post-migration.py")
        spec = importlib.util.spec_from_file_location("social_crm_mig_1_4", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(company.social_crm_retention_days, 365)
        self.assertEqual(kept.social_crm_retention_days, 90)


class TestPrivacyErasureLinked(PrivacyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.author = Profile("era-a", handle="era_person", display_name="Era Person")
        [cls.post] = cls.Message._ingest(
            cls.account,
            [Post("era-1", "Bedankt voor de snelle levering van mijn bank", author=cls.author)],
            stream=cls.stream,
        )
        cls.identity = cls.post.author_identity_id
        cls.identity.partner_id = cls.bystander
        # an unrelated note on the contact quotes the same words
        cls.bystander.message_post(body="Internal: Bedankt voor de snelle levering was our slogan")

    def erase(self):
        self.identity.with_user(self.manager).action_erase()

    def test_erasure_blanks_only_linked_rows(self):
        note = self.bystander.message_ids.filtered(lambda m: "slogan" in (m.body or ""))
        channel = self.env.ref("social_crm.channel_social_crm_alerts").sudo()
        unrelated = channel.message_post(body="Bedankt voor de snelle levering, era_person fans")
        self.erase()
        self.assertIn("snelle levering", unrelated.body)
        self.assertIn("slogan", note.body)
        self.assertIn("50% discount", " ".join(self.bystander.message_ids.mapped("body")))
        self.assertTrue(self.other_mail.exists() and self.bystander_mail.exists())
        self.assertNotIn("era_person", " ".join(self.bystander.message_ids.mapped("body")))
        self.assertTrue(self.post.erased)

    def test_erasure_blanks_the_meta_deliveries_naming_the_person_by_id(self):
        page = self.env["social_crm.account"].create(
            {"name": "Page", "platform": "facebook", "external_user_id": "55501"}
        )
        [post] = self.Message._ingest(
            page, [Post("fb-1", "Waar blijft mijn pakket?", author=Profile("7001", handle="fan"))]
        )
        Event = self.env["social_crm.webhook.event"]
        theirs = Event.create(
            {
                "source": "meta",
                "body": json.dumps(
                    {"entry": [{"messaging": [{"sender": {"id": "7001"}, "message": {}}]}]}
                ),
            }
        )
        # someone else's delivery that only quotes the same digits stays whole
        other = Event.create(
            {
                "source": "meta",
                "body": json.dumps(
                    {
                        "entry": [
                            {"changes": [{"value": {"from": {"id": "7002"}, "message": "7001"}}]}
                        ]
                    }
                ),
            }
        )
        post.author_identity_id.with_user(self.manager).action_erase()
        self.assertEqual(theirs.body, "[erased]")
        self.assertIn("7002", other.body)

    def test_erasure_covers_mentions_in_others_posts(self):
        [mention] = self.Message._ingest(
            self.account,
            [Post("era-2", "Hey @era_person look at this", author=Profile("era-b", handle="fr"))],
        )
        self.erase()
        self.assertNotIn("era_person", mention.text)
        self.assertNotIn("era_person", mention.chatter_message_id.body)
        self.assertIn("look at this", mention.text)

    def test_erasure_removes_the_contact_the_consent_page_created(self):
        [post] = self.Message._ingest(
            self.account,
            [Post("era-3", "Stuur me aanbiedingen", author=Profile("era-c", handle="optin"))],
        )
        identity = post.author_identity_id
        request = self.env["social_crm.consent.request"]._ask(post.conversation_id)
        request._submit("optin.person@example.com", "+31611111111", "10.0.0.9")
        request._confirm("127.0.0.1")
        created = request.partner_id
        self.assertTrue(created)
        identity.with_user(self.manager).action_erase()
        self.assertFalse(
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("email", "=", "optin.person@example.com")])
        )
        self.assertFalse(
            self.Mail.search([("email_to", "ilike", "optin.person@example.com")]),
            "the consent mails stay queued",
        )

    def test_erasure_removes_earlier_exports(self):
        action = self.identity.with_user(self.manager).action_export_personal_data()
        attachment = self.env["ir.attachment"].browse(_attachment(action))
        self.assertTrue(attachment.exists())
        self.erase()
        self.assertFalse(attachment.exists())

    def test_export_includes_suggestions_requests_followers_conversations(self):
        partner = self.env["res.partner"].create({"name": "Candidate", "email": "c@example.com"})
        self.env["social_crm.suggestion"].create(
            {"identity_id": self.identity.id, "partner_id": partner.id, "reasons": "Same name"}
        )
        self.env["social_crm.follower"].create(
            {"account_id": self.account.id, "identity_id": self.identity.id}
        )
        self.env["social_crm.consent.request"]._ask(self.post.conversation_id)
        action = self.identity.with_user(self.manager).action_export_personal_data()
        data = json.loads(self.env["ir.attachment"].browse(_attachment(action)).raw)
        [person] = data["identities"]
        self.assertEqual([s["reasons"] for s in person["suggestions"]], ["Same name"])
        self.assertEqual(len(person["consent_requests"]), 1)
        self.assertEqual([f["account"] for f in person["followers"]], ["Store on X"])
        self.assertEqual(
            [c["name"] for c in person["conversations"]], [self.post.conversation_id.name]
        )
        # the poster's Discuss guest (the threads show posts by it)
        self.assertIn("era_person", person["discuss_guest"])


@tagged("post_install", "-at_install")
class TestPrivacyCompanyScopeRpc(RpcAttack, HttpCase):
    """A manager of company A exports and erases over JSON-RPC, the way the
    buttons call it: company B's data stays, and the answer says so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Shop B BV"})
        cls.manager_a = new_test_user(
            cls.env,
            login="privacy_mgr_a",
            groups="social_crm.group_social_crm_manager",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        account_a = cls.env["social_crm.account"].create(
            {"name": "A on demo", "platform": "demo", "external_user_id": "demo-a"}
        )
        cls.account_b = cls.env["social_crm.account"].create(
            {
                "name": "B on demo",
                "platform": "demo",
                "external_user_id": "demo-b",
                "company_id": cls.company_b.id,
            }
        )
        author = Profile("both-1", handle="both_person", display_name="Both Person")
        Message = cls.env["social_crm.message"]
        [cls.post_a] = Message._ingest(account_a, [Post("b-1", "Post for shop A", author=author)])
        [cls.post_b] = Message._ingest(
            cls.account_b, [Post("b-2", "Post for shop B", author=author)]
        )
        cls.identity = cls.post_a.author_identity_id

    def test_export_stays_within_the_users_companies(self):
        action = self.rpc(
            self.manager_a, "social_crm.identity", "action_export_personal_data", [self.identity.id]
        )
        data = json.loads(self.env["ir.attachment"].browse(_attachment(action)).raw)
        [person] = data["identities"]
        self.assertEqual([p["text"] for p in person["posts"]], ["Post for shop A"])
        self.assertIn("Shop B BV", data["not_included"])

    def test_erasure_leaves_the_other_company_alone_and_says_so(self):
        action = self.rpc(self.manager_a, "social_crm.identity", "action_erase", [self.identity.id])
        self.assertTrue(self.post_a.erased)
        self.assertFalse(self.post_b.erased)
        self.assertEqual(self.post_b.text, "Post for shop B")
        self.assertEqual(self.post_b.author_identity_id, self.identity)
        self.assertIn("Shop B BV", json.dumps(action))
