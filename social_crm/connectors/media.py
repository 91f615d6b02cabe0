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
"""

import dataclasses
import hashlib

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

    @property
    def size(self):
        return len(self.data or b"")

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


def rule(platform, private=False):
    """The :class:`MediaRule` of ``platform`` for a public reply or a private
    message; no images for a platform not listed."""
    return RULES.get((platform, "private" if private else "public")) or MediaRule(
        refused=Message("media_none", place=LABELS.get(platform, platform))
    )


def check_images(platform, images, private=False):
    """Raise :class:`MediaRefused` (plain words naming the limit) unless
    ``platform`` takes all of ``images`` with a public reply (or a private
    message). Nothing is sent before this passes."""
    images = list(images or ())
    if not images:
        return
    label = LABELS.get(platform, platform)
    limit = rule(platform, private)
    what = Message("thing_a_private_message" if private else "thing_a_reply")
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


def images_key(images):
    """A stable summary of ``images`` for the outgoing record's key: the same
    words with other images are another request."""
    return ",".join(image.digest() for image in images or ())
