"""Issue 13's last gaps: Meta's 7-day, once-per-comment window of "Continue
in private"; e-mailed replies from unknown senders told to someone; images
we sent in the privacy export and under retention; Messenger's "image went,
text refused" recorded so a resend sends only the text."""

import base64
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..connectors import Post, Profile
from ..connectors.testing import ReplaySession, local_recording
from .test_chatter_send import ChatterCommon

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
PERSON = "7310294857163042"  # as in fixtures/meta/private.json and media.json


class MetaCommon(ChatterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page = cls.env["social_crm.account"].create(
            {
                "name": "Store on Facebook",
                "platform": "facebook",
                "external_user_id": "1234567890321",
                "meta_page_access_token": "page-token",
            }
        )
        cls.person = Profile(PERSON, display_name="Pia Pakket")

    def ingest_meta(self, external_id, text, key="", posted_at=None):
        [post] = self.env["social_crm.message"]._ingest(
            self.page,
            [
                Post(
                    external_id,
                    text,
                    author=self.person,
                    conversation_key=key,
                    posted_at=posted_at or fields.Datetime.now(),
                )
            ],
        )
        return post

    def replay_meta(self, session):
        Account = type(self.env["social_crm.account"])
        return patch.object(Account, "_connector_session", lambda self: session)

    def upload(self, conversation):
        return (
            self.env["ir.attachment"]
            .with_user(self.agent)
            .sudo()
            .create(
                {
                    "name": "parcel.png",
                    "raw": PNG,
                    "res_model": "discuss.channel",
                    "res_id": conversation.channel_id.id,
                }
            )
            .sudo(False)
        )


@tagged("post_install", "-at_install")
class TestMessengerImageThenText(MetaCommon, TransactionCase):
    """Replayed Meta exchanges (fixtures/meta/media.json, private.json):
    the image goes, the text is refused; the outgoing record keeps that the
    image went, the agent reads it plainly, and Send again sends only the text."""

    def test_resend_sends_only_the_text(self):
        post = self.ingest_meta("m_in_1", "Waar is mijn label?", key=f"dm:{PERSON}")
        conversation = post.conversation_id.with_user(self.agent)
        image = self.upload(conversation)
        refused = ReplaySession()
        refused.add_recording(local_recording("meta", "media.json")["message_image"])
        error = {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}
        refused.add("POST", "/messages", status=400, body={"error": error})
        # no assertRaises: its savepoint would roll back the outgoing record,
        # which outlives the refusal in its own transaction
        said = ""
        with self.replay_meta(refused):
            try:
                conversation._social_crm_send_composed("Dit is uw label", [image.id])
            except UserError as error:
                said = error.args[0]
        self.assertIn("The image was sent, but the text was not", said)
        self.assertIn("The image already went to the person: it is not sent again", said)
        self.assertNotIn("Invalid parameter", said)
        self.assertEqual(len(refused.calls), 2, "the image, then the refused text")
        outbound = self.env["social_crm.outbound"].search(
            [("conversation_id", "=", post.conversation_id.id)]
        )
        self.assertEqual(outbound.state, "failed")
        self.assertEqual(outbound.images_sent_ids, "m_ImAgE1pHoToQ8vYc2LwE6sKd0HjXoA1bZuMgF9iR3tVy")
        self.assertTrue(outbound.images_sent_key)
        self.assertFalse(self.outgoing(post.conversation_id), "nothing stored as sent")
        # the person's export names the image that went
        post.conversation_id.identity_id = post.author_identity_id
        [profile] = post.author_identity_id._personal_data()
        self.assertEqual(
            [(i["file"], i["post"]) for i in profile["images_sent"]],
            [(None, "m_ImAgE1pHoToQ8vYc2LwE6sKd0HjXoA1bZuMgF9iR3tVy")],
        )

        # the agent presses Send again, with the same image still attached
        resend = ReplaySession()
        resend.add_recording(local_recording("meta", "private.json")["facebook_message"])
        with self.replay_meta(resend):
            sent = conversation._social_crm_send_composed("Dit is uw label", [image.id])
        [call] = resend.calls
        self.assertNotIn(b"filedata", call["body"] or b"", "the image is not sent twice")
        self.assertIn(b'"text": "Dit is uw label"', call["body"])
        self.assertEqual(sent.text, "Dit is uw label")
        self.assertEqual(sent.chatter_message_id.attachment_ids, image, "the thread shows it")
        self.assertTrue(outbound.images_followed_up)
        [profile] = post.author_identity_id._personal_data()
        self.assertEqual(
            [(i["file"], i["text"]) for i in profile["images_sent"]],
            [("parcel.png", "Dit is uw label")],
        )

        # a later, new send of the same image is a new message: it goes again
        again = ReplaySession()
        again.add_recording(local_recording("meta", "media.json")["message_image"])
        again.add_recording(local_recording("meta", "private.json")["facebook_message"])
        image2 = self.upload(conversation)
        with self.replay_meta(again):
            conversation._social_crm_send_composed("Nog een keer", [image2.id])
        self.assertEqual(len(again.calls), 2)


@tagged("post_install", "-at_install")
class TestContinueInPrivateMetaWindow(MetaCommon, TransactionCase):
    """Facebook takes one private reply per comment, within 7 days of it:
    the form says so before the agent acts; "Continue in private" is refused
    before the platform call once it is not possible, the draft kept."""

    COMMENT = "1234567890321_2233445566"

    def setUp(self):
        super().setUp()
        self.written = fields.Datetime.now() - timedelta(days=2)
        post = self.ingest_meta(self.COMMENT, "Mijn pakket is kapot", posted_at=self.written)
        self.public = post.conversation_id
        self.public.identity_id = post.author_identity_id

    def meta_session(self):
        session = ReplaySession()
        session.add_recording(local_recording("meta", "private.json")["facebook_private_reply"])
        session.add_recording(local_recording("meta", "media.json")["comment_with_photo"])
        return session

    def test_open_window_is_shown_then_once_per_comment(self):
        conversation = self.public.with_user(self.agent)
        self.assertEqual(conversation.private_reply_state, "open")
        self.assertIn("You can continue in private until", conversation.private_reply_text)
        self.assertRegex(
            conversation.private_reply_text, r"\((4|5) days left; one private reply per comment"
        )
        conversation.reply_draft = "Stuur ons uw ordernummer"
        session = self.meta_session()
        with self.replay_meta(session):
            conversation.action_continue_in_private()
        private_call = session.calls[0]
        self.assertIn(f'"comment_id": "{self.COMMENT}"'.encode(), private_call["body"])
        conversation.invalidate_recordset()
        self.assertEqual(conversation.private_reply_state, "used")
        self.assertIn("answered privately already", conversation.private_reply_text)
        # a second try: refused before any call, the draft kept
        conversation.reply_draft = "Nog een keer privé"
        second = ReplaySession()
        with self.replay_meta(second), self.assertRaises(UserError) as info:
            conversation.action_continue_in_private()
        self.assertIn("Facebook takes one private reply per comment", str(info.exception))
        self.assertIn("your draft is kept", str(info.exception))
        self.assertEqual(second.calls, [])
        self.assertEqual(self.public.reply_draft, "Nog een keer privé")

    def test_after_seven_days_it_is_refused_before_the_call(self):
        conversation = self.public.with_user(self.agent)
        conversation.reply_draft = "Stuur ons uw ordernummer"
        session = ReplaySession()
        with freeze_time(self.written + timedelta(days=7, minutes=1)):
            conversation.invalidate_recordset()
            self.assertEqual(conversation.private_reply_state, "passed")
            self.assertIn("The 7 days for a private reply", conversation.private_reply_text)
            with self.replay_meta(session), self.assertRaises(UserError) as info:
                conversation.action_continue_in_private()
        self.assertIn("no longer accepts one", str(info.exception))
        self.assertEqual(session.calls, [], "refused before the platform call")
        self.assertEqual(self.public.reply_draft, "Stuur ons uw ordernummer")

    def test_form_shows_the_sentence(self):
        arch = self.env["social_crm.conversation"].get_view(view_type="form")["arch"]
        self.assertIn("o_social_crm_private_reply", arch)
        self.assertIn("private_reply_text", arch)
        other = self.Conversation_demo()
        self.assertEqual(other.private_reply_state, "none")

    def Conversation_demo(self):
        return self.conversation.with_user(self.agent)


UNKNOWN_REPLY = """From: Iemand <iemand@elders.example>
To: catchall@example.com
Subject: Re: {subject}
Message-ID: <{tag}-unknown@mail.example.com>
In-Reply-To: {parent}
References: {parent}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Hoi Pam, we sturen vandaag een nieuw pakket.
"""


@tagged("post_install", "-at_install")
class TestEmailFromUnknownSender(ChatterCommon, TransactionCase):
    """An e-mail reply from an address no user has (through the real mail
    gateway): labelled as a note, and the conversation's people are told."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(
            cls.env,
            login="gap13_colleague",
            name="Col League",
            groups="social_crm.group_social_crm_agent",
        )

    def reply_by_email(self, tag):
        notified = self.conversation.sudo().message_post(
            body="New post to answer",
            message_type="notification",
            partner_ids=self.agent.partner_id.ids,
        )
        raw = UNKNOWN_REPLY.format(
            subject=self.conversation.name, tag=tag, parent=notified.message_id
        )
        with self.spy() as calls:
            self.env["mail.thread"].sudo().message_process(None, raw)
        self.assertEqual(calls, [], "nothing goes to the platform")
        [message] = self.env["mail.message"].search(
            [("message_id", "=", f"<{tag}-unknown@mail.example.com>")]
        )
        self.assertIn("Received by e-mail — not sent to the poster.", str(message.body))
        self.assertTrue(message.subtype_id.internal)
        return message

    def told(self, user):
        return self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
                ("body", "ilike", "iemand@elders.example"),
            ]
        )

    def test_the_assignee_is_told(self):
        self.conversation.user_id = self.agent
        self.reply_by_email("assigned")
        told = self.told(self.agent)
        self.assertEqual(len(told), 1, "the assignee is told")
        self.assertIn("NOT sent to Demo", str(told.body))
        self.assertIn(f"discuss.channel_{self.conversation.channel_id.id}", str(told.body))
        self.assertFalse(self.told(self.colleague), "only the assignee")

    def test_unassigned_the_agents_are_told(self):
        self.conversation.user_id = False
        self.reply_by_email("unassigned")
        self.assertEqual(len(self.told(self.agent)), 1)
        self.assertEqual(len(self.told(self.colleague)), 1)


@tagged("post_install", "-at_install")
class TestPrivacyOfSentImages(ChatterCommon, TransactionCase):
    """The images we sent to a person: listed in their export, deleted by
    retention when they are no contact."""

    def send_image(self, text="Dit is het label"):
        channel = self.conversation.channel_id
        image = (
            self.env["ir.attachment"]
            .with_user(self.agent)
            .sudo()
            .create(
                {
                    "name": "label.png",
                    "raw": PNG,
                    "res_model": "discuss.channel",
                    "res_id": channel.id,
                }
            )
            .sudo(False)
        )
        post = self.conversation.with_user(self.agent)._social_crm_send_composed(text, [image.id])
        self.assertEqual(post.chatter_message_id.attachment_ids, image)
        return post, image

    def test_export_lists_the_images_sent(self):
        post, _image = self.send_image()
        [profile] = self.conversation.identity_id._personal_data()
        self.assertEqual(
            profile["images_sent"],
            [
                {
                    "file": "label.png",
                    "date": fields.Datetime.to_string(post.posted_at),
                    "post": post.external_id,
                    "text": "Dit is het label",
                    "conversation": self.conversation.name,
                }
            ],
        )

    def test_retention_deletes_images_sent_to_unknown_people(self):
        _post, image = self.send_image()
        self.company = self.env.company
        self.company.social_crm_retention_days = 30
        self.env["social_crm.message"]._cron_retention()
        self.assertTrue(image.exists(), "within the period: kept")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.env["social_crm.message"]._cron_retention()
        self.assertFalse(image.exists(), "past the period: the image is gone")

    def test_retention_keeps_images_sent_to_a_contact(self):
        identity = self.conversation.identity_id
        identity.partner_id = self.env["res.partner"].create({"name": "Pam Poster"})
        _post, image = self.send_image()
        self.env.company.social_crm_retention_days = 30
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.env["social_crm.message"]._cron_retention()
        self.assertTrue(image.exists())


@tagged("post_install", "-at_install")
class TestImagesWentThenTimeout(MetaCommon, TransactionCase):
    def test_a_timeout_on_the_text_still_records_the_image(self):
        """The text's outcome is unknown (a 5xx): the record says so, and
        also that the image went."""
        post = self.ingest_meta("m_in_2", "Hallo?", key=f"dm:{PERSON}")
        conversation = post.conversation_id.with_user(self.agent)
        image = self.upload(conversation)
        session = ReplaySession()
        session.add_recording(local_recording("meta", "media.json")["message_image"])
        session.add("POST", "/messages", status=503, body={"error": {"message": "down"}})
        with self.replay_meta(session):
            try:
                conversation._social_crm_send_composed("Uw label", [image.id])
            except UserError as error:
                said = error.args[0]
        self.assertIn("The image already went to the person", said)
        outbound = self.env["social_crm.outbound"].search(
            [("conversation_id", "=", post.conversation_id.id)]
        )
        self.assertEqual(outbound.state, "unknown")
        self.assertEqual(outbound.images_sent_ids, "m_ImAgE1pHoToQ8vYc2LwE6sKd0HjXoA1bZuMgF9iR3tVy")
