"""Instagram photos in photo campaigns (issue 17, item 2, as corrected by the
second review): media that tag us or @mention us become entries with an
author; hashtag-only media show "no author available" and get no request.

Graph answers: tests/fixtures/meta/instagram_media.json (self-written from
the Graph API reference, labelled)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from ..connectors.base import Post, Profile
from ..connectors.meta import parse_webhook
from ..connectors.testing import local_recording
from .common import SocialCrmCommon

IG = "17841405309211844"
TAGGED_AND_MENTIONED = "17895695668004550"
ONLY_TAGGED = "17895695668004551"


def fx(name):
    return local_recording("meta", "instagram_media.json")[name]


class TestInstagramCampaignPhotos(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ig = cls.env["social_crm.account"].create(
            {
                "name": "Hollandia on Instagram",
                "platform": "instagram",
                "handle": "hollandia.store",
                "external_user_id": IG,
                "meta_page_access_token": "EAAGm0PX4ZCpsBAPageTokenForTests",
            }
        )
        cls.campaign = cls.env["social_crm.content.campaign"].create(
            {
                "name": "Zomer",
                "hashtag": "#HollandiaStijl",
                "account_ids": [(6, 0, cls.ig.ids)],
            }
        )
        cls.campaign.action_start()
        cls.Content = cls.env["social_crm.content"]

    def ig_stream(self, kind):
        return self.campaign.stream_ids.filtered(lambda s: s.kind == kind)

    def entry(self, external_id):
        return self.Content.search(
            [("campaign_id", "=", self.campaign.id), ("message_id.external_id", "=", external_id)]
        )

    def test_start_makes_a_tags_stream_and_no_hashtag_search_by_default(self):
        self.assertEqual(self.campaign.stream_ids.mapped("kind"), ["ig_tags"])
        self.assertEqual(self.ig_stream("ig_tags").account_id, self.ig)
        with self.assertRaises(ValidationError):
            self.env["social_crm.stream"].create({"account_id": self.account.id, "kind": "ig_tags"})

    def test_tagged_photo_with_the_hashtag_is_an_entry_with_author_and_rights_request(self):
        stream = self.ig_stream("ig_tags")
        with self.replay() as session:
            session.add_recording(fx("tags_page1")).add_recording(fx("tags_page2"))
            messages, error = stream._sync_guarded()
            self.assertFalse(error)
            self.assertEqual(len(messages), 2)
            self.assertTrue(stream.cursor["after"])
            page2, error = stream._sync_guarded()
            self.assertFalse(error)
        self.assertEqual(stream.cursor, {"seen_until": "2026-06-03T10:15:00"})
        # page 2 has no campaign hashtag: no entries from it
        self.assertFalse(self.Content.search([("message_id", "in", page2.ids)]))
        entry = self.entry(TAGGED_AND_MENTIONED)
        self.assertEqual(entry.identity_id.handle, "sanne.fotografeert")
        self.assertEqual(entry.identity_id.user_id, "username:sanne.fotografeert")
        self.assertEqual(entry.ig_source, "tag")
        self.assertEqual(entry.rights_channel, "mention")  # the caption @mentions us
        self.assertTrue(entry.image_url.startswith("https://scontent.cdninstagram.com/"))
        with self.replay() as session:
            session.add_recording(fx("mention_reply"))
            entry.with_user(self.agent).action_request_rights()
            (call,) = session.calls
        self.assertIn(f"/{IG}/mentions", call["url"])
        self.assertIn(f"media_id={TAGGED_AND_MENTIONED}", call["body"])
        self.assertEqual(entry.state, "requested")
        self.assertEqual(entry.request_message_id.external_id, "17873440459141099")
        self.assertIn("#ok_hollandiastijl", entry.request_wording)
        # the author's answer with the keyword in the photo's thread grants the rights
        answer = self.Message._ingest(
            self.ig,
            [self._post("17999000111", "Ja hoor! #ok_hollandiastijl", TAGGED_AND_MENTIONED, entry)],
        )
        self.assertEqual(entry.state, "granted")
        self.assertEqual(entry.grant_message_id, answer)
        # a photo that only tags us cannot be commented on: ask elsewhere
        only_tagged = self.entry(ONLY_TAGGED)
        self.assertEqual(only_tagged.rights_channel, "elsewhere")
        with (
            self.replay() as session,
            self.assertRaisesRegex(UserError, "Ask the author elsewhere"),
        ):
            only_tagged.with_user(self.agent).action_request_rights()
        self.assertFalse(session.calls)
        self.assertEqual(only_tagged.state, "new")

    def _post(self, external_id, text, media_id, entry):
        author = Profile(user_id=entry.identity_id.user_id, handle=entry.identity_id.handle)
        return Post(
            external_id,
            text,
            author=author,
            conversation_key=media_id,
            parent_external_id=entry.request_message_id.external_id,
        )

    def test_the_same_page_again_adds_nothing(self):
        stream = self.ig_stream("ig_tags")
        with self.replay() as session:
            session.add_recording(fx("tags_page1"), times=2)
            first, _error = stream._sync_guarded()
            stream.action_reset_cursor()
            again, _error = stream._sync_guarded()
        self.assertEqual(len(first), 2)
        self.assertFalse(again)
        self.assertEqual(self.campaign.entry_count, 2)

    def test_tags_errors_are_recorded_and_the_cursor_stays(self):
        stream = self.ig_stream("ig_tags")
        stream.sudo().cursor = {"seen_until": "2026-06-01T00:00:00"}
        for name in ("token_expired", "page_limit", "action_limit"):
            with self.replay() as session:
                session.add_recording(fx(name))
                messages, error = stream._sync_guarded()
            self.assertFalse(messages)
            self.assertTrue(error, name)
            self.assertEqual(stream.cursor, {"seen_until": "2026-06-01T00:00:00"})
            self.assertTrue(stream.last_error)
        self.assertGreater(stream.next_sync_at, fields.Datetime.now() + timedelta(minutes=4))

    def test_caption_mention_webhook_is_looked_up_and_becomes_an_entry(self):
        payload = {
            "object": "instagram",
            "entry": [
                {
                    "id": IG,
                    "time": 1780000000,
                    "changes": [{"field": "mentions", "value": {"media_id": "17895695668004570"}}],
                }
            ],
        }
        (batch,) = parse_webhook(payload)
        with self.replay() as session:
            session.add_recording(fx("mentioned_media"))
            (message,) = self.Message._ingest(self.ig, batch.posts)
            self.assertIn(
                "mentioned_media.media_id(17895695668004570)", session.calls[0]["params"]["fields"]
            )
        self.assertIn("#hollandiastijl", message.text)
        entry = self.entry("17895695668004570")
        self.assertEqual(entry.identity_id.handle, "femke.dekker")
        self.assertEqual((entry.ig_source, entry.rights_channel), ("mention", "mention"))
        # the same delivery again: no second lookup, no second entry
        with self.replay() as session:
            self.assertFalse(self.Message._ingest(self.ig, batch.posts))
            self.assertFalse(session.calls)

    def test_hashtag_only_photo_shows_no_author_and_gets_no_request(self):
        self.campaign.instagram_hashtag_search = True
        stream = self.ig_stream("hashtag")
        self.assertEqual(stream.query, "#hollandiastijl")
        with self.replay() as session:
            session.add_recording(fx("hashtag_search")).add_recording(fx("recent_media"))
            (message,) = stream._sync_guarded()[0]
        self.assertFalse(message.author_identity_id)
        entry = self.entry("18010020300405566")
        self.assertTrue(entry)
        self.assertFalse(entry.identity_id)
        self.assertEqual((entry.ig_source, entry.rights_channel), ("hashtag", "none"))
        self.assertIn("no author available", entry.display_title)
        with self.replay() as session, self.assertRaisesRegex(UserError, "no author available"):
            entry.with_user(self.agent).action_request_rights()
        self.assertFalse(session.calls)
        self.assertEqual(entry.state, "new")
        self.assertIn("1 of 30 hashtags used", self.campaign.instagram_hashtag_budget)

    def test_hashtag_budget_of_30_per_7_days_stops_a_new_search(self):
        Search = self.env["social_crm.ig.hashtag.search"]
        now = fields.Datetime.now()
        Search.create(
            [
                {
                    "account_id": self.ig.id,
                    "hashtag": f"tag{i}",
                    "searched_at": now - timedelta(days=1),
                }
                for i in range(30)
            ]
        )
        Search.create(
            {"account_id": self.ig.id, "hashtag": "old", "searched_at": now - timedelta(days=8)}
        )
        self.assertIn("30 of 30", self.campaign.instagram_hashtag_budget)
        self.campaign.instagram_hashtag_search = True
        stream = self.ig_stream("hashtag")
        with self.replay() as session:
            messages, error = stream._sync_guarded()
            self.assertFalse(session.calls)  # nothing spent
        self.assertFalse(messages)
        self.assertEqual(error.key, "ig_hashtag_budget")
        self.assertIn("30 different hashtag searches", stream.last_error)
        self.assertGreater(stream.next_sync_at, now + timedelta(days=5))

    def test_an_erased_person_does_not_come_back_through_a_tagged_photo(self):
        # she wrote to us before: Meta gave her id, and her username
        known = self.env["social_crm.identity"].create(
            {"platform": "instagram", "user_id": "6543210987", "handle": "sanne.fotografeert"}
        )
        stream = self.ig_stream("ig_tags")
        with self.replay() as session:
            session.add_recording(fx("tags_page1"))
            stream._sync_guarded()
        sanne = self.entry(TAGGED_AND_MENTIONED).identity_id
        self.assertEqual(sanne, known, "the username finds the identity Meta gave an id")
        sanne.sudo()._erase_one()
        self.assertFalse(sanne.exists())
        stream.action_reset_cursor()
        with self.replay() as session:
            session.add_recording(fx("tags_newer"))
            (message,) = stream._sync_guarded()[0]
        self.assertEqual(message.external_id, "17895695668004560")
        self.assertFalse(message.author_identity_id)
        self.assertFalse(
            self.env["social_crm.identity"].search([("handle", "=", "sanne.fotografeert")])
        )
