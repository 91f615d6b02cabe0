"""Images in planned posts (issue 17, "images where allowed").

A planned post carries images (``image_ids``, uploaded in the composer).
Each line checks them against its platform's limits for a post
(:func:`..connectors.media.check_images`, ``kind`` "post") and shows the
limit and any refusal in the composer, so a PDF or one image too many is
refused before anything leaves; the draft and its images are kept.

Instagram fetches its photo from a public https address: at sending time
the image gets an access token and its address under the database's base
URL (``/web/content/<id>/<name>?access_token=...``), refused when that URL
is not public https. The token is taken away once the post is published.
Instagram publishes in two steps (a container, then ``media_publish``); the
container id is kept on the line (committed) before the second step, and
after a lost answer its status tells whether the photo went out
(``PUBLISHED``: read back; ``FINISHED``: publish that container; never a
second container for a line that has one).
"""

from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..connectors import ConnectorError
from ..connectors.media import BY_ADDRESS, Image, MediaRefused, check_images, check_public_url, rule
from ._helpers import error_text, words_text
from .social_crm_post_line import SocialCrmPostLine


class SocialCrmPostImages(models.Model):
    _inherit = "social_crm.post"

    image_ids = fields.Many2many(
        "ir.attachment",
        "social_crm_post_image_rel",
        "post_id",
        "attachment_id",
        string="Images",
        help="Sent with the post where the platform takes them; each account's line says "
        "what its platform takes.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        posts = super().create(vals_list)
        posts._adopt_images()
        return posts

    def write(self, vals):
        result = super().write(vals)
        if "image_ids" in vals:
            self._adopt_images()
        return result

    def _adopt_images(self):
        """The images are uploads of this composer that the user may read
        (another record's document is never published); they then belong
        to the post."""
        for post in self:
            files = post.image_ids
            if not files:
                continue
            try:
                if any(
                    a.res_model not in (False, self._name) or (a.res_id or 0) not in (0, post.id)
                    for a in files.sudo()
                ):
                    raise AccessError(self.env._("Not an upload of this composer."))
                files.sudo(False).check("read")
            except AccessError as error:
                raise UserError(
                    self.env._(
                        "Only images uploaded in this post's composer can be published: "
                        "upload the image again from your computer."
                    )
                ) from error
            files.sudo().filtered(lambda a, post=post: a.res_id != post.id).write(
                {"res_model": self._name, "res_id": post.id}
            )


class SocialCrmPostLineImages(models.Model):
    _inherit = "social_crm.post.line"
    _social_crm_protected = SocialCrmPostLine._social_crm_protected | {"publish_container"}

    image_rule = fields.Char("Images taken", compute="_compute_image_rule")
    publish_container = fields.Char(
        "Instagram container",
        readonly=True,
        copy=False,
        help="The photo prepared on Instagram before it is published: after a lost answer "
        "its status tells whether it went out.",
    )

    @api.depends("account_id.platform")
    def _compute_image_rule(self):
        for line in self:
            limit = rule(line.account_id.platform, kind="post")
            words = limit.refused.to_json() if not limit.most else limit.describe().to_json()
            line.image_rule = words_text(self.env, words)

    @api.depends("post_id.image_ids", "post_id.image_ids.mimetype", "post_id.image_ids.file_size")
    def _compute_length(self):
        """Besides the length: the images refused by the platform."""
        result = super()._compute_length()
        for line in self.filtered(lambda line: not line.problem and line.account_id):
            try:
                line._check_images(line._publish_images(load=False))
            except MediaRefused as error:
                line.problem = error_text(self.env, error)
        return result

    def _check_images(self, images):
        platform = self.account_id.platform
        check_images(platform, images, kind="post")
        if platform in BY_ADDRESS:
            for image in images:
                check_public_url(image.url, image.name)

    def _image_url(self, attachment):
        """Where the platform fetches ``attachment``: under the database's
        base URL, with the attachment's access token."""
        base = self.get_base_url().rstrip("/")
        name = quote(attachment.name or "image")
        token = quote(attachment.access_token or "")
        return f"{base}/web/content/{attachment.id}/{name}?access_token={token}"

    def _publish_images(self, load=True):
        """The post's images as :class:`Image`, in the order attached: with
        their bytes (``load``) or only their size (a check). Where the
        platform fetches them (Instagram) and ``load``, each gets an access
        token and its public address."""
        self.ensure_one()
        files = self.post_id.image_ids.sudo().sorted("id")
        by_address = self.account_id.platform in BY_ADDRESS
        if load and by_address:
            files.generate_access_token()
        images = []
        for attachment in files:
            binary = attachment.type == "binary"
            images.append(
                Image(
                    name=attachment.name or "image",
                    mimetype=(attachment.mimetype or "") if binary else "",
                    data=attachment.raw if load and binary and not by_address else b"",
                    alt=attachment.description or "",
                    url=self._image_url(attachment) if by_address else "",
                    known_size=attachment.file_size or 0,
                )
            )
        return images

    def _platform_publish(self, connector, ledger):
        """Instagram in its two steps: the container is kept (committed)
        before ``media_publish``; a line that has one publishes that one."""
        if not getattr(connector, "publish_in_steps", False):
            return super()._platform_publish(connector, ledger)
        container = self.sudo().publish_container
        if not container:
            images = self._publish_images()
            ledger.commit()  # the addresses answer before Instagram fetches them
            container = connector.create_container(self.text or "", images)
            ledger.move(self, ("posting",), {"publish_container": container})
        post = connector.publish_container(container, self.text or "")
        # published: Instagram has fetched the photo; its address closes
        self.post_id.image_ids.sudo().write({"access_token": False})
        return post

    def _reconcile(self, connector, ledger):
        """Instagram: the kept container says whether the photo went out.
        No container: nothing can have been published (a container left
        behind publishes nothing), so it is sent again."""
        if not getattr(connector, "publish_in_steps", False):
            return super()._reconcile(connector, ledger)
        container = self.sudo().publish_container
        if not container:
            return None, True
        try:
            status = connector.container_status(container)
        except ConnectorError as error:
            words = error_text(self.env, error)
            ledger.move(self, ("posting",), {"error": words, "attempted_at": self.attempted_at})
            return None, False
        if status == "FINISHED":
            return None, True
        if status == "PUBLISHED":
            return super()._reconcile(connector, ledger)  # read our media back
        if status == "IN_PROGRESS":
            return None, False  # asked again at the next run
        words = self.env._(
            "Instagram could not publish the prepared photo (%(status)s). Press Try again "
            "to prepare it anew.",
            status=status or "?",
        )
        ledger.move(self, ("posting",), {"state": "failed", "error": words})
        return None, False


class SocialCrmIdentityPostImages(models.Model):
    """Privacy: a thank-you post's photo shows the person. The export names
    the images of the posts about them; erasure removes those images from
    Odoo, published or not (the platform's copy is the account's to delete
    there)."""

    _inherit = "social_crm.identity"

    def _personal_data(self, companies=None):
        data = super()._personal_data(companies)
        for identity, profile in zip(self.sudo(), data, strict=True):
            posts = identity._social_crm_planned_posts(companies)
            for entry, post in zip(profile.get("planned_posts") or [], posts, strict=False):
                entry["images"] = post.image_ids.mapped("name")
        return data

    def _erase_one(self, companies=None):
        self._social_crm_planned_posts(companies).sudo().image_ids.unlink()
        return super()._erase_one(companies)
