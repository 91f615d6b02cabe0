"""Images that go out with a reply or a private message: what each platform's
API takes, checked before anything is sent.

Plain Python (no Odoo): :func:`check_images` refuses, with plain words that
name the limit, images a platform would refuse (type, size, count) or cannot
take at all (Instagram comments, Bluesky chat), so that nothing is uploaded
and nothing posted when one of them cannot go. The connectors upload only
after this check (:meth:`~.base.Connector.reply` ``images=``).

The limits, with their sources:

- X: JPEG, PNG, GIF or WEBP, 5 MB each, 4 per post, 1 per direct message
  (https://docs.x.com/x-api/media/quickstart/media-upload-chunked,
  "Image 5MB"; https://docs.x.com/x-api/direct-messages/manage/introduction).
- Mastodon: JPEG, PNG, GIF, WEBP, HEIC or AVIF, 16 MB each (the default
  ``configuration.media_attachments.image_size_limit`` of Mastodon 4; an
  instance may set less and then refuses), 4 per status; a private message
  is a status too (https://docs.joinmastodon.org/methods/media/).
- Bluesky: the ``app.bsky.embed.images`` lexicon: ``image/*`` up to
  1,000,000 bytes, 4 per post, each with alt text. A chat message's embed
  (``chat.bsky.convo.defs#messageInput``) takes a quoted post only: no image.
- Facebook: a comment carries one photo (``source``, 4 MB:
  https://developers.facebook.com/docs/graph-api/reference/object/comments/);
  a Messenger message one image attachment (25 MB:
  https://developers.facebook.com/docs/messenger-platform/send-messages#file).
- Instagram: a comment reply is text only
  (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment/replies);
  a direct message takes an image only from a public web address.

A post of our own (:meth:`~.base.Connector.publish`, the planned posts) has
rules of its own (``kind`` ``"post"``):

- X, Mastodon, Bluesky: as a public reply (the same post API).
- Facebook: a Page photo, ``POST /{page-id}/photos`` with ``source`` and
  ``caption``: one photo; JPEG, PNG or GIF up to 4 MB
  (https://developers.facebook.com/docs/graph-api/reference/page/photos/).
- Instagram: content publishing, one image; "JPEG is the only image format
  supported", "Maximum file size: 8 MiB", fetched by Instagram from a
  public https address (``image_url``: :func:`check_public_url`)
  (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media).
"""

import dataclasses
import hashlib
import ipaddress
from urllib.parse import urlsplit

from .base import RequestRefused
from .messages import Message

MB = 1024 * 1024
COMMON = ("image/jpeg", "image/png", "image/gif", "image/webp")


@dataclasses.dataclass
class Image:
    """One image to send: its file name, MIME type, bytes and alt text."""

    name: str
    mimetype: str
    data: bytes
    alt: str = ""
    #: where the platform fetches it (Instagram): a public https address
    url: str = ""
    #: the size when ``data`` is not loaded (a check before sending)
    known_size: int = 0

    @property
    def size(self):
        return len(self.data) if self.data else self.known_size

    def digest(self):
        return hashlib.sha256(self.data or b"").hexdigest()


@dataclasses.dataclass(frozen=True)
class MediaRule:
    """What one platform takes with one kind of message. ``most`` 0 means
    no image at all, for the reason ``refused`` (a :class:`~.messages.Message`:
    shown in the reader's language)."""

    types: tuple = ()
    max_bytes: int = 0
    most: int = 0
    refused: Message = None

    def describe(self):
        """The limit in a few plain words (for the README and the agent), as
        a :class:`~.messages.Message` (``str()``: the English words)."""
        if not self.most:
            return Message("media_rule_none")
        return Message(
            "media_rule",
            kinds=kinds_words(self.types),
            most=self.most,
            size=size_words(self.max_bytes),
        )


def kinds_words(types):
    """``("image/jpeg", "image/png")`` as ``JPEG, PNG``."""
    return ", ".join(t.split("/", 1)[1].upper() for t in types)


def size_words(size):
    """``size`` bytes in words: ``5 MB``, ``1,000,000 bytes`` (a limit set in
    decimal bytes, as Bluesky's), ``976 KB``."""
    if size < MB and size % 1000 == 0:
        return f"{size:,} bytes"
    if size >= MB and size % MB == 0:
        return f"{size // MB} MB"
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


RULES = {
    ("x", "public"): MediaRule(COMMON, 5 * MB, 4),
    ("x", "private"): MediaRule(COMMON, 5 * MB, 1),
    ("mastodon", "public"): MediaRule(COMMON + ("image/heic", "image/avif"), 16 * MB, 4),
    ("mastodon", "private"): MediaRule(COMMON + ("image/heic", "image/avif"), 16 * MB, 4),
    ("bluesky", "public"): MediaRule(("image/jpeg", "image/png", "image/webp"), 1_000_000, 4),
    ("bluesky", "private"): MediaRule(refused=Message("media_bluesky_chat")),
    ("facebook", "public"): MediaRule(("image/jpeg", "image/png", "image/gif"), 4 * MB, 1),
    ("facebook", "private"): MediaRule(("image/jpeg", "image/png", "image/gif"), 25 * MB, 1),
    ("instagram", "public"): MediaRule(refused=Message("media_instagram_comment")),
    ("instagram", "private"): MediaRule(refused=Message("media_instagram_dm")),
    ("demo", "public"): MediaRule(COMMON, 5 * MB, 4),
    ("demo", "private"): MediaRule(COMMON, 5 * MB, 4),
    # a post of our own (publish)
    ("x", "post"): MediaRule(COMMON, 5 * MB, 4),
    ("mastodon", "post"): MediaRule(COMMON + ("image/heic", "image/avif"), 16 * MB, 4),
    ("bluesky", "post"): MediaRule(("image/jpeg", "image/png", "image/webp"), 1_000_000, 4),
    ("facebook", "post"): MediaRule(("image/jpeg", "image/png", "image/gif"), 4 * MB, 1),
    ("instagram", "post"): MediaRule(("image/jpeg",), 8 * MB, 1),
    ("demo", "post"): MediaRule(COMMON, 5 * MB, 4),
}
#: platforms that fetch a post's images from a public address (``Image.url``)
BY_ADDRESS = frozenset({"instagram"})
#: what a message of each kind is called in the refusals
THINGS = {
    "public": "thing_a_reply",
    "private": "thing_a_private_message",
    "post": "thing_a_post",
}

#: the platforms' names as people know them
LABELS = {
    "x": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "demo": "Demo",
    "flickr": "Flickr",
}


class MediaRefused(RequestRefused):
    """Images a platform does not take; nothing was uploaded or sent."""


def _kind(private, kind):
    return kind or ("private" if private else "public")


def rule(platform, private=False, kind=None):
    """The :class:`MediaRule` of ``platform`` for a public reply, a private
    message or (``kind`` ``"post"``) a post of our own; no images for a
    platform not listed."""
    return RULES.get((platform, _kind(private, kind))) or MediaRule(
        refused=Message("media_none", place=LABELS.get(platform, platform))
    )


def check_images(platform, images, private=False, kind=None):
    """Raise :class:`MediaRefused` (plain words naming the limit) unless
    ``platform`` takes all of ``images`` with a public reply, a private
    message or (``kind`` ``"post"``) a post of our own. Nothing is sent
    before this passes."""
    images = list(images or ())
    if not images:
        return
    label = LABELS.get(platform, platform)
    limit = rule(platform, private, kind)
    what = Message(THINGS[_kind(private, kind)])
    if not limit.most:
        raise MediaRefused(Message("media_refused", reason=limit.refused))
    if len(images) > limit.most:
        counts = {"count": len(images), "extra": len(images) - limit.most}
        if limit.most == 1:
            raise MediaRefused(Message("media_too_many_one", place=label, what=what, **counts))
        raise MediaRefused(
            Message("media_too_many", place=label, most=limit.most, what=what, **counts)
        )
    for image in images:
        if image.mimetype not in limit.types:
            kinds = kinds_words(limit.types)
            if image.mimetype:
                raise MediaRefused(
                    Message(
                        "media_wrong_type",
                        place=label,
                        kinds=kinds,
                        name=image.name,
                        type=image.mimetype,
                    )
                )
            raise MediaRefused(
                Message("media_unknown_type", place=label, kinds=kinds, name=image.name)
            )
        if image.size > limit.max_bytes:
            most, size = size_words(limit.max_bytes), size_words(image.size)
            if most == size or most.endswith("bytes"):  # the same unit, told apart
                most, size = f"{limit.max_bytes:,} bytes", f"{image.size:,} bytes"
            raise MediaRefused(
                Message("media_too_large", place=label, most=most, name=image.name, size=size)
            )


def check_public_url(url, name="image"):
    """Raise :class:`MediaRefused` unless ``url`` is an https address on a
    public host, where a platform (Instagram) can fetch the image ``name``."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    public = parts.scheme == "https" and "." in host and not host.endswith(".localhost")
    if public:
        try:
            public = ipaddress.ip_address(host).is_global
        except ValueError:  # a name, not an address
            public = not host.endswith((".local", ".internal", ".lan", ".test", ".example"))
    if not public:
        raise MediaRefused(
            Message("media_not_public", name=name, base=parts._replace(path="", query="").geturl())
        )


def images_key(images):
    """A stable summary of ``images`` for the outgoing record's key: the same
    words with other images are another request."""
    return ",".join(image.digest() for image in images or ())
