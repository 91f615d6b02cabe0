"""Publishing a photo on Instagram (issue 17, "images where allowed").

The content publishing API, as documented
(https://developers.facebook.com/docs/instagram-platform/content-publishing/):

1. ``POST /{ig-user-id}/media`` with ``image_url`` (a JPEG that Instagram
   fetches from a public https address) and ``caption`` creates a
   *container*: ``{"id": "<container id>"}``. A container publishes
   nothing by itself; an unpublished one expires after 24 hours.
2. ``GET /{container-id}?fields=status_code``: ``IN_PROGRESS`` while
   Instagram fetches and checks the photo, then ``FINISHED``; ``ERROR`` or
   ``EXPIRED`` when it cannot be published; ``PUBLISHED`` once it is.
3. ``POST /{ig-user-id}/media_publish`` with ``creation_id`` publishes the
   container: ``{"id": "<media id>"}``.

Instagram keeps no idempotency key, but the container says whether it was
published. The caller keeps the container id before step 3
(:meth:`InstagramPublishMixin.create_container`, then
:meth:`~InstagramPublishMixin.publish_container`); after a lost answer
:meth:`~InstagramPublishMixin.container_status` tells: ``FINISHED`` (not
published: publish it), ``PUBLISHED`` (read our recent media back,
:meth:`~InstagramPublishMixin.find_published`).
"""

import time
from urllib.parse import quote

from .base import MalformedResponse, PlatformUnavailable, Post, RequestRefused, utcnow
from .media import check_public_url
from .messages import Message

#: how often a container still in progress is asked for again
CONTAINER_POLLS = 4


def _s(value):
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return str(value).strip()


class InstagramPublishMixin:
    """Content publishing for :class:`~.meta.InstagramConnector`
    (``self._call`` is the Graph call, ``self._account_path()`` our
    Instagram account id)."""

    #: the post goes out in two steps whose middle (the container) is kept
    publish_in_steps = True
    #: our recent media, read back after a lost answer (``find_published``)
    own_posts = ("media", "caption", "timestamp", "permalink")

    def check_publish(self, text, images=()):
        """As every platform (a photo, JPEG, 8 MB, one), and each image at a
        public https address Instagram can fetch."""
        res = super().check_publish(text, images)
        for image in images or ():
            check_public_url(image.url, image.name)
        return res

    def publish(self, text, idempotency_key=None, images=()):
        """A photo post: a container, then ``media_publish``. Instagram
        deduplicates nothing: ``idempotency_key`` is not sent."""
        container = self.create_container(text, images)
        return self.publish_container(container, text)

    def create_container(self, text, images):
        """``POST /{ig-user-id}/media``: the photo (its public ``url``) and
        its caption; the container id. Nothing is published yet."""
        self.check_publish(text, images)
        body = self._call(
            "POST",
            f"{self._account_path()}/media",
            data={"image_url": images[0].url, "caption": text or ""},
        )
        container = _s(body.get("id"))
        if not container:
            raise MalformedResponse(
                Message("accepted_no_id_for", place=self.label, what=Message("thing_image"))
            )
        return container

    def container_status(self, container_id):
        """The container's ``status_code`` (``FINISHED``, ``IN_PROGRESS``,
        ``PUBLISHED``, ``ERROR``, ``EXPIRED``)."""
        body = self._call("GET", quote(_s(container_id), safe=""), params={"fields": "status_code"})
        return _s(body.get("status_code")).upper()

    def publish_container(self, container_id, text=""):
        """``POST /{ig-user-id}/media_publish`` once the container is
        ``FINISHED`` (asked again a few times while in progress); the
        published media as a :class:`Post`."""
        status = self.container_status(container_id)
        polls = 0
        while status == "IN_PROGRESS" and polls < CONTAINER_POLLS:
            polls += 1
            self._pause(polls)
            status = self.container_status(container_id)
        if status == "IN_PROGRESS":
            raise PlatformUnavailable(Message("ig_container_processing"))
        if status not in ("FINISHED", "PUBLISHED"):
            raise RequestRefused(Message("ig_container_failed", status=status or "?"))
        body = self._call(
            "POST", f"{self._account_path()}/media_publish", data={"creation_id": container_id}
        )
        media_id = _s(body.get("id"))
        if not media_id:
            raise MalformedResponse(
                Message("accepted_no_id_for", place=self.label, what=Message("thing_published"))
            )
        return Post(external_id=media_id, text=text, posted_at=utcnow())

    @staticmethod
    def _pause(attempt):
        time.sleep(min(attempt * 2, 5))
