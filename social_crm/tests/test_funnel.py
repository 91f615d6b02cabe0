from datetime import datetime, timedelta

from odoo.exceptions import UserError

from ..connectors.base import Post, Profile
from .common import SocialCrmCommon

TEXT = "<b>Hoi</b> @hollandia, hebben jullie deze bank ook in het groen?"


class TestFunnel(SocialCrmCommon):
    def inbound(self, external_id, user_id, text=TEXT, parent=""):
        [message] = self.Message._ingest(
            self.account,
            [
                Post(
                    external_id,
                    text,
                    author=Profile(user_id, handle=f"fan{user_id}", display_name="Fien Fan"),
                    parent_external_id=parent,
                )
            ],
            stream=self.stream,
        )
        return message

    def reply(self, external_id, parent):
        [message] = self.Message._ingest(
            self.account,
            [Post(external_id, "Zeker!", author=Profile("783214"), parent_external_id=parent)],
            direction="out",
        )
        return message

    def test_a_reply_either_way_makes_someone_engaged(self):
        message = self.inbound("f1", "701")
        identity = message.author_identity_id
        self.assertEqual(identity.funnel_stage, "anonymous")
        reply = self.reply("f1-r", "f1")
        self.assertEqual(identity.funnel_stage, "engaged")
        [event] = identity.funnel_event_ids
        self.assertEqual(
            (event.previous_stage, event.stage, event.source, event.message_id),
            ("anonymous", "engaged", "reply_sent", reply),
        )
        self.assertTrue(event.event_date)
        # someone else answering our post is engaged by their own reply
        answer = self.inbound("f2", "702", "Mooi zo!", parent="f1-r")
        self.assertEqual(answer.author_identity_id.funnel_stage, "engaged")
        self.assertEqual(answer.author_identity_id.funnel_event_ids.source, "reply_received")
        # stages never go back, and moving on is logged once
        self.reply("f1-r2", "f1")
        self.assertEqual(len(identity.funnel_event_ids), 1)

    def test_funnel_history_cannot_be_changed(self):
        self.inbound("f3", "703")
        self.reply("f3-r", "f3")
        event = self.env["social_crm.funnel.event"].search([], limit=1)
        with self.assertRaises(UserError):
            event.write({"stage": "customer"})
        with self.assertRaises(UserError):
            event.unlink()

    def test_create_lead_from_a_post_with_utm_quote_and_funnel(self):
        campaign = self.env["utm.campaign"].create({"name": "Groene banken"})
        self.stream.campaign_id = campaign
        message = self.inbound("f4", "704")
        action = message.action_create_lead()
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(lead.social_crm_identity_id, message.author_identity_id)
        self.assertEqual(lead.source_id.name, "X")
        self.assertEqual(lead.medium_id.name, "X")
        self.assertEqual(lead.campaign_id, campaign)
        self.assertEqual(lead.contact_name, "Fien Fan")
        # the post is quoted as text, never as HTML
        self.assertIn("&lt;b&gt;Hoi&lt;/b&gt;", str(lead.description))
        self.assertNotIn("<b>Hoi", str(lead.description))
        self.assertFalse(lead.social_crm_marketing_ok)
        self.assertEqual(message.author_identity_id.funnel_stage, "lead")
        self.assertEqual(message.author_identity_id.funnel_event_ids.lead_id, lead)
        # asking again opens the same lead
        again = self.inbound("f5", "704", "Nog een vraag over die bank")
        self.assertEqual(again.action_create_lead()["res_id"], lead.id)
        self.assertEqual(
            self.env["crm.lead"].search_count(
                [("social_crm_identity_id", "!=", False), ("id", "=", lead.id)]
            ),
            1,
        )
        self.assertIn("Nog een vraag", lead.message_ids[0].body)

    def test_lead_dedupes_against_the_partners_open_lead(self):
        partner = self.env["res.partner"].create({"name": "Fien", "email": "fien@example.com"})
        existing = self.env["crm.lead"].create(
            {"name": "Fien wil een bank", "email_from": "fien@example.com"}
        )
        message = self.inbound("f6", "706")
        message.author_identity_id.partner_id = partner
        self.assertEqual(message.action_create_lead()["res_id"], existing.id)
        self.assertEqual(existing.social_crm_identity_id, message.author_identity_id)

    def test_won_lead_makes_a_customer(self):
        message = self.inbound("f7", "707")
        lead = self.env["crm.lead"].browse(message.action_create_lead()["res_id"])
        lead.action_set_won()
        identity = message.author_identity_id
        self.assertEqual(identity.funnel_stage, "customer")
        self.assertEqual(
            identity.funnel_event_ids.sorted("id").mapped("stage"), ["lead", "customer"]
        )

    def test_funnel_report_counts_conversion_and_median_step(self):
        Event = self.env["social_crm.funnel.event"]
        identities = self.env["social_crm.identity"].create(
            [{"platform": "demo", "user_id": f"rep{i}"} for i in range(4)]
        )
        start = datetime(2026, 9, 1, 9, 0)
        rows = []
        for i, identity in enumerate(identities):
            rows.append((identity, "engaged", start))
            if i < 2:  # two of four go on, after 2 and after 6 hours
                rows.append((identity, "lead", start + timedelta(hours=2 + 4 * i)))
        Event.create(
            [
                {
                    "identity_id": identity.id,
                    "stage": stage,
                    "source": "lead" if stage == "lead" else "reply_sent",
                    "event_date": when,
                }
                for identity, stage, when in rows
            ]
        )
        self.env.flush_all()
        report = self.env["social_crm.funnel.report"].search(
            [("month", "=", "2026-09-01"), ("platform", "=", "demo")]
        )
        by_stage = {row.stage: row for row in report}
        self.assertEqual(by_stage["engaged"].reached, 4)
        self.assertEqual(by_stage["lead"].reached, 2)
        self.assertAlmostEqual(by_stage["lead"].conversion, 50.0)
        self.assertAlmostEqual(by_stage["lead"].median_step_hours, 4.0)
