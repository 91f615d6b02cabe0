"""Issue 17, "images where allowed": a planned post carries images; each
account's line checks them against its platform's limits before anything
leaves, and they go out on the demo account and on Instagram (a public
address under the database's URL, a container kept before media_publish,
replayed from the documented answers)."""

import base64
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors.demo import DemoConnector
from ..connectors.instagram_publish import InstagramPublishMixin
from ..connectors.testing import local_recording, shared_recording
from ..models.social_crm_guard import system
from .common import RpcAttack, SocialCrmCommon

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 2040
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 2037
CONTAINER = "17889615691921648"
STATUS = rf"/{CONTAINER}(\?|$)"


def mine(name):
    return local_recording("pubimg17", "publish_images.json")[name]


@tagged("post_install", "-at_install")
class TestPublishImages(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["social_crm.account"]
        cls.demo = Account.create(
            {"name": "Demo store", "platform": "demo", "external_user_id": "demo-hollandia"}
        )
        cls.facebook = Account.create(
            {
                "name": "Store on Facebook",
                "platform": "facebook",
                "external_user_id": "1234567890321",
            }
        )
        cls.insta = Account.create(
            {
                "name": "Store on Instagram",
                "platform": "instagram",
                "external_user_id": "17841400000000000",
                "meta_page_access_token": "page-token",
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://crm.hollandia.nl")

    def image(self, name="kerst.png", data=PNG, user=None):
        Attachment = self.env["ir.attachment"].with_user(user or self.manager)
        return Attachment.create(
            {
                "name": name,
                "datas": base64.b64encode(data),
                "res_model": "social_crm.post",
                "res_id": 0,
            }
        )

    def plan(self, text, accounts, images):
        return (
            self.env["social_crm.post"]
            .with_user(self.manager)
            .create(
                {
                    "text": text,
                    "account_ids": [(6, 0, accounts.ids)],
                    "image_ids": [(6, 0, images.ids)],
                }
            )
        )

    def test_demo_post_with_an_image_goes_out(self):
        name = "kerst.png"
        photo = self.image(name)
        post = self.plan("Kerstactie!", self.demo, photo)
        line = post.line_ids
        self.assertFalse(line.problem)
        self.assertEqual(line.image_rule, "JPEG, PNG, GIF, WEBP; at most 4, 5 MB each")
        self.assertEqual((photo.res_model, photo.res_id), ("social_crm.post", post.id))
        with patch.object(
            DemoConnector, "publish", autospec=True, side_effect=DemoConnector.publish
        ) as publish:
            post.action_publish_now()
        (sent,) = publish.call_args.kwargs["images"]
        self.assertEqual((sent.name, sent.mimetype, sent.data), (name, "image/png", PNG))
        self.assertEqual(line.state, "posted")
        self.assertTrue(line.external_id.startswith("demo-post-"))

    def test_a_pdf_and_too_many_images_are_refused_before_sending(self):
        pdf = self.image("offerte.pdf", b"%PDF-1.4 offerte")
        post = self.plan("Onze offerte", self.demo, pdf)
        self.assertIn("'offerte.pdf' is application/pdf", post.line_ids.problem)
        two = self.image("a.png") | self.image("b.png")
        photos = self.plan("Twee foto's", self.facebook, two)
        self.assertIn("Facebook takes at most 1 image with a post", photos.line_ids.problem)
        self.assertEqual(photos.line_ids.image_rule, "JPEG, PNG, GIF; at most 1, 4 MB each")
        with (
            patch.object(DemoConnector, "publish", side_effect=AssertionError("sent")),
            self.replay() as session,
        ):
            for planned in (post, photos):
                with self.assertRaisesRegex(UserError, "Nothing was sent"):
                    planned.action_publish_now()
        self.assertEqual(session.calls, [])
        self.assertEqual((post.line_ids | photos.line_ids).mapped("state"), ["draft", "draft"])
        self.assertEqual((post.text, post.image_ids, photos.image_ids), ("Onze offerte", pdf, two))

    def test_another_records_document_is_not_published(self):
        invoice = self.env["ir.attachment"].create(
            {
                "name": "factuur.png",
                "datas": base64.b64encode(PNG),
                "res_model": "res.partner",
                "res_id": self.env.user.partner_id.id,
            }
        )
        with self.assertRaisesRegex(UserError, "Only images uploaded in this post's composer"):
            self.plan("Kijk", self.demo, invoice)

    def test_the_container_is_the_flow_s_to_write(self):
        post = self.plan("Kerst", self.insta, self.image("kerst.jpg", JPEG))
        with self.assertRaises(AccessError):
            post.line_ids.with_user(self.manager).write({"publish_container": "1"})

    def test_privacy_export_and_erasure_cover_the_photos(self):
        advocate = self.env["social_crm.identity"].create(
            {"platform": "demo", "user_id": "demo-piet", "handle": "piet"}
        )
        photo = self.image("piet.png")
        sent = self.plan("Dank je @piet!", self.demo, photo)
        sent.action_publish_now()
        [profile] = advocate._personal_data()
        self.assertEqual(profile["planned_posts"][0]["images"], ["piet.png"])
        advocate.with_user(self.manager)._erase_personal_data()
        self.assertFalse(photo.exists(), "the photo is gone from Odoo")
        self.assertEqual(sent.line_ids.state, "posted")

    def test_instagram_needs_a_public_https_base_url(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "http://localhost:8069")
        post = self.plan("Kerst", self.insta, self.image("kerst.jpg", JPEG))
        self.assertIn("not a public https address", post.line_ids.problem)
        with self.assertRaisesRegex(UserError, "web.base.url"):
            post.action_publish_now()
        self.assertEqual(post.line_ids.state, "draft")
        png = self.plan("Kerst", self.insta, self.image())
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://crm.hollandia.nl")
        self.assertIn("Instagram takes only JPEG images", png.line_ids.problem)

    def test_instagram_post_with_a_photo_goes_out_replayed(self):
        photo = self.image("kerst.jpg", JPEG)
        post = self.plan("Kerstactie: deel je foto met #HollandiaKerst", self.insta, photo)
        line = post.line_ids
        self.assertFalse(line.problem)
        self.assertEqual(line.image_rule, "JPEG; at most 1, 8 MB each")
        with self.replay() as session:
            session.add_recording(mine("instagram_container"))
            session.add("GET", STATUS, body=shared_recording("meta", "instagram", "container.json"))
            session.add_recording(mine("instagram_publish"))
            post.action_publish_now()
        create, _status, publish = session.calls
        image_url = parse_qs(create["body"])["image_url"][0]
        self.assertTrue(image_url.startswith(f"https://crm.hollandia.nl/web/content/{photo.id}/"))
        token = parse_qs(urlsplit(image_url).query)["access_token"][0]
        self.assertTrue(token)
        self.assertEqual(parse_qs(publish["body"])["creation_id"], [CONTAINER])
        self.assertEqual((line.state, line.external_id), ("posted", "17920238422030506"))
        self.assertEqual(line.publish_container, CONTAINER)
        self.assertFalse(photo.sudo().access_token, "the public address closes once published")
        self.assertEqual(line.message_id.direction, "out")

    def _stalled(self, post):
        """The line as a run that died after keeping the container left it."""
        line = post.line_ids
        system(line.sudo()).write(
            {
                "state": "posting",
                "publish_container": CONTAINER,
                "attempted_at": fields.Datetime.now() - timedelta(minutes=5),
                "platform_key": "k",
            }
        )
        return line

    def test_instagram_after_a_crash_the_container_says_what_to_do(self):
        finished = self._stalled(self.plan("Kerst!", self.insta, self.image("a.jpg", JPEG)))
        with (
            self.replay() as session,
            patch.object(InstagramPublishMixin, "_pause", staticmethod(lambda attempt: None)),
        ):
            recorded = shared_recording("meta", "instagram", "container.json")
            session.add("GET", STATUS, body=recorded, times=2)  # reconcile, then before publishing
            session.add_recording(mine("instagram_publish"))
            finished._publish()
        self.assertEqual(finished.state, "posted", "not published yet: that container goes out")
        self.assertFalse(any(c["url"].split("?")[0].endswith("/media") for c in session.calls))
        text = "Kerstactie: deel je foto met #HollandiaKerst"
        published = self._stalled(self.plan(text, self.insta, self.image("b.jpg", JPEG)))
        with self.replay() as session:
            session.add_recording(mine("instagram_container_published"))
            session.add_recording(mine("instagram_own_media"))
            published._publish()
        self.assertEqual((published.state, published.external_id), ("posted", "17920238422030506"))
        self.assertFalse(any("media_publish" in c["url"] for c in session.calls))
        failed = self._stalled(self.plan("Kerst?", self.insta, self.image("c.jpg", JPEG)))
        with self.replay() as session:
            session.add_recording(mine("instagram_container_error"))
            failed._publish()
        self.assertEqual(failed.state, "failed")
        self.assertIn("Press Try again", failed.error)
        failed.with_user(self.manager).action_retry()
        self.assertFalse(failed.publish_container, "a retry prepares a new container")


@tagged("post_install", "-at_install")
class TestPublishImageAddress(HttpCase):
    def test_the_address_given_to_instagram_serves_the_photo_without_a_login(self):
        photo = self.env["ir.attachment"].create(
            {"name": "kerst.jpg", "datas": base64.b64encode(JPEG), "res_model": "social_crm.post"}
        )
        photo.generate_access_token()
        line = self.env["social_crm.post.line"]
        url = urlsplit(line._image_url(photo))
        response = self.url_open(f"{url.path}?{url.query}")
        self.assertEqual((response.status_code, response.content), (200, JPEG))
        self.assertEqual(self.url_open(url.path).status_code, 404, "not without its token")


@tagged("post_install", "-at_install")
class TestPublishImagesRpc(HttpCase, RpcAttack):
    """Over JSON-RPC an agent cannot put someone else's document in a post
    (it would be published), nor forge the Instagram container."""

    def test_agent_cannot_publish_another_records_document(self):
        agent = new_test_user(
            self.env, login="sc_img_agent", groups="social_crm.group_social_crm_agent"
        )
        account = self.env["social_crm.account"].create(
            {"name": "RPC demo", "platform": "demo", "external_user_id": "demo-img"}
        )
        private = self.env["ir.attachment"].create(
            {
                "name": "contract.png",
                "datas": base64.b64encode(PNG),
                "res_model": "res.users",
                "res_id": self.env.ref("base.user_admin").id,
            }
        )
        values = {"text": "Plan", "account_ids": [(6, 0, account.ids)]}
        link = {"image_ids": [(4, private.id)]}
        with self.assertRpcRefused("UserError", "AccessError"):
            self.rpc(agent, "social_crm.post", "create", [{**values, **link}])
        post_id = self.rpc(agent, "social_crm.post", "create", [values])[0]
        with self.assertRpcRefused("UserError", "AccessError"):
            self.rpc(agent, "social_crm.post", "write", [post_id], link)
        post = self.env["social_crm.post"].browse(post_id)
        forged = {"publish_container": "1"}
        with self.assertRpcRefused("AccessError"):
            self.rpc(agent, "social_crm.post.line", "write", post.line_ids.ids, forged)
        self.assertFalse(post.image_ids)
        self.assertEqual((private.res_model, post.line_ids.publish_container), ("res.users", False))
