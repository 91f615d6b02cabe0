import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from ..connectors.base import Post, Profile
from .common import SocialCrmCommon

HANDLE = "erasable_fien"
USER_ID = "u-erase-7788"
FIRST = "Mijn groene fauteuil uit Utrecht is helemaal kapot, dit is echt belachelijk!"
SECOND = "Bestelling 99-ZX-123 met de lampjes is ook nog steeds niet aangekomen hoor"
PHOTO = "Mijn fauteuil #fienlooks"


class TestPrivacy(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.social_crm_influencer_followers = 1000
        cls.partner = cls.env["res.partner"].create(
            {"name": "Fien Verwijder", "email": "fien.v@example.com"}
        )
        author = Profile(
            USER_ID,
            handle=HANDLE,
            display_name="Fien V.",
            bio="Dol op groen",
            location="Utrecht",
            followers=5000,
        )
        messages = cls.env["social_crm.message"]._ingest(
            cls.account,
            [Post("pv-1", FIRST, author=author), Post("pv-2", SECOND, author=author)],
            stream=cls.stream,
        )
        cls.identity = messages.author_identity_id
        cls.identity.partner_id = cls.partner  # logged on the contact, with the handle
        cls.env["social_crm.message"]._ingest(
            cls.account,
            [
                Post(
                    "pv-3",
                    f"Sorry @{HANDLE}, stuur je ons een DM?",
                    author=Profile("783214", handle="Twitter"),
                    parent_external_id="pv-1",
                )
            ],
            direction="out",
        )
        cls.lead = cls.env["crm.lead"].browse(messages[0].action_create_lead()["res_id"])
        # consent and following hold them too (Meta deliveries: test_security_privacy)
        cls.env["social_crm.consent"].sudo().create(
            {
                "identity_id": cls.identity.id,
                "partner_id": cls.partner.id,
                "purpose": "content_reuse",
                "event": "grant",
                "channel": "social",
                "message_id": messages[0].id,
                "wording_version": "content_reuse-en-v1",
                "wording": "Yes, you may show my post.",
            }
        )
        cls.env["social_crm.follower"].create(
            {"account_id": cls.account.id, "identity_id": cls.identity.id}
        )
        # and a photo campaign entry whose rights were asked for
        cls.env["social_crm.content.campaign"].create(
            {"name": "Looks", "hashtag": "fienlooks", "state": "running"}
        )
        [photo] = cls.env["social_crm.message"]._ingest(
            cls.account,
            [
                Post(
                    "pv-4",
                    PHOTO,
                    author=author,
                    media_urls=[f"https://pbs.example/{HANDLE}/chair.jpg"],
                )
            ],
        )
        entry = cls.env["social_crm.content"].search([("message_id", "=", photo.id)])
        entry.write({"state": "requested", "request_wording": f"Hi @{HANDLE}, may we?"})
        entry.message_post(body=f"Asked @{HANDLE} by DM as well")

    def needles(self):
        texts = [FIRST, SECOND]
        return [HANDLE, USER_ID, "Fien V."] + [
            text[i : i + 20] for text in texts for i in range(0, len(text) - 20, 20)
        ]

    def scan(self, needles):
        """Every text, varchar and jsonb column of every table, searched."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """SELECT c.table_name, c.column_name
                 FROM information_schema.columns c
                 JOIN information_schema.tables t
                   ON t.table_name = c.table_name AND t.table_schema = c.table_schema
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                  AND c.data_type IN ('text', 'character varying', 'jsonb')"""
        )
        found = []
        for table, column in cr.fetchall():
            cr.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE ANY(%s)',  # noqa: S608
                [[f"%{needle}%" for needle in needles]],
            )
            if cr.fetchone()[0]:
                found.append(f"{table}.{column}")
        return found

    def test_export_holds_everything_about_the_person(self):
        action = self.identity.action_export_personal_data()
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        data = json.loads(self.env["ir.attachment"].browse(attachment_id).raw)
        [identity] = data["identities"]
        self.assertEqual(identity["handle"], HANDLE)
        self.assertEqual(identity["user_id"], USER_ID)
        self.assertEqual(
            (identity["bio"], identity["location"], identity["followers_count"]),
            ("Dol op groen", "Utrecht", 5000),
        )
        self.assertEqual(identity["contact"], "Fien Verwijder")
        self.assertEqual([p["text"] for p in identity["posts"]], [FIRST, SECOND, PHOTO])
        self.assertEqual(
            [(e["to"], e["because"]) for e in identity["funnel_history"]],
            [("engaged", "reply_sent"), ("lead", "lead")],
        )
        self.assertEqual(len(identity["leads"]), 1)
        [entry] = identity["photo_entries"]
        self.assertEqual(
            (entry["campaign"], entry["post"], entry["rights"]), ("Looks", "pv-4", "requested")
        )
        self.assertEqual(entry["media"], [f"https://pbs.example/{HANDLE}/chair.jpg"])

    def test_erasure_leaves_no_personal_text_behind(self):
        needles = self.needles()
        before = self.scan(needles)
        # the data really is spread around before the erasure
        for place in (
            "social_crm_identity.handle",
            "social_crm_message.text",
            "social_crm_conversation.name",
            "mail_message.body",
            "crm_lead.description",
            "social_crm_alert.name",
            "social_crm_content.media_urls",
            "social_crm_content.request_wording",
        ):
            self.assertIn(place, before)
        posts = self.identity.post_ids
        counts = self.Message.search_count([("conversation_id", "in", posts.conversation_id.ids)])
        with self.assertRaises(UserError):
            self.identity.with_user(self.agent).action_erase()
        self.identity.with_user(self.manager).action_erase()
        # pop-ups in the bus carry no link to the post: Odoo drops them once
        # they can no longer be delivered
        self.env.flush_all()
        self.env.cr.execute("UPDATE bus_bus SET create_date = create_date - interval '1 day'")
        self.env["bus.bus"].sudo()._gc_messages()
        self.assertEqual(self.scan(needles), [])
        # aggregate counts stay: the rows remain, without text or author
        self.assertEqual(
            self.Message.search_count([("conversation_id", "in", posts.conversation_id.ids)]),
            counts,
        )
        self.assertTrue(all(posts.mapped("erased")))
        self.assertEqual(sorted(posts.mapped("sentiment")), ["negative", "negative", "neutral"])
        log = self.env["privacy.log"].search([], order="id desc", limit=1)
        self.assertIn("Social CRM erasure: 3 posts", log.execution_details)
        # the contact keeps the consent as evidence, without the identity
        consent = self.env["social_crm.consent"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual((consent.event, consent.identity_id.id), ("grant", False))
        Follower = self.env["social_crm.follower"].with_context(active_test=False)
        self.assertFalse(Follower.search([("account_id", "=", self.account.id)]))
        self.assertNotIn("Fien V.", log.anonymized_name)
        # the erased posts are not pulled in again
        again = self.Message._ingest(
            self.account, [Post("pv-1", FIRST, author=Profile(USER_ID, handle=HANDLE))]
        )
        self.assertFalse(again)

    def test_retention_anonymises_old_posts_of_unknown_people_only(self):
        old = fields.Datetime.now() - timedelta(days=40)
        unknown, known = self.Message._ingest(
            self.account,
            [
                Post("rt-1", "Old post by a stranger", posted_at=old, author=Profile("rt-a")),
                Post("rt-2", "Old post by a customer", posted_at=old, author=Profile("rt-b")),
            ],
        )
        known.author_identity_id.partner_id = self.partner
        recent = self.Message._ingest(
            self.account, [Post("rt-3", "A recent one", author=Profile("rt-a"))]
        )
        self.Message._cron_retention()
        self.assertFalse(unknown.erased, "retention is off by default")
        self.company.social_crm_retention_days = 30
        self.Message._cron_retention()
        self.assertTrue(unknown.erased)
        self.assertFalse(unknown.text.startswith("Old post"))
        self.assertFalse(known.erased)
        self.assertFalse(recent.erased)
