"""Issue 13, the rest: Meta's 24-hour window shown and enforced, e-mail
replies to notifications never silently unsent, old conversations get a
Discuss thread (migration 18.0.1.5.0), privacy covers the threads."""

import importlib.util
import json
from datetime import datetime, timedelta
from pathlib import Path
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from odoo.addons.mail.tools.discuss import Store

from ..connectors import Post, Profile
from .test_chatter_send import ChatterCommon
from .test_popup import pushed

LAST_DM = datetime(2026, 3, 2, 14, 32)  # naive UTC, as stored
PASSED = (
    "The 24-hour window has passed: Facebook no longer accepts a private reply. "
    "Reply publicly or wait for their next message."
)


class FakeMeta:
    """Stands in for the Meta connector: records what would be sent."""

    def __init__(self):
        self.sent = []

    def reply(self, text, in_reply_to, idempotency_key=None):
        self.sent.append((text, in_reply_to))
        return Post(f"m-out-{len(self.sent)}", text)


@tagged("post_install", "-at_install")
class TestReplyWindow(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="window_agent",
            groups="social_crm.group_social_crm_agent",
            tz="Europe/Amsterdam",
        )
        cls.page = cls.env["social_crm.account"].create(
            {"name": "Shop page", "platform": "facebook", "external_user_id": "page-1"}
        )
        who = Profile("psid-7", handle="", display_name="Wim")
        [cls.dm] = cls.env["social_crm.message"]._ingest(
            cls.page,
            [
                Post(
                    "m-1",
                    "Waar blijft mijn pakket?",
                    LAST_DM,
                    author=who,
                    conversation_key="dm:psid-7",
                )
            ],
        )
        cls.conversation = cls.dm.conversation_id.with_user(cls.agent)
        cls.public = (
            cls.env["social_crm.message"]
            ._ingest(
                cls.page, [Post("c-1", "Mooi!", LAST_DM, author=who, parent_external_id="p-1")]
            )
            .conversation_id
        )

    def send(self, text="Hoi Wim, we kijken het na.", fake=None):
        fake = fake or FakeMeta()
        Account = type(self.env["social_crm.account"])
        with patch.object(Account, "_get_connector", lambda account: fake):
            if text:
                self.conversation.reply_draft = text
            self.conversation.action_send_reply()
        return fake.sent

    def test_window_shown_before_typing(self):
        with freeze_time(LAST_DM + timedelta(hours=20, minutes=59)):
            self.conversation.invalidate_recordset()
            self.assertEqual(self.conversation.reply_window_state, "open")
            # 14:32 UTC is 15:32 in Amsterdam (winter time)
            self.assertEqual(
                self.conversation.reply_window_text,
                "You can reply privately until 15:32 (3 h left).",
            )
            self.assertEqual(self.public.reply_window_state, "none", "public: no window")

    def test_thread_header_data(self):
        with freeze_time(LAST_DM + timedelta(hours=23, minutes=30)):
            channel = self.conversation.sudo().channel_id
            data = Store(channel.with_user(self.agent)).get_result()
        [shown] = [c for c in data["discuss.channel"] if c["id"] == channel.id]
        self.assertTrue(shown["social_crm_reply_window"]["open"])
        self.assertEqual(
            shown["social_crm_reply_window"]["text"],
            "You can reply privately until 15:32 (30 min left).",
        )
        with freeze_time(LAST_DM + timedelta(hours=24)):
            data = Store(channel.with_user(self.agent)).get_result()
        [shown] = [c for c in data["discuss.channel"] if c["id"] == channel.id]
        self.assertFalse(shown["social_crm_reply_window"]["open"])
        self.assertEqual(shown["social_crm_reply_window"]["text"], PASSED)

    def test_boundary_send_just_before_refused_at_24_hours(self):
        with freeze_time(LAST_DM + timedelta(hours=24) - timedelta(seconds=1)):
            self.assertEqual(self.send(), [("Hoi Wim, we kijken het na.", "dm:psid-7")])
        with freeze_time(LAST_DM + timedelta(hours=24)):
            self.conversation.invalidate_recordset()
            self.assertEqual(self.conversation.reply_window_state, "passed")
            self.assertEqual(self.conversation.reply_window_text, PASSED)
            state = self.conversation.state
            # the form saves the draft, then the button is pressed
            self.conversation.reply_draft = "Nog een vraag?"
            fake = FakeMeta()
            with self.assertRaises(UserError) as refused:
                self.send(None, fake)
            self.assertEqual(fake.sent, [], "refused before the platform call")
            self.assertIn(PASSED, str(refused.exception))
            self.assertIn("draft is kept", str(refused.exception))
            self.assertEqual(self.conversation.reply_draft, "Nog een vraag?")
            self.assertEqual(self.conversation.state, state)

    def test_refused_from_the_discuss_thread_before_the_platform(self):
        fake = FakeMeta()
        Account = type(self.env["social_crm.account"])
        channel = self.conversation.sudo().channel_id
        with (
            freeze_time(LAST_DM + timedelta(days=2)),
            patch.object(Account, "_get_connector", lambda account: fake),
            self.assertRaises(UserError) as refused,
        ):
            channel.with_user(self.agent).sudo().message_post(
                body="Hallo?", message_type="comment", social_crm_send=True
            )
        self.assertIn(PASSED, str(refused.exception))
        self.assertEqual(fake.sent, [])

    def test_their_next_message_opens_the_window_again(self):
        self.conversation.sudo().user_id = self.agent
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()
        with freeze_time(LAST_DM + timedelta(days=3)):
            self.env["social_crm.message"]._ingest(
                self.page,
                [
                    Post(
                        "m-2",
                        "Hallo?",
                        LAST_DM + timedelta(days=3),
                        author=Profile("psid-7", display_name="Wim"),
                        conversation_key="dm:psid-7",
                    )
                ],
            )
            self.conversation.invalidate_recordset()
            self.assertEqual(self.conversation.reply_window_state, "open")
            # the open thread is told live (no reload)
            [update] = [
                store["discuss.channel"][0]["social_crm_reply_window"]
                for store in pushed(self.env, "mail.record/insert").values()
                if "social_crm_reply_window" in str(store)
            ]
            self.assertTrue(update["open"])
            self.assertIn("(24 h left)", update["text"])
            self.assertEqual(len(self.send()), 1)


REPLY = """From: Cas Chatter <cas.chatter@example.com>
To: catchall@example.com
Subject: Re: {subject}
Message-ID: <{tag}-reply@mail.example.com>
In-Reply-To: {parent}
References: {parent}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Hoi Pam, we sturen vandaag een nieuw pakket.

Groet, Cas
--
Vertrouwelijk: bestemd voor de geadresseerde.

> Where is my parcel?
"""


@tagged("post_install", "-at_install")
class TestEmailReplies(ChatterCommon, TransactionCase):
    """An agent answers a notification by e-mail: through the real mail
    gateway, the reply is a labelled internal note and the agent is told
    it was not sent; the connector is never called."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent.partner_id.email = "cas.chatter@example.com"
        cls.conversation.user_id = cls.agent
        cls.channel = cls.conversation.channel_id

    def reply_by_email(self, thread, tag):
        notified = thread.sudo().message_post(
            body="New post to answer",
            message_type="notification",
            partner_ids=self.agent.partner_id.ids,
        )
        raw = REPLY.format(subject=self.conversation.name, tag=tag, parent=notified.message_id)
        with self.spy() as calls:
            self.env["mail.thread"].sudo().message_process(None, raw)
        self.assertEqual(calls, [], "nothing goes to the platform")
        [message] = self.env["mail.message"].search(
            [("message_id", "=", f"<{tag}-reply@mail.example.com>")]
        )
        return message

    def assertNoteAndTold(self, message, thread):
        self.assertEqual((message.model, message.res_id), (thread._name, thread.id))
        self.assertEqual(message.author_id, self.agent.partner_id)
        self.assertTrue(
            message.subtype_id.internal, "an internal note, never a sent-looking comment"
        )
        self.assertIn("Received by e-mail — not sent to the poster.", str(message.body))
        self.assertIn("nieuw pakket", str(message.body))
        self.assertEqual(self.outgoing(), self.env["social_crm.message"], "no post stored as sent")
        told = self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.agent.partner_id.ids),
                ("body", "ilike", "NOT sent"),
            ]
        )
        self.assertEqual(len(told), 1, "the author is told")
        self.assertIn(f"discuss.channel_{self.channel.id}", str(told.body))

    def test_reply_to_a_conversation_notification(self):
        message = self.reply_by_email(self.conversation, "conv")
        self.assertNoteAndTold(message, self.conversation)

    def test_reply_to_a_discuss_thread_message(self):
        message = self.reply_by_email(self.channel, "chan")
        self.assertNoteAndTold(message, self.channel)
        self.assertEqual(message.message_type, "email")


@tagged("post_install", "-at_install")
class TestThreadBackfill(ChatterCommon, TransactionCase):
    """Migration 18.0.1.5.0: conversations from before the threads get
    theirs, their posts' chatter copies moved in (not copied again)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Message = cls.env["social_crm.message"]
        cls.reply = Message._ingest(
            cls.account,
            [Post("chatter-r", "We kijken het na!", parent_external_id="chatter-1")],
            direction="out",
        )
        cls.conversation.write({"user_id": cls.agent.id, "state": "replied"})
        other = Profile("demo-olga", handle="olga", display_name="Olga")
        cls.closed = Message._ingest(cls.account, [Post("old-2", "Top service", author=other)])
        cls.closed.conversation_id.write({"user_id": cls.agent.id, "state": "closed"})
        cls.fresh = Message._ingest(
            cls.account,
            [
                Post("old-3", "Hallo?\nIemand daar?", author=other),
                Post("old-4", "Nog een keer", author=other, parent_external_id="old-3"),
            ],
        )
        cls.fresh.conversation_id.user_id = cls.agent
        cls.conversations = (
            cls.conversation | cls.closed.conversation_id | cls.fresh.conversation_id
        )

    def make_old(self):
        """As before the threads: each post's copy a note in the conversation's
        chatter by "<name> on <platform>", no thread, no guests; one post
        without a copy."""
        note = self.env.ref("mail.mt_note").id
        for conversation in self.conversations:
            self.env.cr.execute(
                "UPDATE mail_message SET model = 'social_crm.conversation', res_id = %s, "
                "author_guest_id = NULL, subtype_id = %s, email_from = 'someone on Demo' "
                "WHERE id = ANY(%s)",
                [conversation.id, note, conversation.post_ids.chatter_message_id.ids],
            )
        self.env.invalidate_all()
        lost = self.fresh[1].chatter_message_id
        self.fresh[1].chatter_message_id = False
        lost.unlink()
        self.conversations.channel_id.unlink()
        self.env["mail.guest"].search(
            [("social_crm_identity_id", "in", self.conversations.post_ids.author_identity_id.ids)]
        ).unlink()
        self.env.invalidate_all()
        self.assertFalse(self.conversations.channel_id)

    def test_backfill_moves_posts_into_new_threads_in_batches(self):
        self.make_old()
        copies = {p.id: p.chatter_message_id.id for p in self.conversations.post_ids}
        Conversation = self.env["social_crm.conversation"]
        created = []
        MailMessage = type(self.env["mail.message"])
        create = MailMessage.create

        def count(records, vals_list):
            created.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return create(records, vals_list)

        with patch.object(MailMessage, "create", count):
            done = Conversation._social_crm_backfill_threads(batch_size=2)
        self.assertGreaterEqual(done, 3)
        self.assertEqual(created, [1], "only the post without a copy gets a new message")
        self.env.invalidate_all()
        for conversation in self.conversations:
            channel = conversation.channel_id
            self.assertEqual(channel.channel_type, "social_crm")
            self.assertEqual(channel.channel_member_ids.partner_id, self.agent.partner_id)
            self.assertEqual(
                channel.message_ids.sorted("id"),
                conversation.post_ids.chatter_message_id.sorted("id"),
                "the thread holds the posts, once",
            )
        # moved, not copied: the same messages, now in the thread
        for post in (self.post, self.reply, self.closed):
            self.assertEqual(post.chatter_message_id.id, copies[post.id])
        incoming = self.post.chatter_message_id
        self.assertEqual(incoming.model, "discuss.channel")
        self.assertFalse(incoming.author_id)
        self.assertIn("Pam Poster", incoming.author_guest_id.name)
        self.assertFalse(incoming.subtype_id.internal)
        self.assertEqual(self.reply.chatter_message_id.author_guest_id.id, False)
        self.assertIn("Iemand daar?", str(self.fresh[0].chatter_message_id.body))
        self.assertIn("<br", str(self.fresh[0].chatter_message_id.body), "line breaks kept")
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "social_crm.conversation"),
                    ("res_id", "in", self.conversations.ids),
                    ("id", "in", list(copies.values())),
                ]
            ),
            "no copy left in the conversations' chatter",
        )
        # handled: read; new: unread; closed: not in the sidebar
        member = self.conversation.channel_id.channel_member_ids.with_user(self.agent)
        self.assertEqual(member.message_unread_counter, 0)
        fresh_member = self.fresh.conversation_id.channel_id.channel_member_ids
        self.assertEqual(fresh_member.message_unread_counter, 2)
        self.assertTrue(fresh_member.is_pinned)
        self.assertFalse(self.closed.conversation_id.channel_id.channel_member_ids.is_pinned)
        # run again: nothing left to do
        self.assertEqual(Conversation._social_crm_backfill_threads(), 0)

    def test_migration_script_runs_the_backfill(self):
        path = Path(__file__).parents[1] / "migrations" / "18.0.1.5.0" / "post-rest13.py"
        spec = importlib.util.spec_from_file_location("post_rest13", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        self.make_old()
        script.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertEqual(len(self.conversations.channel_id), 3)


@tagged("post_install", "-at_install")
class TestPrivacyThreads(ChatterCommon, TransactionCase):
    """Erasure, retention and export cover the Discuss threads, their
    messages and the poster's guest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel = cls.conversation.channel_id
        cls.manager = new_test_user(
            cls.env, login="rest13_eraser", groups="social_crm.group_social_crm_manager"
        )
        cls.identity = cls.post.author_identity_id
        cls.guest = cls.post.chatter_message_id.author_guest_id
        # an agent's note about Pam, in the thread
        cls.note = (
            cls.channel.with_user(cls.agent)
            .sudo()
            .message_post(body="Pam belde ook, pakket 3SABC123 kwijt", message_type="comment")
        )

    def test_erasure_blanks_every_message_of_the_thread(self):
        self.identity.with_user(self.manager).action_erase()
        self.assertFalse(self.guest.exists())
        for message in self.channel.message_ids:
            self.assertNotIn("3SABC123", str(message.body))
            self.assertNotIn("parcel", str(message.body))
            self.assertFalse(message.author_guest_id)
        self.assertIn("[erased]", str(self.note.body))
        self.assertNotIn("parcel", self.channel.name)

    def test_retention_blanks_the_thread_message_and_its_author(self):
        message = self.post.chatter_message_id
        self.post.posted_at = datetime.now() - timedelta(days=90)
        self.conversation.company_id.social_crm_retention_days = 30
        self.env["social_crm.message"]._cron_retention()
        self.assertTrue(self.post.erased)
        self.assertNotIn("parcel", str(message.body))
        self.assertFalse(message.author_guest_id, "a blanked post names no author")

    def test_export_lists_the_thread_messages(self):
        action = self.identity.with_user(self.manager).action_export_personal_data()
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        payload = json.loads(attachment.raw)
        [conversation] = payload["identities"][0]["conversations"]
        thread = conversation["discuss_thread"]
        self.assertEqual(thread["name"], self.channel.name)
        kinds = [(m["kind"], m["text"]) for m in thread["messages"]]
        self.assertIn(("their post", "Where is my parcel?"), kinds)
        self.assertIn(("internal note", "Pam belde ook, pakket 3SABC123 kwijt"), kinds)


@tagged("post_install", "-at_install")
class TestReplyWindowTour(HttpCase):
    def test_window_and_emailed_reply_shown_in_discuss_and_form(self):
        agent = new_test_user(
            self.env,
            login="window_tour",
            name="Wanda Window",
            email="wanda@example.com",
            groups="social_crm.group_social_crm_agent",
        )
        page = self.env["social_crm.account"].create(
            {"name": "Tour page", "platform": "facebook", "external_user_id": "page-tour"}
        )
        now = datetime.now().replace(microsecond=0)
        ingest = self.env["social_crm.message"]._ingest
        [open_dm] = ingest(
            page,
            [
                Post(
                    "tw-1",
                    "Kan ik nog ruilen?",
                    now - timedelta(hours=2),
                    author=Profile("psid-a", display_name="Anna"),
                    conversation_key="dm:psid-a",
                )
            ],
        )
        [passed_dm] = ingest(
            page,
            [
                Post(
                    "tw-2",
                    "Waar blijft mijn bon?",
                    now - timedelta(hours=30),
                    author=Profile("psid-b", display_name="Bert"),
                    conversation_key="dm:psid-b",
                )
            ],
        )
        (open_dm | passed_dm).conversation_id.write({"user_id": agent.id})
        passed = passed_dm.conversation_id
        passed.channel_id.with_user(agent).sudo().message_post(
            body="Bon komt eraan", message_type="email", author_id=agent.partner_id.id
        )
        self.start_tour("/odoo/discuss", "social_crm_reply_window_tour", login="window_tour")
        self.start_tour(
            f"/odoo/social_crm.conversation/{passed.id}",
            "social_crm_reply_window_form_tour",
            login="window_tour",
        )
