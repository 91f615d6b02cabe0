"""Images out (issue 13): images attached in the Discuss social thread or in
the conversation chatter's "Send" go out with the text, through the one
reply path; a platform that refuses them keeps the draft, the images and the
state, with the reason in plain words; "Log note" keeps them internal; a
retry never posts twice."""

import base64
import contextlib
from unittest.mock import patch

from markupsafe import Markup

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..connectors import DemoConnector, Post, Profile
from .common import RpcAttack
from .test_persona_discuss import DiscussCommon

#: a real 1x1 PNG (Odoo reads images it stores)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class ImagesCommon(DiscussCommon):
    @contextlib.contextmanager
    def spy_images(self):
        """Record (text, image names) of each call of the demo connector's reply."""
        calls = []
        original = DemoConnector.reply

        def record(connector, text, *args, **kwargs):
            calls.append((text, [image.name for image in kwargs.get("images") or ()]))
            return original(connector, text, *args, **kwargs)

        with patch.object(DemoConnector, "reply", record):
            yield calls

    def upload(self, name="parcel.png", data=PNG, model="discuss.channel", res_id=None):
        """An image the agent attached in the composer (uploaded as the agent)."""
        return (
            self.env["ir.attachment"]
            .with_user(self.agent)
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": data,
                    "res_model": model,
                    "res_id": res_id if res_id is not None else self.channel.id,
                    "description": "Het pakketlabel",
                }
            )
            .sudo(False)
        )


@tagged("post_install", "-at_install")
class TestImagesOut(ImagesCommon, TransactionCase):
    def test_image_from_the_discuss_thread_reaches_the_connector_and_shows_in_the_thread(self):
        image = self.upload()
        before = self.channel.message_ids
        with self.spy_images() as calls:
            message = self.post_in_thread(
                Markup("<p>Dit is het label</p>"), social_crm_send=True, attachment_ids=[image.id]
            )
        self.assertEqual(calls, [("Dit is het label", ["parcel.png"])])
        reply = self.outgoing()
        self.assertEqual(len(reply), 1, "the outgoing post is stored once")
        self.assertEqual(self.channel.message_ids - before, message, "one message in the thread")
        self.assertEqual(reply.chatter_message_id, message)
        self.assertEqual(message.attachment_ids, image, "the image is shown with the post")
        self.assertEqual((image.res_model, image.res_id), ("discuss.channel", self.channel.id))
        self.assertFalse(message.subtype_id.internal)
        self.assertEqual(self.conversation.state, "replied")

    def test_image_only_reply_goes_out(self):
        image = self.upload()
        with self.spy_images() as calls:
            self.post_in_thread("", social_crm_send=True, attachment_ids=[image.id])
        self.assertEqual(calls, [("", ["parcel.png"])])

    def test_chatter_send_message_takes_the_image_and_log_note_keeps_it_internal(self):
        image = self.upload(model="social_crm.conversation", res_id=self.conversation.id)
        note_image = self.upload("intern.png", model="social_crm.conversation", res_id=0)
        with self.spy_images() as calls:
            sent = self.post_as_agent(Markup("<p>Zie foto</p>"), attachment_ids=[image.id])
            note = self.post_as_agent(
                Markup("<p>Intern</p>"), "mail.mt_note", attachment_ids=[note_image.id]
            )
        self.assertEqual(calls, [("Zie foto", ["parcel.png"])], "the note never went out")
        self.assertEqual(sent.attachment_ids, image)
        self.assertEqual(self.outgoing().chatter_message_id, sent)
        self.assertTrue(note.subtype_id.internal)
        self.assertEqual(note.attachment_ids, note_image)

    def test_a_refused_platform_keeps_draft_images_and_state(self):
        account = self.env["social_crm.account"].create(
            {"name": "Insta store", "platform": "instagram", "external_user_id": "ig-store"}
        )
        [post] = self.env["social_crm.message"]._ingest(
            account,
            [Post("ig-c-1", "Waar is mijn pakket?", author=Profile("ig-pam", handle="pam"))],
        )
        conversation = post.conversation_id
        conversation.reply_draft = "mijn concept"
        channel = conversation.channel_id
        image = self.upload(res_id=channel.id)
        before = channel.message_ids
        with self.assertRaises(UserError) as refused:
            channel.with_user(self.env.user).sudo().message_post(
                body="Kijk", message_type="comment", social_crm_send=True, attachment_ids=[image.id]
            )
        words = str(refused.exception)
        self.assertIn("Instagram comments cannot carry images", words)
        self.assertIn("Nothing was sent", words)
        self.assertIn("draft and its images are kept", words)
        self.assertEqual(channel.message_ids, before, "nothing stored")
        self.assertFalse(conversation.post_ids.filtered(lambda m: m.direction == "out"))
        self.assertFalse(self.env["social_crm.outbound"].search([("account_id", "=", account.id)]))
        self.assertEqual(conversation.reply_draft, "mijn concept")
        self.assertEqual(conversation.state, "new")
        self.assertTrue(image.exists())
        self.assertFalse(
            self.env["mail.message"].search([("attachment_ids", "in", image.ids)]),
            "the image stays in the composer, on no message",
        )

    def test_limits_are_named_before_anything_goes_out(self):
        images = [self.upload(f"foto{i}.png") for i in range(5)]
        pdf = self.upload("scan.pdf", b"%PDF-1.4\n%%EOF\n")
        with self.spy_images() as calls:
            with self.assertRaisesRegex(UserError, "Demo takes at most 4 images with a reply"):
                self.post_in_thread(
                    "Vijf", social_crm_send=True, attachment_ids=[i.id for i in images]
                )
            with self.assertRaisesRegex(UserError, "'scan.pdf' is application/pdf"):
                self.post_in_thread("PDF", social_crm_send=True, attachment_ids=[pdf.id])
        self.assertEqual(calls, [])
        self.assertFalse(self.outgoing())
        outbound = self.env["social_crm.outbound"].search([("account_id", "=", self.account.id)])
        self.assertFalse(outbound, "nothing was recorded as sent either")

    def test_a_retry_after_the_platform_answered_does_not_post_twice(self):
        image = self.upload()
        with self.spy_images() as calls:
            with patch.object(
                type(self.conversation), "_record_our_post", side_effect=RuntimeError("crash")
            ):
                # the platform took it; the run failed before it was stored (no
                # assertRaises: its savepoint would roll back the outgoing record,
                # which outlives the run's rollback in its own transaction)
                crashed = False
                try:
                    self.post_in_thread("Label", social_crm_send=True, attachment_ids=[image.id])
                except RuntimeError:
                    crashed = True
                self.assertTrue(crashed)
            # the same request again (Odoo's retry, or the agent's second click)
            message = self.post_in_thread("Label", social_crm_send=True, attachment_ids=[image.id])
            self.assertEqual(len(calls), 1, "the platform was not called again")
            self.assertEqual(self.outgoing().chatter_message_id, message)
            self.assertEqual(message.attachment_ids, image)
            # the same words with another image are another request
            other = self.upload("ander.png", PNG + b"\0")
            self.post_in_thread("Label", social_crm_send=True, attachment_ids=[other.id])
        self.assertEqual(len(calls), 2)
        self.assertEqual(len(self.outgoing()), 2)

    def test_erasure_removes_the_images_sent_to_the_person(self):
        image = self.upload()
        with self.spy_images():
            message = self.post_in_thread(
                "Uw label", social_crm_send=True, attachment_ids=[image.id]
            )
        manager = new_test_user(
            self.env,
            login="img13_manager",
            groups="social_crm.group_social_crm_manager",
        )
        self.post.author_identity_id.with_user(manager).action_erase()
        self.assertFalse(image.exists(), "no copy of the image is kept")
        self.assertFalse(message.attachment_ids)
        self.assertTrue(self.outgoing().erased)

    def test_an_attachment_the_agent_cannot_read_is_refused(self):
        secret = self.env["ir.attachment"].create(
            {"name": "salaris.png", "raw": PNG, "res_model": "res.users", "res_id": 0}
        )
        # a document of a record the agent may read is not a composer upload
        partner = self.env["res.partner"].create({"name": "Klant met paspoort"})
        passport = self.env["ir.attachment"].create(
            {"name": "paspoort.png", "raw": PNG, "res_model": "res.partner", "res_id": partner.id}
        )
        self.assertTrue(passport.with_user(self.agent).has_access("read"))
        with self.spy_images() as calls:
            for attachment in (secret, passport):
                with self.assertRaisesRegex(UserError, "You may not send one of these"):
                    self.post_in_thread(
                        "Kijk", social_crm_send=True, attachment_ids=[attachment.id]
                    )
        self.assertEqual(calls, [])
        self.assertEqual((passport.res_model, passport.res_id), ("res.partner", partner.id))


@tagged("post_install", "-at_install")
class TestImagesOutRpc(ImagesCommon, RpcAttack, HttpCase):
    def test_the_chatter_composer_sends_an_uploaded_image_over_json_rpc(self):
        image = self.upload(model="social_crm.conversation", res_id=self.conversation.id)
        self.authenticate(self.agent.login, self.agent.login)
        with self.spy_images() as calls:
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "social_crm.conversation",
                    "thread_id": self.conversation.id,
                    "post_data": {
                        "body": "Met foto",
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                        "attachment_ids": [image.id],
                    },
                    "attachment_tokens": [image.sudo().generate_access_token()[0]],
                },
            )
        self.assertEqual(calls, [("Met foto", ["parcel.png"])])
        self.assertEqual(self.outgoing().chatter_message_id.attachment_ids, image)


@tagged("post_install", "-at_install")
class TestImagesTour(HttpCase):
    def test_agent_sends_an_image_from_discuss_and_a_refused_one_is_kept(self):
        agent = new_test_user(
            self.env,
            login="img13_tour",
            name="Ilse Image",
            groups="social_crm.group_social_crm_agent",
        )
        demo = self.env["social_crm.account"].create(
            {"name": "Image tour", "platform": "demo", "external_user_id": "demo-itour"}
        )
        instagram = self.env["social_crm.account"].create(
            {"name": "Image tour IG", "platform": "instagram", "external_user_id": "ig-itour"}
        )
        [post] = self.env["social_crm.message"]._ingest(
            demo,
            [Post("img-tour-1", "Image parcel question", author=Profile("demo-ida", handle="ida"))],
        )
        [ig_post] = self.env["social_crm.message"]._ingest(
            instagram,
            [
                Post(
                    "ig-tour-1",
                    "Instagram image question",
                    author=Profile("ig-iris", handle="iris"),
                )
            ],
        )
        post.conversation_id.user_id = agent
        ig_post.conversation_id.user_id = agent
        sent = []
        original = DemoConnector.reply

        def record(connector, text, *args, **kwargs):
            sent.append((text, [image.name for image in kwargs.get("images") or ()]))
            return original(connector, text, *args, **kwargs)

        with patch.object(DemoConnector, "reply", record):
            self.start_tour("/odoo/discuss", "social_crm_img13_tour", login="img13_tour")
        self.assertEqual(sent, [("Here is your parcel label, Ida!", ["label.png"])])
        out = post.conversation_id.post_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(out.chatter_message_id.attachment_ids.mapped("name"), ["label.png"])
        ig = ig_post.conversation_id
        self.assertFalse(ig.post_ids.filtered(lambda m: m.direction == "out"))
        self.assertEqual(ig.state, "new")
        # a pending upload of the composer (mail.compose.message), on no message
        kept = self.env["ir.attachment"].search([("name", "=", "photo.png")])
        self.assertEqual(len(kept), 1, "the refused image is still in the composer")
        self.assertFalse(self.env["mail.message"].search([("attachment_ids", "in", kept.ids)]))

    def test_composers_say_what_images_the_platform_takes(self):
        account = self.env["social_crm.account"].create(
            {"name": "Hint IG", "platform": "instagram", "external_user_id": "ig-hint"}
        )
        [post] = self.env["social_crm.message"]._ingest(
            account, [Post("ig-hint-1", "Hoi", author=Profile("ig-h", handle="h"))]
        )
        conversation = post.conversation_id
        self.assertIn(
            "Instagram comments cannot carry images",
            conversation.social_crm_composer_info()["media"],
        )
        demo = self.env["social_crm.account"].create(
            {"name": "Hint demo", "platform": "demo", "external_user_id": "demo-hint"}
        )
        [post] = self.env["social_crm.message"]._ingest(
            demo, [Post("demo-hint-1", "Hoi", author=Profile("demo-h", handle="h"))]
        )
        self.assertEqual(
            post.conversation_id.social_crm_composer_info()["media"],
            "Images: JPEG, PNG, GIF, WEBP; at most 4, 5 MB each",
        )
