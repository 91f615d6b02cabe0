"""Private messages in (issue 13, point 4): DM streams of X and Bluesky
store private conversations through the one ingestion path, where matching
and the one-time code see them, and a reply there goes back as a DM.

Bodies: the self-written ``fixtures/x/dm_events.json`` and
``fixtures/bluesky/chat.json`` (see their READMEs)."""

import copy
import json
import re

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..connectors import Post, Profile
from ..connectors.testing import local_recording
from .common import SocialCrmCommon, x_recording

FAN = "did:plc:fan7wim4devries"


def x_events(name):
    return copy.deepcopy(local_recording("x", "dm_events.json")[name])


def chat(name):
    return copy.deepcopy(local_recording("bluesky", "chat.json")[name])


@tagged("post_install", "-at_install")
class TestDms(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Stream = cls.env["social_crm.stream"]
        cls.dm_stream = cls.Stream.create({"account_id": cls.account.id, "kind": "dm"})
        cls.bluesky = cls.env["social_crm.account"].create(
            {
                "name": "Store on Bluesky",
                "platform": "bluesky",
                "handle": "warenhuishollandia.bsky.social",
                "external_user_id": "did:plc:hollandia2store7webcare4",
                "bluesky_app_password": "abcd-efgh-ijkl-mnop",
            }
        )
        cls.bluesky_dms = cls.Stream.create({"account_id": cls.bluesky.id, "kind": "dm"})
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Wim de Vries",
                "ref": "95234",
                "email": "wim.devries@example.org",
                "company_id": cls.company.id,
            }
        )
        cls.Identity = cls.env["social_crm.identity"]

    # ------------------------------------------------------------------
    def pull(self, stream, session, *exchanges, batches=None):
        """Queue ``exchanges`` and pull ``stream`` until it has no more pages
        (at most ``batches`` pulls, by default one per exchange)."""
        for exchange in exchanges:
            session.add_recording(exchange)
        messages = self.Message
        for _page in range(batches or len(exchanges)):
            new, more = stream._sync_batch()
            messages |= new
            if not more:
                break
        return messages

    def bluesky_session(self, session):
        login = local_recording("bluesky", "session.json")["create_session"]
        session.add_recording(login, times=10)

    def conversation(self, account, key):
        return self.Conversation.search(
            [("account_id", "=", account.id), ("conversation_key", "=", key)]
        )

    def send_code(self, identity):
        self.Identity._cron_match()
        suggestion = identity.suggestion_ids.filtered(lambda s: s.partner_id == self.customer)
        self.assertTrue(suggestion, "the customer number in the DM suggests the contact")
        self.assertIn("customer number 95234", suggestion.reasons)
        self.assertFalse(identity.partner_id, "a typed number never links on its own")
        suggestion.with_user(self.agent).action_send_code()
        mail = self.env["mail.mail"].search(
            [("email_to", "=", "wim.devries@example.org")], order="id desc", limit=1
        )
        return suggestion, re.search(r"\b(\d{6})\b", mail.body_html).group(1)

    # ------------------------------------------------------------------
    def test_dm_streams_only_where_the_platform_reads_dms(self):
        self.assertEqual(self.dm_stream.name, "Direct messages")
        mastodon = self.env["social_crm.account"].create(
            {"name": "Toot", "platform": "mastodon", "server_url": "https://mastodon.example"}
        )
        with self.assertRaisesRegex(ValidationError, "direct messages"):
            self.Stream.create({"account_id": mastodon.id, "kind": "dm"})

    def test_x_dm_pull_stores_private_conversations(self):
        with self.replay() as session:
            new = self.pull(
                self.dm_stream, session, x_events("page1"), x_events("page2"), x_events("page3")
            )
        self.assertEqual(
            sorted(new.mapped("external_id")),
            [
                "dm:1860000000000000001",
                "dm:1860000000000000002",
                "dm:1860000000000000003",
                "dm:1860000000000000006",
            ],
            "our own event is skipped",
        )
        self.assertTrue(
            all(c["headers"]["Authorization"].startswith("OAuth ") for c in session.calls)
        )
        wim = self.conversation(self.account, "dm:9001")
        anna = self.conversation(self.account, "dm:9002")
        self.assertEqual((wim.channel, anna.channel), ("private", "private"))
        self.assertEqual(len(anna.post_ids), 3)
        self.assertEqual(wim.identity_id.handle, "wimdevries")
        self.assertEqual(new.stream_id, self.dm_stream)
        self.assertEqual(self.dm_stream.cursor["since_id"], "1860000000000000006")
        self.assertFalse(self.stream.cursor, "the mention stream's cursor is its own")
        # the same page again stores nothing twice
        with self.replay() as session:
            again = self.pull(self.dm_stream, session, x_events("newer"))
        self.assertEqual(again.mapped("external_id"), ["dm:1860000000000000008"])
        self.assertEqual(again.conversation_id, wim)
        # a public mention is a public conversation
        [public] = self.Message._ingest(
            self.account, [Post("m-1", "@Twitter hoi", author=Profile("9001", handle="wimdevries"))]
        )
        self.assertEqual(public.conversation_id.channel, "public")
        self.assertEqual(public.author_identity_id, wim.identity_id, "one person, one identity")

    def test_mastodon_and_meta_direct_messages_are_private_too(self):
        for platform, key in (("mastodon", "dm:1170"), ("facebook", "dm:psid-1")):
            account = self.env["social_crm.account"].create(
                {"name": platform, "platform": platform, "server_url": "https://m.example"}
            )
            author = Profile(key[3:], handle="someone")
            [message] = self.Message._ingest(
                account, [Post(f"{platform}-1", "hallo", author=author, conversation_key=key)]
            )
            self.assertEqual(message.conversation_id.channel, "private", platform)

    def test_x_dm_with_customer_number_and_code_links_the_identity(self):
        with self.replay() as session:
            self.pull(self.dm_stream, session, x_events("page1"))
        identity = self.Identity.search([("platform", "=", "x"), ("user_id", "=", "9001")])
        suggestion, code = self.send_code(identity)
        newer = x_events("newer")
        newer["body"]["data"][0]["text"] = f"De code is {code}"
        with self.replay() as session:
            [dm] = self.pull(self.dm_stream, session, newer)
        self.assertEqual(dm.conversation_id.channel, "private")
        self.assertEqual(identity.with_company(self.company).partner_id, self.customer)
        self.assertEqual(suggestion.state, "confirmed")
        self.assertEqual(dm.conversation_id.partner_id, self.customer)

    def test_bluesky_chat_pull_match_and_code_by_dm(self):
        with self.replay() as session:
            self.bluesky_session(session)
            first = self.pull(self.bluesky_dms, session, chat("list_convos"))
        self.assertEqual(sorted(first.mapped("external_id")), ["dm:msg-a1", "dm:msg-w1"])
        self.assertTrue(
            all(
                c["headers"].get("atproto-proxy") == "did:web:api.bsky.chat#bsky_chat"
                for c in session.calls
                if "/xrpc/chat." in c["url"]
            )
        )
        conversation = self.conversation(self.bluesky, f"dm:{FAN}")
        self.assertEqual(conversation.channel, "private")
        self.assertEqual(self.bluesky_dms.cursor, {"log": "2222222222223"})
        identity = conversation.identity_id
        suggestion, code = self.send_code(identity)
        log = chat("get_log")
        log["body"]["logs"][1]["message"]["text"] = f"Hier is de code: {code}"
        with self.replay() as session:
            self.bluesky_session(session)
            new = self.pull(
                self.bluesky_dms,
                session,
                log,
                chat("new_profile"),
                chat("get_log_empty"),
                batches=2,
            )
        self.assertEqual(sorted(new.mapped("external_id")), ["dm:msg-n1", "dm:msg-w2"])
        self.assertEqual(identity.with_company(self.company).partner_id, self.customer)
        self.assertEqual(suggestion.state, "confirmed")
        self.assertEqual(self.bluesky_dms.cursor, {"log": "2222222222229"})

    def test_a_reply_in_a_dm_conversation_goes_out_as_a_dm(self):
        with self.replay() as session:
            self.pull(self.dm_stream, session, x_events("page1"))
        conversation = self.conversation(self.account, "dm:9001")
        conversation.reply_draft = "We zoeken het uit!"
        sent = copy.deepcopy(x_recording("test_manage_and_lookup_direct_messages"))
        with self.replay() as session:
            session.add_recording(
                sent,
                url_pattern=r"^https://api\.twitter\.com/2/dm_conversations/with/9001/messages$",
            )
            conversation.with_user(self.agent).action_send_reply()
        (call,) = session.calls
        self.assertEqual(json.loads(call["body"]), {"text": "We zoeken het uit!"})
        out = conversation.post_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(out.external_id, "dm:1585800613253812228")
        self.assertEqual(out.conversation_id.channel, "private")
        # Bluesky: the request is accepted, then the message is sent in its convo
        with self.replay() as session:
            self.bluesky_session(session)
            self.pull(self.bluesky_dms, session, chat("list_convos"))
        anna = self.conversation(self.bluesky, "dm:did:plc:anna2smit9bakker")
        anna.reply_draft = "Natuurlijk, waarmee kunnen we helpen?"
        with self.replay() as session:
            self.bluesky_session(session)
            for name in ("for_members_request", "accept_convo", "send_message"):
                session.add_recording(chat(name))
            anna.with_user(self.agent).action_send_reply()
        self.assertEqual(
            [
                c["url"].split("/xrpc/")[1].split("?")[0]
                for c in session.calls
                if "chat." in c["url"]
            ],
            [
                "chat.bsky.convo.getConvoForMembers",
                "chat.bsky.convo.acceptConvo",
                "chat.bsky.convo.sendMessage",
            ],
        )
        self.assertEqual(
            anna.post_ids.filtered(lambda m: m.direction == "out").external_id, "dm:msg-o3"
        )

    def test_dms_are_in_the_export_and_the_erasure(self):
        with self.replay() as session:
            self.pull(self.dm_stream, session, x_events("page1"))
        conversation = self.conversation(self.account, "dm:9001")
        identity = conversation.identity_id
        action = identity.action_export_personal_data()
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        data = json.loads(self.env["ir.attachment"].browse(attachment_id).raw)
        self.assertIn("95234", json.dumps(data))
        identity.with_user(self.manager).action_erase()
        dm = conversation.post_ids
        self.assertTrue(dm.erased)
        self.assertNotIn("95234", dm.text or "")
        self.assertNotIn("95234", conversation.name)
        # the erased DM is not pulled in again
        self.dm_stream.action_reset_cursor()
        with self.replay() as session:
            again = self.pull(self.dm_stream, session, x_events("page1"))
        self.assertFalse(again)
