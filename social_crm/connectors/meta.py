"""Facebook Pages and Instagram: Meta's webhooks in, the Graph API out.

Meta gives no stream of mentions to poll: comments, posts by visitors,
mentions, reviews, reactions and Messenger messages reach us as signed
webhook deliveries. This module therefore has two halves:

- **Webhooks**, plain functions: :func:`verify_signature` checks the
  ``X-Hub-Signature-256`` header over the raw body, :func:`verify_subscription`
  answers the GET handshake, and :func:`parse_webhook` turns a delivery into
  one :class:`WebhookBatch` per entry (posts, reactions, and what was skipped
  and why). Parsing never raises on an odd change or event; it is skipped with
  a plain reason (ids, never names or texts, as the reasons are stored).
- **The Graph API** (:data:`GRAPH_URL`): :class:`MetaConnector` (Facebook) and
  :class:`InstagramConnector` reply, look up profiles and test the connection.

Credentials: ``{"page_id", "page_access_token", "app_secret"}``. For
Instagram, ``page_id`` holds the Instagram business account id (the ``id`` of
its webhook entries) and the token is the access token of the Facebook Page
linked to it. Every call sends ``access_token`` and, when ``app_secret`` is
set, ``appsecret_proof`` (apps that require it refuse calls without it).

Conversation keys: a Facebook comment or post belongs to its post
(``post_id``), an Instagram comment to its media, a private message to
``"dm:<sender id>"``. Replying to ``"dm:<id>"`` sends a private message;
``send_private`` sends one to a person, as a private reply to their comment
when given one.

Images (:mod:`.media`): a Facebook comment carries one photo, uploaded with
it as ``source`` (multipart). A Messenger message is either text or one
attachment, so an image goes first as its own message (``filedata``
upload), then the text; Meta's private reply to a comment is one message,
so it takes no image. Instagram comments take no image, and its direct
messages only an image at a public address: both are refused before
anything is sent.
"""

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from ._http import DEFAULT_RETRY, JsonHttpConnector
from .base import (
    DM_PREFIX,
    AccessLevelError,
    AuthenticationError,
    ConnectorError,
    FetchResult,
    MalformedResponse,
    Metrics,
    PlatformUnavailable,
    Post,
    Profile,
    RateLimitError,
    RequestRefused,
    count,
    from_epoch,
    json_object,
    parse_time,
    private_key,
    recipient_id,
    safe_code,
    same_words,
    utcnow,
)
from .instagram_media import InstagramMediaMixin
from .instagram_publish import InstagramPublishMixin
from .media import MediaRefused, check_images, images_key
from .messages import Message
from .reviews_api import ExternalReview

#: the Graph API version every call uses
GRAPH_VERSION = "v21.0"
GRAPH_URL = f"https://graph.facebook.com/{GRAPH_VERSION}"
#: the header Meta signs its webhook deliveries in
SIGNATURE_HEADER = "X-Hub-Signature-256"

#: webhook ``object`` -> our platform
OBJECT_PLATFORMS = {"page": "facebook", "instagram": "instagram"}
#: feed items that are a post on the page's timeline
POST_ITEMS = ("post", "status", "photo", "video", "share")

#: Graph error codes (developers.facebook.com/docs/graph-api/guides/error-handling)
TOKEN_EXPIRED = 190
#: app, user, page and custom limits, and the business use case limits (800xx)
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
PERMISSION_CODES = frozenset({10, *range(200, 300)})
#: the service is down for a moment: wait and retry
TRANSIENT_CODES = frozenset({2})
#: code 10 / 551 subcodes: a private reply outside Meta's 24-hour window
OUTSIDE_WINDOW_SUBCODES = frozenset({2018278, 2534022})
#: headers in which Meta tells how many minutes until calls are accepted again
USAGE_HEADERS = ("x-business-use-case-usage", "x-page-usage", "x-app-usage")


# --------------------------------------------------------------------------
# Signatures and the subscription handshake
# --------------------------------------------------------------------------
def _hmac_hex(secret, message):
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(app_secret: str, raw_body: bytes, header_value: str | None) -> bool:
    """Whether ``header_value`` (the ``X-Hub-Signature-256`` header) is
    ``"sha256="`` + the hex HMAC-SHA256 of ``raw_body`` under ``app_secret``.

    Check the raw request bytes, never a re-serialised JSON: Meta signs the
    body as sent, with non-ASCII characters escaped as ``\\uXXXX``. A missing
    or malformed header, an empty secret or a body that is not bytes gives
    False, never an exception.
    """
    if not app_secret or not isinstance(app_secret, str):
        return False
    if not isinstance(header_value, str) or not isinstance(
        raw_body, (bytes, bytearray, memoryview)
    ):
        return False
    expected = "sha256=" + _hmac_hex(app_secret, bytes(raw_body))
    given = header_value.strip().lower().encode("utf-8", errors="replace")
    return hmac.compare_digest(expected.encode("ascii"), given)


def verify_subscription(params: dict, verify_token: str) -> str | None:
    """The GET handshake of a webhook subscription: ``hub.challenge`` (to be
    answered as the plain body) when ``hub.mode`` is ``subscribe`` and
    ``hub.verify_token`` is ours, else None. An empty token of ours matches
    nothing."""
    if not verify_token or not isinstance(verify_token, str) or not isinstance(params, Mapping):
        return None
    token, challenge = params.get("hub.verify_token"), params.get("hub.challenge")
    if params.get("hub.mode") != "subscribe" or not isinstance(token, str) or challenge is None:
        return None
    if not hmac.compare_digest(token.encode("utf-8"), verify_token.encode("utf-8")):
        return None
    return str(challenge)


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """Meta's ``appsecret_proof``: the hex HMAC-SHA256 of the token under the
    app secret."""
    return _hmac_hex(app_secret, access_token.encode("utf-8"))


# --------------------------------------------------------------------------
# Webhook deliveries
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Reaction:
    """A like or reaction on a post, comment, review or private message.

    ``external_id`` is the same for the same person, object and kind, so a
    removal (``removed``) finds what the addition stored. ``at`` is a naive
    UTC datetime.
    """

    external_id: str
    kind: str
    author: Profile
    object_id: str
    removed: bool = False
    at: datetime | None = None


@dataclasses.dataclass
class WebhookBatch:
    """What one webhook entry held, for one account (``account_ref``: the
    page id or Instagram business account id). ``skipped`` says in plain
    words what was not kept, and why."""

    object: str
    account_ref: str
    platform: str
    posts: list = dataclasses.field(default_factory=list)
    reactions: list = dataclasses.field(default_factory=list)
    #: recommendations of the page (:class:`~.reviews_api.ExternalReview`)
    reviews: list = dataclasses.field(default_factory=list)
    skipped: list = dataclasses.field(default_factory=list)
    #: the :func:`event_key` of each change and message event read (not
    #: those skipped as already seen)
    keys: list = dataclasses.field(default_factory=list)


def _id(value):
    """An id as a string ('' when absent); Meta sends some ids as numbers."""
    if value is None or isinstance(value, (bool, dict, list)):
        return ""
    return str(value).strip()


def _text(value):
    return value if isinstance(value, str) else ""


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return value if isinstance(value, list) else []


def _time(value):
    """Epoch seconds, epoch milliseconds (Messenger) or ISO 8601 (Instagram)
    as a naive UTC datetime; None if unreadable."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, str) and not value.strip().isdigit():
        return parse_time(value.strip().replace("+0000", "+00:00"))
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if number > 10**11:  # milliseconds
        seconds = from_epoch(number // 1000)
        return seconds + timedelta(milliseconds=number % 1000) if seconds else None
    return from_epoch(number)


def _fb_author(value):
    """The person behind a Page change: ``from`` or the older sender,
    reviewer and user fields."""
    sender = _dict(value.get("from"))
    user_id, name = _id(sender.get("id")), _text(sender.get("name"))
    for id_key, name_key in (
        ("sender_id", "sender_name"),
        ("reviewer_id", "reviewer_name"),
        ("user_id", ""),
    ):
        if user_id:
            break
        user_id, name = _id(value.get(id_key)), _text(value.get(name_key))
    return Profile(user_id=user_id, display_name=name) if user_id else None


def _ig_author(value):
    sender = _dict(value.get("from"))
    user_id = _id(sender.get("id"))
    return Profile(user_id=user_id, handle=_text(sender.get("username"))) if user_id else None


def _fb_media(value):
    urls = [value.get("photo"), value.get("video"), *_list(value.get("photos"))]
    if value.get("item") in ("photo", "video"):
        urls.append(value.get("link"))
    return [url for url in urls if isinstance(url, str) and url.startswith("http")]


def _source(images):
    """The multipart ``files`` of a Graph call carrying the first of
    ``images`` as ``source`` (nothing without images)."""
    if not images:
        return {}
    image = images[0]
    return {"files": {"source": (image.name or "image", image.data, image.mimetype)}}


def _media_words(media_urls, value):
    """A plain stand-in for a comment or post that is only a photo or video."""
    words = [f"[{kind}]" for kind in ("photo", "video") if value.get(kind)]
    if not words and media_urls:
        words = ["[photo]" if value.get("item") != "video" else "[video]"]
    return " ".join(words)


def event_key(obj, entry_id, item):
    """A stable key of one change or message event of a delivery: the
    SHA-256 of the object, the entry's id and the item itself.

    Meta retries a delivery, and may send the same event again inside another
    batch (another body, another entry time): the key stays the same, so the
    event is handled once. The entry's ``time`` is left out for that reason;
    the item carries its own ids and times.
    """
    canonical = json.dumps(
        [_text(obj), _id(entry_id), item],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _entry_items(entry):
    """The changes and message events of an entry (dicts only)."""
    return [
        item
        for item in (*_list(entry.get("changes")), *_list(entry.get("messaging")))
        if isinstance(item, dict)
    ]


def event_keys(payload) -> list:
    """The :func:`event_key` of every change and message event of a decoded
    delivery, in order (none when it is not a delivery)."""
    if not isinstance(payload, dict):
        return []
    obj = _text(payload.get("object"))
    return [
        event_key(obj, entry.get("id"), item)
        for entry in _list(payload.get("entry"))
        if isinstance(entry, dict)
        for item in _entry_items(entry)
    ]


class _Entry:
    """Reads one webhook entry into a :class:`WebhookBatch`."""

    def __init__(self, obj, platform, entry, seen=None):
        self.entry = entry
        self.at = _time(entry.get("time"))
        self.batch = WebhookBatch(obj, _id(entry.get("id")), platform)
        #: event keys already handled (earlier deliveries, earlier in this one)
        self.seen = seen if seen is not None else set()

    @property
    def page(self):
        return self.batch.account_ref

    def skip(self, what, ref, why):
        self.batch.skipped.append(f"{what} ({ref}): {why}." if ref else f"{what}: {why}.")

    # ------------------------------------------------------------------
    def parse(self):
        batch, entry = self.batch, self.entry
        if not batch.platform:
            self.skip(
                f"Entry {batch.account_ref or '?'}",
                "",
                f"deliveries about '{batch.object}' are not for a Facebook Page or "
                "Instagram account",
            )
            return batch
        changes, events = entry.get("changes"), entry.get("messaging")
        for change in _list(changes):
            field = _text(_dict(change).get("field")) or "?"
            self.guarded(f"A '{field}' change", self.change, change)
        for event in _list(events):
            self.guarded("A message event", self.message_event, event)
        if entry.get("standby"):
            self.skip(
                "Standby events",
                "",
                "another app handles these Messenger conversations now (handover protocol)",
            )
        if not _list(changes) and not _list(events) and not entry.get("standby"):
            self.skip(f"Entry {batch.account_ref or '?'}", "", "it holds no changes or messages")
        return batch

    def guarded(self, what, handler, item):
        """Run ``handler(item)``; an odd item is skipped, never raised, so the
        rest of the delivery is still read. An item already seen (a retry or
        a re-batched copy) is skipped too."""
        if not isinstance(item, dict):
            self.skip(what, "", "it is not an object")
            return
        key = event_key(self.batch.object, self.entry.get("id"), item)
        if key in self.seen:
            self.skip(what, "", "already received in an earlier delivery")
            return
        self.seen.add(key)
        self.batch.keys.append(key)
        try:
            handler(item)
        except Exception as exc:  # noqa: BLE001 - one odd change must not lose the others
            self.skip(what, "", f"it could not be read ({type(exc).__name__})")

    # ------------------------------------------------------------------
    # Page and Instagram changes
    # ------------------------------------------------------------------
    def change(self, change):
        field = _text(change.get("field")) or "?"
        handler = {
            "facebook": {"feed": self.feed, "mention": self.mention, "ratings": self.ratings},
            "instagram": {
                "comments": self.ig_comment,
                "live_comments": self.ig_comment,
                "mentions": self.ig_mention,
            },
        }[self.batch.platform].get(field)
        if handler is None:
            self.skip(f"A '{field}' change", "", "social_crm does not read this field")
            return
        value = change.get("value")
        if not isinstance(value, dict):
            self.skip(f"A '{field}' change", "", "it has no value")
            return
        handler(value)

    def unchanged(self, what, ref, verb):
        """Skip an edit, hide or removal, or an unknown verb."""
        why = {
            "edited": "an edit; the copy stored when it was added is kept",
            "edit": "an edit; the copy stored when it was added is kept",
            "hide": "hidden on the page; the stored copy is kept",
            "unhide": "shown again on the page; the stored copy is kept",
            "remove": "removed on the platform; the stored copy is kept",
        }.get(verb, f"'{verb or '?'}' is not an addition")
        self.skip(what, ref, why)

    def added(self, what, verb, external_id):
        """Whether this is an addition with an id; else it is skipped."""
        if verb != "add":
            self.unchanged(what, external_id, verb)
        elif not external_id:
            self.skip(what, "", "it has no id")
        return verb == "add" and bool(external_id)

    def add_post(
        self, external_id, text, posted_at, author, conversation_key="", parent="", **more
    ):
        """Keep a post (``posted_at`` defaults to the entry's time; a post is
        never its own parent)."""
        self.batch.posts.append(
            Post(
                external_id=external_id,
                text=text,
                posted_at=posted_at or self.at,
                author=author,
                conversation_key=conversation_key,
                parent_external_id=parent if parent != external_id else "",
                **more,
            )
        )

    def add_reaction(self, what, kind, author, object_id, removed, at):
        """Keep a reaction, unless it names no one or is the page's own."""
        user_id = author.user_id if author else ""
        if not user_id or not object_id:
            self.skip(what, object_id, "it names no person or no object")
        elif user_id == self.page:
            self.skip(what, object_id, "a reaction by the page itself")
        else:
            self.batch.reactions.append(
                Reaction(
                    external_id=f"{object_id}:{user_id}:{kind}",
                    kind=kind,
                    author=author,
                    object_id=object_id,
                    removed=removed,
                    at=at or self.at,
                )
            )

    def feed(self, value):
        item, verb = _text(value.get("item")), _text(value.get("verb"))
        comment_id, post_id = _id(value.get("comment_id")), _id(value.get("post_id"))
        if item in ("reaction", "like"):
            # a like with neither post nor comment is a like of the page itself
            target = comment_id or post_id or (self.page if item == "like" else "")
            self.reaction(f"Feed {item}", value, target)
            return
        if item != "comment" and item not in POST_ITEMS:
            self.skip(f"Feed {item or 'item'}", post_id, "not a post, comment or reaction")
            return
        external_id = comment_id if item == "comment" else post_id
        what = f"Feed {item} {verb or '?'}"
        author = _fb_author(value)
        if verb == "add" and item != "comment" and author and author.user_id == self.page:
            self.skip(what, external_id, "posted by the page itself")
        elif self.added(what, verb, external_id):
            media = _fb_media(value)
            self.add_post(
                external_id,
                _text(value.get("message")) or _media_words(media, value),
                _time(value.get("created_time")),
                author,
                post_id,
                (_id(value.get("parent_id")) or post_id) if item == "comment" else "",
                url=_text(value.get("permalink_url")),
                media_urls=media,
            )

    def reaction(self, what, value, object_id):
        """A like or reaction on a Page object (``verb`` edit: still there)."""
        verb = _text(value.get("verb"))
        if verb not in ("add", "edit", "edited", "remove"):
            self.skip(what, object_id, f"'{verb or '?'}' is not an addition or removal")
            return
        kind = "like"
        if value.get("item") == "reaction":
            kind = f"reaction:{_text(value.get('reaction_type'))}"
        at = _time(value.get("created_time"))
        self.add_reaction(what, kind, _fb_author(value), object_id, verb == "remove", at)

    def mention(self, value):
        item, verb = _text(value.get("item")), _text(value.get("verb"))
        comment_id, post_id = _id(value.get("comment_id")), _id(value.get("post_id"))
        external_id = comment_id if item == "comment" else post_id
        what = f"Mention in a {item or 'post'}"
        if item not in ("post", "comment"):
            self.skip(what, external_id or post_id, "not a post or comment")
        elif self.added(what, verb, external_id):
            when = _time(value.get("created_time"))
            text = _text(value.get("message"))
            self.add_post(external_id, text, when, _fb_author(value), post_id, post_id)

    def ratings(self, value):
        """Reviews of the page, and comments and reactions on them. A review's
        id is its ``review_id`` or ``open_graph_story_id``."""
        item, verb = _text(value.get("item")), _text(value.get("verb"))
        post_id = _id(value.get("post_id"))
        review_id = _id(value.get("review_id")) or _id(value.get("open_graph_story_id"))
        if item in ("like", "reaction"):
            self.reaction(f"Review {item}", value, review_id or post_id)
            return
        external_id = review_id if item == "rating" else _id(value.get("comment_id"))
        what = "Review" if item == "rating" else f"Review {item or 'item'}"
        when, author = _time(value.get("created_time")), _fb_author(value)
        if item not in ("rating", "comment"):
            self.skip(what, external_id or post_id, "not a review, comment or reaction")
        elif item == "rating":
            self.review(what, verb, external_id, value, when, author)
        elif not self.added(what, verb, external_id):
            return
        else:
            # a comment on a review joins the review's conversation
            parent = review_id or _id(value.get("parent_id")) or post_id
            text = _text(value.get("message"))
            self.add_post(external_id, text, when, author, review_id or post_id, parent)

    def review(self, what, verb, external_id, value, when, author):
        """A recommendation of the page (added or edited by its author) is an
        external review, not a post: positive or negative, no stars (only a
        review from before Meta's recommendations keeps its own stars)."""
        if verb not in ("add", "edit", "edited"):
            self.unchanged(what, external_id, verb)
            return
        if not external_id:
            self.skip(what, "", "it has no id")
            return
        kind = _text(value.get("recommendation_type")).upper()
        recommendation = {"POSITIVE": "positive", "NEGATIVE": "negative"}.get(kind, "")
        stars = value.get("rating")
        legacy = isinstance(stars, int) and 1 <= stars <= 5 and not recommendation
        self.batch.reviews.append(
            ExternalReview(
                external_id=external_id,
                source="facebook",
                text=_text(value.get("review_text")),
                rating=stars if legacy else None,
                recommendation=recommendation,
                author=author,
                created_at=when or self.at,
                updated_at=self.at if verb != "add" else (when or self.at),
            )
        )

    def ig_comment(self, value):
        comment_id = _id(value.get("id"))
        media_id = _id(_dict(value.get("media")).get("id"))
        if self.added("Instagram comment", "add", comment_id):
            self.add_post(
                comment_id,
                _text(value.get("text")),
                _time(value.get("timestamp")),
                _ig_author(value),
                media_id,
                _id(value.get("parent_id")) or media_id,
            )

    def ig_mention(self, value):
        """A mention of our account in a comment or a caption. Meta sends only
        the ids; the text is empty until looked up."""
        media_id = _id(value.get("media_id"))
        external_id = _id(value.get("comment_id")) or media_id
        if self.added("Instagram mention", "add", external_id):
            self.add_post(
                external_id,
                _text(value.get("text")) or _text(value.get("caption")),
                _time(value.get("timestamp")),
                _ig_author(value),
                media_id,
                media_id,
            )

    # ------------------------------------------------------------------
    # Messenger and Instagram private messages
    # ------------------------------------------------------------------
    def message_event(self, event):
        sender = _id(_dict(event.get("sender")).get("id"))
        author = Profile(user_id=sender) if sender else None
        at = _time(event.get("timestamp"))
        message, reaction = event.get("message"), event.get("reaction")
        if isinstance(message, dict):
            self.message(message, author, at)
        elif isinstance(reaction, dict):
            name = _text(reaction.get("reaction"))
            kind = f"dm_reaction:{name}" if name else "dm_reaction"
            removed = reaction.get("action") == "unreact"
            mid = _id(reaction.get("mid"))
            self.add_reaction("Message reaction", kind, author, mid, removed, at)
        else:
            kinds = sorted(set(event) - {"sender", "recipient", "timestamp"}) or ["empty"]
            why = (
                "an edited message; the copy stored when it was sent is kept"
                if "message_edit" in kinds
                else "nothing to store"
            )
            self.skip(f"Message event '{', '.join(kinds)}'", "", why)

    def message(self, message, author, at):
        mid = _id(message.get("mid"))
        if message.get("is_echo"):
            self.skip("Message", mid, "an echo of a message the page sent")
        elif message.get("is_deleted"):
            self.skip("Message", mid, "deleted by the sender; the stored copy is kept")
        elif not mid or not author:
            self.skip("Message", mid, "it has no id or no sender")
        else:
            attachments = [a for a in _list(message.get("attachments")) if isinstance(a, dict)]
            text = _text(message.get("text")) or _attachment_words(attachments, message)
            urls = [_dict(a.get("payload")).get("url") for a in attachments]
            self.add_post(
                mid,
                text or "[message without text]",
                at,
                author,
                f"{DM_PREFIX}{author.user_id}",
                _id(_dict(message.get("reply_to")).get("mid")),
                media_urls=[u for u in urls if isinstance(u, str) and u.startswith("http")],
            )


def _attachment_words(attachments, message):
    """A plain description of a message that has only attachments."""
    words = []
    for attachment in attachments:
        kind = _text(attachment.get("type")) or "attachment"
        if message.get("sticker_id") or _dict(attachment.get("payload")).get("sticker_id"):
            kind = "sticker"
        title = _text(attachment.get("title"))
        words.append(f"[link: {title}]" if kind == "fallback" and title else f"[{kind}]")
    if not words and message.get("is_unsupported"):
        words.append("[a message Meta cannot show here]")
    return " ".join(words)


def names_person(payload, user_id: str) -> bool:
    """Does a webhook body name the platform user ``user_id``? True when
    some ``id`` in it (a sender, an author, a ``from``) is exactly that
    user's, so erasure can blank the deliveries that hold the person
    without searching text.

    >>> names_person({"entry": [{"messaging": [{"sender": {"id": "42"}}]}]}, "42")
    True
    >>> names_person({"entry": [{"changes": [{"value": {"text": "42"}}]}]}, "42")
    False
    """
    if not user_id:
        return False
    stack = [payload]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if _id(node.get("id")) == user_id:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def parse_webhook(payload: dict, seen=()) -> list:
    """The :class:`WebhookBatch` of each entry of a decoded delivery.

    ``seen`` holds the :func:`event_key` of events already handled: those
    are skipped (with a reason), as is a second copy inside this delivery;
    each batch's ``keys`` lists the events it read.

    Raises :class:`MalformedResponse` only when ``payload`` is not a dict
    with an ``entry`` list; anything odd inside goes to ``skipped``.
    Entries of other objects (``user``, ``permissions``) come back with an
    empty ``platform`` and everything skipped.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise MalformedResponse(Message("meta_not_a_delivery"))
    obj = _text(payload.get("object"))
    platform = OBJECT_PLATFORMS.get(obj, "")
    batches = []
    seen = set(seen)
    for entry in payload["entry"]:
        if isinstance(entry, dict):
            batches.append(_Entry(obj, platform, entry, seen).parse())
        else:
            batches.append(
                WebhookBatch(
                    obj, "", platform, skipped=["An entry that is not an object: skipped."]
                )
            )
    return batches


# --------------------------------------------------------------------------
# The Graph API
# --------------------------------------------------------------------------
def _graph_error(response):
    """Meta's error object: ``{"error": {...}}``, or the older OAuth shape
    with ``error_type`` and ``error_message`` at the top."""
    body = json_object(response) or {}
    error = body.get("error")
    return error if isinstance(error, dict) else body


def _code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _regain_minutes(headers):
    """Meta's ``estimated_time_to_regain_access`` (minutes) in its usage
    headers, the largest one; None when absent."""
    minutes = []
    for name in USAGE_HEADERS:
        try:
            usage = json.loads(headers.get(name) or "{}")
        except ValueError:
            continue
        stack = [usage]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                wait = _code(item.get("estimated_time_to_regain_access"))
                if wait:
                    minutes.append(wait)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return max(minutes) if minutes else None


class MetaConnector(JsonHttpConnector):
    """A Facebook Page on the Graph API.

    ``fetch`` returns nothing: Meta has no search or mention stream for
    Pages; the posts arrive through webhooks (:func:`parse_webhook`).
    """

    platform = "facebook"
    label = "Facebook"
    supports_private = True
    supports_media = True
    #: a comment may be very long (Facebook takes 8,000 characters)
    max_length = 8000
    default_url = GRAPH_URL
    #: the edge a reply is posted to
    reply_edge = "comments"
    #: the fields of a person's profile
    profile_fields = "id,name"
    #: a multiple-id read (``?ids=``) takes at most 50 ids
    metrics_batch = 50
    #: the counts of a post or comment: comments and reactions, summaries only
    metrics_fields = (
        "comments.limit(0).summary(total_count),reactions.limit(0).summary(total_count)"
    )
    advice = {401: "advice_facebook_401", 403: "advice_facebook_403"}

    # ------------------------------------------------------------------
    # Calling the API
    # ------------------------------------------------------------------
    def _auth_params(self):
        token = (self.credentials.get("page_access_token") or "").strip()
        if not token:
            raise AuthenticationError(Message("meta_no_page_token", place=self.label))
        params = {"access_token": token}
        secret = (self.credentials.get("app_secret") or "").strip()
        if secret:
            params["appsecret_proof"] = appsecret_proof(secret, token)
        return params

    def _call(self, method, path, *, params=None, **kwargs):
        """One Graph call on ``path`` (ids quoted); returns the decoded body."""
        auth = self._auth_params()
        url = f"{self.base_url}/{path}"
        response = self._send(method, url, params={**(params or {}), **auth}, **kwargs)
        return self._read(response)

    def _send(self, method, url, **kwargs):
        """As the shared one, but the token never shows in the message of a
        network error (requests names the URL, query string included)."""
        try:
            return super()._send(method, url, **kwargs)
        except PlatformUnavailable as exc:
            detail = exc.detail
            params = kwargs.get("params") or {}
            for key in ("access_token", "appsecret_proof"):
                if params.get(key):
                    detail = detail.replace(params[key], "***")
            raise PlatformUnavailable(exc.message, detail=detail) from None

    def _account_path(self):
        """Our account's node: the page id (or ``me``, which a page token
        resolves to its page)."""
        page_id = _id(self.credentials.get("page_id"))
        return quote(page_id, safe="") if page_id else "me"

    def _messages_path(self):
        return f"{self._account_path()}/messages"

    # ------------------------------------------------------------------
    # Errors
    # ------------------------------------------------------------------
    def _detail(self, response):
        """Meta's own words: its message, the text meant for people, and the
        trace id its support asks for. For the server log only."""
        error = _graph_error(response)
        words = []
        for key in ("message", "error_message", "error_user_title", "error_user_msg"):
            word = _text(error.get(key)).strip()
            if word and word not in words:
                words.append(word)
        detail = ": ".join(words)
        trace = _text(error.get("fbtrace_id"))
        return f"{detail} (trace id {trace})" if trace else detail

    def _facts(self, response):
        """``(said, facts)``: the words `` (Meta error 190/463, trace id X)``
        (a :class:`Message`, or "") built from Meta's numbers and trace id only
        (never its text), and the keyword arguments of the error (status,
        code, detail)."""
        error = _graph_error(response)
        code, subcode = _code(error.get("code")), _code(error.get("error_subcode"))
        number = f"{code}/{subcode}" if code is not None and subcode else str(code or "")
        trace = safe_code(error.get("fbtrace_id"), size=32)
        if number and trace:
            said = Message("said_meta_trace", number=number, trace=trace)
        elif number:
            said = Message("said_meta", number=number)
        else:
            said = Message("said_trace", trace=trace) if trace else ""
        return said, {
            "status": response.status_code,
            "code": number,
            "detail": self._detail(response),
        }

    def _error(self, response):
        """Graph errors by Meta's code first (Meta answers most of them with
        HTTP 400), then by HTTP status. Our words, Meta's numbers."""
        error = _graph_error(response)
        code, subcode = _code(error.get("code")), _code(error.get("error_subcode"))
        status = response.status_code
        said, facts = self._facts(response)
        if code == TOKEN_EXPIRED:
            return AuthenticationError(
                Message("meta_token_expired", place=self.label, what=said),
                **facts,
            )
        if code in RATE_LIMIT_CODES or status == 429:
            return self._rate_limit_error(response)
        if subcode in OUTSIDE_WINDOW_SUBCODES:
            return AccessLevelError(
                Message("meta_outside_window", place=self.label, what=said),
                **facts,
            )
        if code in PERMISSION_CODES:
            return AccessLevelError(
                Message("not_allowed", place=self.label, what=said, advice=self._advice(403)),
                **facts,
            )
        if status >= 500 or code in TRANSIENT_CODES or error.get("is_transient") is True:
            return PlatformUnavailable(
                Message("temporary_problem", place=self.label, status=status, what=said),
                **facts,
            )
        if said:
            return RequestRefused(Message("refused", place=self.label, what=said), **facts)
        return super()._error(response)

    def _rate_limit_error(self, response):
        """Meta's limits: the wait is its ``estimated_time_to_regain_access``
        (minutes, in the usage headers), else five minutes."""
        minutes = _regain_minutes(response.headers)
        retry_at = utcnow() + (timedelta(minutes=minutes) if minutes else DEFAULT_RETRY)
        said, facts = self._facts(response)
        return RateLimitError(
            Message(
                "rate_limit_said", place=self.label, what=said, when=f"{retry_at:%Y-%m-%d %H:%M}"
            ),
            retry_at=retry_at,
            status=response.status_code,
            detail=facts["detail"],
        )

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------
    def _profile_url(self, username):
        return f"https://www.facebook.com/{username}"

    def _profile(self, body):
        user_id = _id(body.get("id"))
        if not user_id:
            raise MalformedResponse(
                Message("missing_id", place=self.label, what=Message("thing_profile"))
            )
        username = _text(body.get("username"))
        return Profile(
            user_id=user_id,
            handle=username,
            display_name=_text(body.get("name")),
            profile_url=self._profile_url(username) if username else "",
        )

    # ------------------------------------------------------------------
    # Interface
    # ------------------------------------------------------------------
    def test_connection(self):
        """Our page (or Instagram account) as the token sees it."""
        body = self._call("GET", self._account_path(), params={"fields": "id,name,username"})
        return self._profile(body)

    def fetch(self, stream, cursor):
        """Nothing to poll: Meta delivers posts by webhook only."""
        return FetchResult([], dict(cursor or {}), False)

    def get_profile(self, user_id=None, handle=None):
        if not user_id:
            if handle:
                raise RequestRefused(Message("meta_lookup_by_id", place=self.label))
            raise ValueError("get_profile needs a user_id or a handle")
        body = self._call(
            "GET", quote(str(user_id), safe=""), params={"fields": self.profile_fields}
        )
        return self._profile(body)

    def reply(self, text, in_reply_to, idempotency_key=None, images=()):
        """A public reply under the comment or post ``in_reply_to`` (with one
        photo, uploaded with it); for a conversation key ``"dm:<id>"``, a
        private message to that person (Send API, ``messaging_type``
        RESPONSE: within 24 hours of their last message). Meta deduplicates
        nothing: ``idempotency_key`` is not sent."""
        target = _id(in_reply_to)
        if not target or target == DM_PREFIX:
            raise RequestRefused(Message("no_reply_target", place=self.label))
        if target.startswith(DM_PREFIX):
            return self._send_message(text, {"id": target[len(DM_PREFIX) :]}, target, images=images)
        check_images(self.platform, images)
        body = self._call(
            "POST",
            f"{quote(target, safe='')}/{self.reply_edge}",
            data={"message": text},
            **_source(images),
        )
        new_id = _id(body.get("id"))
        if not new_id:
            raise MalformedResponse(
                Message("accepted_no_id_for", place=self.label, what=Message("thing_reply"))
            )
        return Post(external_id=new_id, text=text, posted_at=utcnow(), parent_external_id=target)

    def publish(self, text, idempotency_key=None, images=()):
        """A post on our Page: ``POST /{page-id}/feed``, or with a photo
        ``POST /{page-id}/photos`` (``source``, ``caption``), whose answer
        names the Page post (``post_id``) that comments go to. Meta
        deduplicates nothing: ``idempotency_key`` is not sent; after a lost
        answer :meth:`find_published` reads our recent posts back (a photo
        post's message is its caption)."""
        self.check_publish(text, images)
        if images:
            body = self._call(
                "POST", f"{self._account_path()}/photos", data={"caption": text}, **_source(images)
            )
            body = {**body, "id": body.get("post_id")}
        else:
            body = self._call("POST", f"{self._account_path()}/feed", data={"message": text})
        new_id = _id(body.get("id"))
        if not new_id:
            raise MalformedResponse(
                Message("accepted_no_id_for", place=self.label, what=Message("thing_published"))
            )
        return Post(
            external_id=new_id,
            text=text,
            posted_at=utcnow(),
            url=f"https://www.facebook.com/{new_id}",
        )

    #: where our own posts are read back: the edge, and the fields of the
    #: words, the time and the link (Instagram: ``media``, caption, ...)
    own_posts = ("posts", "message", "created_time", "permalink_url")

    def find_published(self, idempotency_key, text, since=None):
        """Our Page's post with the words ``text`` among its latest
        (``GET /{page-id}/posts``, from ``since``), or None."""
        edge, words, stamp, link = self.own_posts
        params = {"fields": f"id,{words},{stamp},{link}", "limit": 25}
        if since:
            params["since"] = int(since.replace(tzinfo=timezone.utc).timestamp())
        body = self._call("GET", f"{self._account_path()}/{edge}", params=params)
        for item in _list(body.get("data")):
            item = _dict(item)
            if _id(item.get("id")) and same_words(_text(item.get(words)), text):
                return Post(
                    external_id=_id(item["id"]),
                    text=_text(item.get(words)),
                    posted_at=_time(item.get(stamp)),
                    url=_text(item.get(link)),
                )
        return None

    def send_private(self, text, recipient, in_reply_to="", idempotency_key=None, images=()):
        """A private message to ``recipient``. With a comment ``in_reply_to``
        it is Meta's private reply to that comment (``recipient.comment_id``:
        once per comment, within 7 days of it); otherwise (nothing, or a
        ``"dm:<id>"`` key) a Send API message to ``recipient.user_id``, within
        24 hours of the person's last message. The conversation key is
        ``"dm:<id>"`` with the id Meta answers for the person (the one its
        message webhooks name), else ``recipient.user_id``."""
        user_id = recipient_id(recipient, self.label)
        target = _id(in_reply_to)
        comment = target and not target.startswith(DM_PREFIX)
        to = {"comment_id": target} if comment else {"id": user_id}
        return self._send_message(text, to, private_key(user_id), target, images=images)

    def _send_message(self, text, recipient, conversation_key, parent="", images=()):
        """POST ``text`` to our messages edge for ``recipient`` (``{"id"}``: the
        Send API, ``messaging_type`` RESPONSE; ``{"comment_id"}``: a private
        reply) and return the message sent. ``images`` go first, each as a
        message of its own (a message is text or one attachment)."""
        check_images(self.platform, images, private=True)
        if images and "comment_id" in recipient:
            raise MediaRefused(Message("media_facebook_private_reply", place=self.label))
        base = {"recipient": recipient}
        if "id" in recipient:
            base["messaging_type"] = "RESPONSE"
        sent = None
        sent_images, sent_ids = [], []
        for image in images or ():
            attachment = {"attachment": {"type": "image", "payload": {"is_reusable": False}}}
            body = self._call(
                "POST",
                self._messages_path(),
                data={
                    key: json.dumps(value) if isinstance(value, dict) else value
                    for key, value in {**base, "message": attachment}.items()
                },
                files={"filedata": (image.name or "image", image.data, image.mimetype)},
            )
            sent = sent or body
            sent_images.append(image)
            sent_ids.append(_id(body.get("message_id")))
        if text or not sent:
            try:
                body = self._call(
                    "POST", self._messages_path(), json={**base, "message": {"text": text}}
                )
            except ConnectorError as exc:
                if not sent:
                    raise
                # the images went: a resend sends only the text
                went = (images_key(sent_images), tuple(i for i in sent_ids if i))
                if not isinstance(exc, RequestRefused):
                    exc.images_sent = went
                    raise
                error = type(exc)(
                    Message("media_text_not_sent", error=exc.message or str(exc)),
                    status=exc.status,
                    code=exc.code,
                    detail=exc.detail,
                )
                error.images_sent = went
                raise error from exc
        message_id = _id(body.get("message_id"))
        if not message_id:
            raise MalformedResponse(
                Message("accepted_no_id_for", place=self.label, what=Message("thing_message"))
            )
        person = _id(body.get("recipient_id"))
        return Post(
            external_id=message_id,
            text=text,
            posted_at=utcnow(),
            conversation_key=private_key(person) if person else conversation_key,
            parent_external_id=parent,
        )

    def fetch_metrics(self, external_ids):
        """A multiple-id read, ``GET /?ids=a,b&fields=comments...,reactions...``
        (at most 50 ids): the comment and reaction counts of each post or
        comment, from the edges' ``summary.total_count`` (no edge rows are
        read). Ids Meta no longer shows are absent from its answer; private
        messages have no counts and are never asked for."""
        if not self.metrics_batch:
            raise AccessLevelError(Message("metrics_not_tracked", place=self.label))
        ids = [_id(i) for i in external_ids if _id(i) and not _id(i).startswith(DM_PREFIX)]
        ids = ids[: self.metrics_batch]
        if not ids:
            return {}
        body = self._call("GET", "", params={"ids": ",".join(ids), "fields": self.metrics_fields})
        found = {}
        for object_id in ids:
            node = _dict(body.get(object_id))
            if not node:
                continue
            comments = _dict(_dict(node.get("comments")).get("summary"))
            reactions = _dict(_dict(node.get("reactions")).get("summary"))
            found[object_id] = Metrics(
                likes=count(reactions.get("total_count")),
                replies=count(comments.get("total_count")),
            )
        return found


class InstagramConnector(InstagramPublishMixin, InstagramMediaMixin, MetaConnector):
    """An Instagram business account, through the Facebook Page linked to it.

    ``page_id`` is the Instagram account id; private replies go through the
    page token's ``me/messages``.
    """

    platform = "instagram"
    label = "Instagram"
    #: comments take no image, direct messages only one at a public address
    supports_media = False
    reply_edge = "replies"
    #: Instagram's limit on a comment
    max_length = 2200
    #: Instagram publishes a photo (a JPEG at a public URL) with a caption, never text alone
    publish_needs_image = True
    profile_fields = "id,username,name"
    #: a comment and a media have different count fields: not tracked yet
    metrics_batch = 0
    advice = {401: "advice_instagram_401", 403: "advice_instagram_403"}

    def _account_path(self):
        page_id = _id(self.credentials.get("page_id"))
        if not page_id:
            raise AuthenticationError(Message("meta_no_instagram_id"))
        return quote(page_id, safe="")

    def _messages_path(self):
        return "me/messages"

    def _profile_url(self, username):
        return f"https://www.instagram.com/{username}"
