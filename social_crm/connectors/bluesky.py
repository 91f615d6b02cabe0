"""Bluesky connector: AT Protocol XRPC through ``requests``.

Credentials: ``{"handle": "name.bsky.social", "app_password": ...,
"service": "https://bsky.social"}`` (an app password from Settings > Privacy
and security > App passwords; ``service`` is the account's PDS). The
connector logs in with ``com.atproto.server.createSession`` and sends the
``accessJwt`` as bearer; an expired token is renewed once by logging in again.

A post's external id is its ``at://`` uri. Streams: ``mention`` reads
``app.bsky.notification.listNotifications`` (reasons mention and reply);
``keyword`` and ``hashtag`` read ``app.bsky.feed.searchPosts`` (latest first).
Both list newest first and page back with a server cursor; the stream cursor
is ``{"newest", "pending_newest", "cursor"}``: ``newest`` marks (time and
uri) the newest post of the previous complete run, a run stops paging when
it reaches it, and ``newest`` moves only after the last page, so a crash or a
429 in between never skips a post.

Direct messages (stream kind ``dm``, :meth:`BlueskyConnector.send_private`)
use Bluesky chat: the ``chat.bsky.convo.*`` methods, called on the account's
PDS with the header ``atproto-proxy: did:web:api.bsky.chat#bsky_chat``, which
forwards them to the chat service. The app password must allow direct
messages. The first pull lists the conversations (``listConvos``: accepted
ones and requests from people we do not follow) and keeps the last message of
each; later pulls read the chat log (``getLog``) from the stream cursor
``{"log": <rev>}``. Our own messages are skipped. A message's external id is
``"dm:<message id>"``, its conversation key ``"dm:<the person's DID>"``;
replying to that key sends a chat message (``getConvoForMembers``, then
``acceptConvo`` when the conversation is still a request, then
``sendMessage``). Who may write to the account is its own chat setting
(``allowIncoming``: everybody, people it follows, nobody).

Images (:mod:`.media`) of a reply go up first as blobs
(``com.atproto.repo.uploadBlob``, the raw bytes with their MIME type), then
the post embeds them (``app.bsky.embed.images``, with alt text; at most 4
of at most 1,000,000 bytes, as that lexicon says). A blob no record uses is
dropped by the PDS: an upload is not a post. Chat messages cannot carry
images (their ``embed`` takes a quoted post only): refused before sending.
"""

import hashlib
import re

from ._http import JsonHttpConnector, page_limit
from .base import (
    DM_PREFIX,
    AccessLevelError,
    AuthenticationError,
    ConnectorError,
    CursorExpired,
    FetchResult,
    FollowersResult,
    MalformedResponse,
    Metrics,
    Post,
    Profile,
    RequestRefused,
    count,
    json_object,
    parse_time,
    private_key,
    recipient_id,
    run_cursor,
    said,
    utcnow,
)
from .media import check_images
from .messages import Message

DEFAULT_SERVICE = "https://bsky.social"
WEB = "https://bsky.app"
#: where the app view serves the image blobs of a post record
IMAGE_CDN = "https://cdn.bsky.app/img/feed_fullsize/plain"
PAGE_LIMIT = 100
MENTION_REASONS = ("mention", "reply")
#: the header that has the PDS forward a call to the Bluesky chat service
CHAT_PROXY = {"atproto-proxy": "did:web:api.bsky.chat#bsky_chat"}
CHAT_LIMIT = 100
LOG_MESSAGE = "chat.bsky.convo.defs#logCreateMessage"
DELETED_MESSAGE = "chat.bsky.convo.defs#deletedMessageView"
#: XRPC errors of a chat message the person we write to does not accept
CHAT_CLOSED = ("MessagesDisabled", "NotFollowedBySender", "BlockedActor", "BlockedSubject")

# atproto handle syntax: https://atproto.com/specs/handle
_HANDLE = re.compile(
    r"([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
)
_URL = re.compile(r"https?://[^\s<>\"]+")


def is_valid_handle(value):
    """Whether ``value`` is a handle by the atproto syntax (exactly, no
    white space, no ``@``)."""
    return isinstance(value, str) and len(value) <= 253 and bool(_HANDLE.fullmatch(value))


def normalize_handle(value):
    """A handle as typed (``@Name.bsky.social ``) in its normal form
    (``name.bsky.social``); ValueError when it is no valid handle."""
    handle = str(value or "").strip()
    handle = handle[1:] if handle.startswith("@") else handle
    if not is_valid_handle(handle):
        raise ValueError(f"'{value}' is not a valid Bluesky handle (such as name.bsky.social).")
    return handle.lower()


def _rkey(uri):
    return uri.rstrip("/").rsplit("/", 1)[-1]


#: the alphabet of atproto TIDs (base32, sortable)
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
#: a time of our keys without one (keeps their TIDs in the past)
_TID_EPOCH_SPAN = 1_700_000_000_000_000


def record_key(idempotency_key):
    """The record key (a TID, as the ``app.bsky.feed.post`` lexicon asks) of
    the post sent under ``idempotency_key``: the same key always gives the
    same TID, so the PDS cannot store the same request twice.

    A key ending in ``.<microseconds since the epoch>`` (when the request
    was first made) gives a TID of that time; the clock id comes from a hash
    of the whole key. https://atproto.com/specs/tid"""
    digest = int(hashlib.sha256(idempotency_key.encode()).hexdigest(), 16)
    _head, _dot, tail = idempotency_key.rpartition(".")
    micros = int(tail) if tail.isdigit() and _dot else (digest >> 10) % _TID_EPOCH_SPAN
    value = ((micros & (2**53 - 1)) << 10) | (digest & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def _images(embed):
    """The images of an embed (record or view), also inside recordWithMedia."""
    if not isinstance(embed, dict):
        return []
    if isinstance(embed.get("media"), dict):
        embed = embed["media"]
    return [image for image in embed.get("images") or [] if isinstance(image, dict)]


def _media_urls(view_embed, record_embed, did):
    """Full-size image URLs: from the view when the answer has one, else
    built from the blob references of the record (notifications)."""
    if view_embed:
        return [image["fullsize"] for image in _images(view_embed) if image.get("fullsize")]
    links = [((image.get("image") or {}).get("ref") or {}) for image in _images(record_embed)]
    return [f"{IMAGE_CDN}/{did}/{link['$link']}@jpeg" for link in links if link.get("$link")]


def _link_facets(text):
    """Link facets for the URLs in ``text`` (byte offsets in UTF-8), so that
    links in a reply can be clicked."""
    facets = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?)'")
        start = len(text[: match.start()].encode())
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": start + len(url.encode())},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
            }
        )
    return facets


def _mark(item):
    """Where an item stands in a newest-first list: its sort time (the
    earlier of indexedAt and the record's createdAt, as Bluesky sorts) and uri."""
    times = [
        parse_time(item.get("indexedAt")),
        parse_time((item.get("record") or {}).get("createdAt")),
    ]
    times = [t for t in times if t]
    at = min(times).isoformat(timespec="microseconds") if times else ""
    return {"at": at, "uri": item["uri"]}


def _reached(mark, newest):
    """Whether ``mark`` is at or behind ``newest`` (the previous run's newest)."""
    if mark["uri"] == newest.get("uri"):
        return True
    at, seen_at = parse_time(mark["at"]), parse_time(newest.get("at"))
    return bool(at and seen_at and at < seen_at)  # unknown times: keep the post


class BlueskyConnector(JsonHttpConnector):
    platform = "bluesky"
    max_length = 300
    length_rule = "graphemes"
    label = "Bluesky"
    supports_followers = True
    supports_private = True
    supports_media = True
    supports_dms = True
    #: app.bsky.feed.getPosts takes at most 25 uris a call
    metrics_batch = 25
    url_credential = "service"
    default_url = DEFAULT_SERVICE
    advice = {401: "advice_bluesky_401", 403: "advice_bluesky_403"}
    #: the createSession answer, once logged in
    auth = None

    # ------------------------------------------------------------------
    # Calling the API
    # ------------------------------------------------------------------
    def _url(self, nsid):
        return f"{self.base_url}/xrpc/{nsid}"

    def _login(self):
        identifier = (self.credentials.get("handle") or "").strip().lstrip("@")
        password = self.credentials.get("app_password")
        if not identifier or not password:
            raise AuthenticationError(Message("bluesky_login_needed"))
        response = self._send(
            "POST",
            self._url("com.atproto.server.createSession"),
            json={"identifier": identifier, "password": password},
        )
        body = self._read(response)
        if not body.get("accessJwt") or not body.get("did"):
            raise MalformedResponse(Message("bluesky_no_session"))
        self.auth = body
        return body

    def _xrpc(self, method, nsid, *, params=None, json=None, headers=None, data=None):
        """One authenticated XRPC call; returns the decoded body."""
        if self.auth is None:
            self._login()
        for attempt in (1, 2):
            response = self._send(
                method,
                self._url(nsid),
                params=params,
                json=json,
                data=data,
                headers={"Authorization": f"Bearer {self.auth['accessJwt']}", **(headers or {})},
            )
            if (
                attempt == 1
                and response.status_code in (400, 401)
                and (json_object(response) or {}).get("error") == "ExpiredToken"
            ):
                self._login()
                continue
            return self._read(response)

    def _chat(self, method, nsid, *, params=None, json=None):
        """One ``chat.bsky.*`` call, through the PDS's chat proxy. A 401 or
        403 there means the app password does not allow direct messages."""
        if self.auth is None:
            self._login()
        try:
            return self._xrpc(method, nsid, params=params, json=json, headers=CHAT_PROXY)
        except (AuthenticationError, AccessLevelError) as exc:
            raise AccessLevelError(
                Message("bluesky_chat_refused", what=said(exc.status, exc.code)),
                status=exc.status,
                code=exc.code,
                detail=exc.detail,
            ) from exc

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------
    @staticmethod
    def _profile(actor):
        if not isinstance(actor, dict) or not actor.get("did"):
            raise MalformedResponse(
                Message("missing_id", place="Bluesky", what=Message("thing_profile"))
            )
        handle = actor.get("handle") or ""
        if handle == "handle.invalid":  # the handle no longer resolves to the DID
            handle = ""
        return Profile(
            user_id=actor["did"],
            handle=handle,
            display_name=actor.get("displayName") or "",
            profile_url=f"{WEB}/profile/{handle or actor['did']}",
            avatar_url=actor.get("avatar") or "",
            bio=actor.get("description") or "",
            followers=int(actor.get("followersCount") or 0),
        )

    def _post(self, item):
        """A post view (search, thread) or a notification (uri, author,
        record, indexedAt) as a :class:`Post`."""
        if not isinstance(item, dict) or not item.get("uri"):
            raise MalformedResponse(
                Message("missing_uri", place="Bluesky", what=Message("thing_post"))
            )
        record = item.get("record") if isinstance(item.get("record"), dict) else {}
        author = self._profile(item.get("author"))
        reply = record.get("reply") or {}
        parent = (reply.get("parent") or {}).get("uri") or ""
        root = (reply.get("root") or {}).get("uri") or parent
        uri = item["uri"]
        return Post(
            external_id=uri,
            text=record.get("text") or "",
            posted_at=parse_time(record.get("createdAt")) or parse_time(item.get("indexedAt")),
            url=f"{WEB}/profile/{author.handle or author.user_id}/post/{_rkey(uri)}",
            author=author,
            conversation_key=root or uri,
            parent_external_id=parent,
            media_urls=_media_urls(item.get("embed"), record.get("embed"), author.user_id),
            lang=(record.get("langs") or [""])[0],
        )

    @staticmethod
    def _list(body, key):
        items = body.get(key)
        if not isinstance(items, list):
            raise MalformedResponse(
                Message("answered_without", place="Bluesky", what=Message("thing_list", name=key))
            )
        return items

    # ------------------------------------------------------------------
    # Interface
    # ------------------------------------------------------------------
    def _stream_query(self, stream):
        """``(nsid, params, key of the list)`` of a stream."""
        limit = page_limit(stream.page_size, PAGE_LIMIT)
        if stream.kind == "mention":
            params = {"reasons": list(MENTION_REASONS), "limit": limit}
            return "app.bsky.notification.listNotifications", params, "notifications"
        if stream.kind not in ("keyword", "hashtag"):
            raise ConnectorError(Message("stream_kind", place="Bluesky", kind=str(stream.kind)))
        query = (stream.query or "").strip()
        if not query.lstrip("#"):
            raise ConnectorError(Message("stream_no_query"))
        if stream.kind == "hashtag":
            query = f"#{query.lstrip('#')}"
        params = {"q": query, "sort": "latest", "limit": limit}
        return "app.bsky.feed.searchPosts", params, "posts"

    def fetch(self, stream, cursor):
        if stream.kind == "dm":
            return self._fetch_dms(stream, cursor)
        cursor = dict(cursor or {})
        nsid, params, key = self._stream_query(stream)
        if cursor.get("cursor"):
            params["cursor"] = cursor["cursor"]
        try:
            body = self._xrpc("GET", nsid, params=params)
        except RequestRefused as exc:
            if not (params.get("cursor") and exc.status == 400 and "cursor" in exc.detail.lower()):
                raise
            # a malformed or stale page cursor: page again from the newest post,
            # down to the newest of the last complete run
            raise CursorExpired(
                Message("bluesky_cursor_expired"),
                status=exc.status,
                code=exc.code,
                detail=exc.detail,
                cursor={"newest": cursor.get("newest")} if cursor.get("newest") else {},
            ) from exc
        newest_before = cursor.get("newest") or {}
        posts, marks, reached = [], [], False
        for item in self._list(body, key):
            if not isinstance(item, dict) or not item.get("uri"):
                raise MalformedResponse(
                    Message("missing_uri", place="Bluesky", what=Message("thing_entry"))
                )
            mark = _mark(item)
            if newest_before and _reached(mark, newest_before):
                reached = True
                break
            marks.append(mark)
            if key == "posts" or item.get("reason") in MENTION_REASONS:
                posts.append(self._post(item))
        newest = max(marks, key=lambda m: m["at"]) if marks else None
        next_page = None if reached or not marks else body.get("cursor")
        new_cursor, has_more = run_cursor(
            cursor, newest, next_page, "cursor", since_key="newest", pending_key="pending_newest"
        )
        return FetchResult(posts, new_cursor, has_more=has_more)

    # ------------------------------------------------------------------
    # Chat (direct messages)
    # ------------------------------------------------------------------
    def _dm_post(self, message, convo_id, author):
        return Post(
            external_id=f"{DM_PREFIX}{message['id']}",
            text=str(message.get("text") or ""),
            posted_at=parse_time(message.get("sentAt")),
            url=f"{WEB}/messages/{convo_id}",
            author=author,
            conversation_key=private_key(author.user_id),
        )

    def _their_message(self, message):
        """Whether ``message`` (a chat message view) is one to store: not
        deleted, not ours, with an id and a sender."""
        if not isinstance(message, dict) or message.get("$type") == DELETED_MESSAGE:
            return False
        sender = (message.get("sender") or {}).get("did")
        return bool(message.get("id") and sender and sender != self.auth["did"])

    def _fetch_dms(self, stream, cursor):
        """The first pull lists the conversations (their last messages);
        every later one reads the chat log on from ``cursor["log"]``."""
        cursor = dict(cursor or {})
        if self.auth is None:
            self._login()
        if not cursor.get("log"):
            return self._fetch_convos(stream)
        body = self._chat("GET", "chat.bsky.convo.getLog", params={"cursor": cursor["log"]})
        logs = self._list(body, "logs")
        posts, profiles = [], {}
        for log in logs:
            if not isinstance(log, dict) or log.get("$type") != LOG_MESSAGE:
                continue
            message = log.get("message")
            if not self._their_message(message):
                continue
            for actor in log.get("relatedProfiles") or []:
                if isinstance(actor, dict) and actor.get("did"):
                    profiles[actor["did"]] = self._profile(actor)
            did = message["sender"]["did"]
            if did not in profiles:
                profiles[did] = self.get_profile(user_id=did)
            posts.append(self._dm_post(message, log.get("convoId") or "", profiles[did]))
        new_log = body.get("cursor") or cursor["log"]
        has_more = bool(logs) and new_log != cursor["log"]
        return FetchResult(posts, {"log": new_log}, has_more=has_more)

    def _fetch_convos(self, stream):
        """``listConvos`` (accepted and requests): the last message of each
        conversation, and the newest rev as where the chat log starts."""
        body = self._chat(
            "GET",
            "chat.bsky.convo.listConvos",
            params={"limit": page_limit(stream.page_size, CHAT_LIMIT)},
        )
        posts, revs = [], []
        for convo in self._list(body, "convos"):
            if not isinstance(convo, dict) or not convo.get("id"):
                raise MalformedResponse(
                    Message("missing_id", place="Bluesky", what=Message("thing_conversation"))
                )
            revs.append(str(convo.get("rev") or ""))
            message = convo.get("lastMessage")
            if not self._their_message(message):
                continue
            members = [m for m in convo.get("members") or [] if isinstance(m, dict)]
            did = message["sender"]["did"]
            member = next((m for m in members if m.get("did") == did), None)
            author = self._profile(member) if member else self.get_profile(user_id=did)
            posts.append(self._dm_post(message, convo["id"], author))
        newest = max(revs) if revs else ""
        return FetchResult(posts, {"log": newest or None}, has_more=False)

    def send_private(self, text, recipient, in_reply_to="", idempotency_key=None, images=()):
        """A chat message to ``recipient.user_id`` (a DID): its one-to-one
        conversation (``getConvoForMembers``), accepted first when it is a
        request, then ``sendMessage``. Bluesky chat deduplicates nothing:
        ``idempotency_key`` is not sent; ``in_reply_to`` is only kept as the
        parent."""
        did = recipient_id(recipient, "Bluesky")
        check_images(self.platform, images, private=True)
        if self.auth is None:
            self._login()
        try:
            found = self._chat(
                "GET", "chat.bsky.convo.getConvoForMembers", params={"members": [did]}
            )
        except RequestRefused as exc:
            if exc.code in CHAT_CLOSED:
                raise RequestRefused(
                    Message("bluesky_chat_closed"),
                    status=exc.status,
                    code=exc.code,
                    detail=exc.detail,
                ) from exc
            raise
        convo = found.get("convo") if isinstance(found.get("convo"), dict) else {}
        if not convo.get("id"):
            raise MalformedResponse(
                Message("answered_without", place="Bluesky", what=Message("thing_the_conversation"))
            )
        if convo.get("status") == "request":
            self._chat("POST", "chat.bsky.convo.acceptConvo", json={"convoId": convo["id"]})
        message = {"text": text}
        facets = _link_facets(text)
        if facets:
            message["facets"] = facets
        sent = self._chat(
            "POST", "chat.bsky.convo.sendMessage", json={"convoId": convo["id"], "message": message}
        )
        if not sent.get("id"):
            raise MalformedResponse(
                Message("accepted_no_id", place="Bluesky", what=Message("thing_message"))
            )
        return Post(
            external_id=f"{DM_PREFIX}{sent['id']}",
            text=text,
            posted_at=utcnow(),
            url=f"{WEB}/messages/{convo['id']}",
            conversation_key=private_key(did),
            parent_external_id=str(in_reply_to or ""),
        )

    def _upload(self, image):
        """``com.atproto.repo.uploadBlob``: the image's bytes; its blob."""
        body = self._xrpc(
            "POST",
            "com.atproto.repo.uploadBlob",
            data=image.data,
            headers={"Content-Type": image.mimetype},
        )
        blob = body.get("blob")
        if not isinstance(blob, dict) or not (blob.get("ref") or {}).get("$link"):
            raise MalformedResponse(Message("bluesky_no_blob"))
        return blob

    def _embed_images(self, record, images):
        """Upload ``images`` (:meth:`_upload`) and embed them in ``record``
        (``app.bsky.embed.images``, with their alt text)."""
        blobs = [self._upload(image) for image in images or ()]
        if blobs:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [
                    {"image": blob, "alt": image.alt or ""}
                    for blob, image in zip(blobs, images, strict=True)
                ],
            }
        return record

    def reply(self, text, in_reply_to, idempotency_key=None, images=()):
        """Reply to the post with uri ``in_reply_to``: its uri and cid are the
        parent, and the root of its thread (or itself) the root. With an
        ``idempotency_key``, the record key is fixed (:func:`record_key`):
        the PDS refuses a second record under it. A reply to a private
        conversation (``"dm:<DID>"``) is a chat message."""
        if str(in_reply_to or "").startswith(DM_PREFIX):
            person = str(in_reply_to)[len(DM_PREFIX) :]
            return self.send_private(text, Profile(user_id=person), images=images)
        check_images(self.platform, images)
        thread = self._xrpc(
            "GET",
            "app.bsky.feed.getPostThread",
            params={"uri": in_reply_to, "depth": 0, "parentHeight": 0},
        )
        parent = (thread.get("thread") or {}).get("post")
        if not isinstance(parent, dict) or not parent.get("cid"):
            raise RequestRefused(Message("bluesky_parent_gone"))
        parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
        root = ((parent.get("record") or {}).get("reply") or {}).get("root") or parent_ref
        root_ref = {"uri": root["uri"], "cid": root["cid"]}
        return self._create_post(
            text,
            images,
            idempotency_key,
            "thing_reply",
            reply={"root": root_ref, "parent": parent_ref},
        )

    def _create_post(self, text, images, idempotency_key, thing, reply=None):
        """``com.atproto.repo.createRecord`` of an ``app.bsky.feed.post`` of
        our account (a reply when ``reply`` holds its root and parent), with
        link facets and ``images`` embedded; with an ``idempotency_key`` the
        record key is fixed (:func:`record_key`). The stored post, as a Post."""
        now = utcnow()
        record = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": now.isoformat(timespec="milliseconds") + "Z",
        }
        if reply:
            record["reply"] = reply
        facets = _link_facets(text)
        if facets:
            record["facets"] = facets
        self._embed_images(record, images)
        create = {"repo": self.auth["did"], "collection": "app.bsky.feed.post", "record": record}
        if idempotency_key:
            create["rkey"] = record_key(idempotency_key)
        body = self._xrpc("POST", "com.atproto.repo.createRecord", json=create)
        if not body.get("uri"):
            raise MalformedResponse(Message("accepted_no_id", place="Bluesky", what=Message(thing)))
        author = self._profile({"did": self.auth["did"], "handle": self.auth.get("handle")})
        return Post(
            external_id=body["uri"],
            text=text,
            posted_at=now,
            url=f"{author.profile_url}/post/{_rkey(body['uri'])}",
            author=author,
            conversation_key=reply["root"]["uri"] if reply else "",
            parent_external_id=reply["parent"]["uri"] if reply else "",
            media_urls=_media_urls(None, record.get("embed"), self.auth["did"]),
        )

    def publish(self, text, idempotency_key=None, images=()):
        """A top-level post of our account (``com.atproto.repo.createRecord``),
        with up to 4 ``images`` uploaded as blobs and embedded. With an
        ``idempotency_key`` the record key is fixed (:func:`record_key`): the
        PDS stores at most one record under it, and :meth:`find_sent` finds
        it again (exactly once)."""
        self.check_publish(text, images)
        if self.auth is None:
            self._login()
        return self._create_post(text, images, idempotency_key, "thing_published")

    def find_sent(self, idempotency_key, in_reply_to):
        """Our post under the record key of ``idempotency_key``, or None
        (``com.atproto.repo.getRecord`` answers RecordNotFound)."""
        if self.auth is None:
            self._login()
        try:
            body = self._xrpc(
                "GET",
                "com.atproto.repo.getRecord",
                params={
                    "repo": self.auth["did"],
                    "collection": "app.bsky.feed.post",
                    "rkey": record_key(idempotency_key),
                },
            )
        except RequestRefused as error:
            if error.status in (400, 404) and "RecordNotFound" in str(error):
                return None
            raise
        author = {"did": self.auth["did"], "handle": self.auth.get("handle")}
        post = self._post({"uri": body.get("uri"), "record": body.get("value"), "author": author})
        post.parent_external_id = post.parent_external_id or in_reply_to
        return post

    def get_profile(self, user_id=None, handle=None):
        if user_id:
            actor = user_id
        elif handle:
            try:
                actor = normalize_handle(handle)
            except ValueError as exc:
                raise RequestRefused(
                    Message("bluesky_bad_handle", handle=str(handle)[:100])
                ) from exc
        else:
            raise ValueError("get_profile needs a user_id or a handle")
        return self._profile(
            self._xrpc("GET", "app.bsky.actor.getProfile", params={"actor": actor})
        )

    def test_connection(self):
        self._login()
        return self.get_profile(user_id=self.auth["did"])

    def fetch_followers(self, cursor, account_user_id="", page_size=100):
        """One page of ``app.bsky.graph.getFollowers``; cursor ``{"cursor"}``."""
        if not account_user_id and self.auth is None:
            self._login()
        params = {
            "actor": account_user_id or self.auth["did"],
            "limit": page_limit(page_size, PAGE_LIMIT),
        }
        if (cursor or {}).get("cursor"):
            params["cursor"] = cursor["cursor"]
        body = self._xrpc("GET", "app.bsky.graph.getFollowers", params=params)
        followers = self._list(body, "followers")
        next_page = body.get("cursor") if followers else None
        return FollowersResult(
            [self._profile(actor) for actor in followers],
            {"cursor": next_page},
            has_more=bool(next_page),
        )

    def fetch_metrics(self, external_ids):
        """``app.bsky.feed.getPosts`` (at most 25 ``at://`` uris a call): the
        ``repostCount``, ``quoteCount``, ``likeCount`` and ``replyCount`` of
        each post view. A deleted or blocked post is simply not in the
        answer; chat messages have no counts and are never asked for."""
        uris = [str(i) for i in external_ids if str(i or "").startswith("at://")]
        uris = uris[: self.metrics_batch]
        if not uris:
            return {}
        body = self._xrpc("GET", "app.bsky.feed.getPosts", params={"uris": uris})
        found = {}
        for view in self._list(body, "posts"):
            if not isinstance(view, dict) or view.get("uri") not in uris:
                continue
            found[view["uri"]] = Metrics(
                reposts=count(view.get("repostCount")),
                quotes=count(view.get("quoteCount")),
                likes=count(view.get("likeCount")),
                replies=count(view.get("replyCount")),
            )
        return found
