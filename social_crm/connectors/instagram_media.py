"""Instagram photos for photo campaigns: media we are tagged in, media that
mention us in their caption, and (optionally) hashtag search.

What the Graph API documents, and what follows from it:

- ``GET /{ig-user-id}/tags`` lists the media in which our business account
  is *tagged* (newest first, paged with ``cursors.after`` / ``next``). Each
  has an author ``username`` (never the owner's id for someone else's media).
- ``GET /{ig-user-id}?fields=mentioned_media.media_id(<id>){...}`` reads a
  media whose caption *@mentions* us (the ``mentions`` webhook gives only
  the id).
- ``POST /{ig-user-id}/mentions`` (``media_id``, ``message``) comments on a
  media whose caption @mentions us: that is how a rights request is asked.
  "Commenting on photos in which you were tagged is not supported"
  (Instagram Platform, Mentions, Limitations): a photo we are only tagged in
  cannot be commented on; its author has to be asked another way.
- ``GET /ig_hashtag_search`` then ``/{hashtag-id}/recent_media``: the last
  24 hours only, *no author* (no username, no owner), no comments possible,
  at most 30 unique hashtags per account in 7 days, and App Review needed.

Cursors: a stream walks the pages with ``after``; once the walk reaches the
end (no ``next``) or media it saw in an earlier walk, the next pull starts a
new walk from the newest media and stops at ``seen_until``.
"""

import re
from datetime import timedelta
from urllib.parse import quote

from .base import (
    FetchResult,
    MalformedResponse,
    Post,
    Profile,
    RateLimitError,
    RequestRefused,
    parse_time,
    utcnow,
)
from .messages import Message

#: the IG Media fields a tagged or mentioned media is read with
MEDIA_FIELDS = (
    "id,caption,media_type,media_url,permalink,timestamp,username,comments_count,like_count"
)
#: hashtag search gives no author: ``username`` is not among its fields
HASHTAG_MEDIA_FIELDS = (
    "id,caption,media_type,media_url,permalink,timestamp,comments_count,like_count"
)
#: Instagram's limit of unique hashtags searched per account
HASHTAG_LIMIT = 30
HASHTAG_WINDOW_DAYS = 7
#: stream kinds this module reads
TAGS_KIND = "ig_tags"
HASHTAG_KIND = "hashtag"
#: the words standing in for a caption-less photo or video
MEDIA_WORDS = {"VIDEO": "[video]", "REELS": "[video]"}

_MENTION_RE = re.compile(r"(?<![\w.])@([A-Za-z0-9._]{1,30})")


def _s(value):
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return str(value).strip()


def _time(value):
    """Instagram's ISO 8601 time (``+0000``) as a naive UTC datetime."""
    value = _s(value)
    return parse_time(value.replace("+0000", "+00:00")) if value else None


def mentions_account(caption, handle):
    """Does ``caption`` @mention the Instagram account ``handle`` (any case)?

    >>> mentions_account("Zomer! @Hollandia.Store #hollandiastijl", "hollandia.store")
    True
    >>> mentions_account("mail me at a@hollandia.store", "hollandia.store")
    False
    """
    wanted = (handle or "").lstrip("@").casefold()
    if not wanted:
        return False
    return any(m.casefold().rstrip(".") == wanted for m in _MENTION_RE.findall(caption or ""))


def media_post(item, profile_url="https://www.instagram.com/"):
    """An IG Media object as a :class:`Post`. The author is known by
    ``username`` only (``user_id`` stays empty: the model finds or makes the
    identity); hashtag media have none. None when the item has no id."""
    if not isinstance(item, dict):
        return None
    media_id = _s(item.get("id"))
    if not media_id:
        return None
    username = _s(item.get("username"))
    url = _s(item.get("media_url"))
    kind = _s(item.get("media_type")).upper()
    return Post(
        external_id=media_id,
        text=_s(item.get("caption")) or MEDIA_WORDS.get(kind, "[photo]"),
        posted_at=_time(item.get("timestamp")),
        url=_s(item.get("permalink")),
        author=Profile(user_id="", handle=username, profile_url=f"{profile_url}{username}")
        if username
        else None,
        media_urls=[url] if url.startswith("http") else [],
    )


class InstagramMediaMixin:
    """Tagged media, mentioned media and hashtag search for
    :class:`~.meta.InstagramConnector` (``self._call`` is the Graph call)."""

    # ------------------------------------------------------------------
    # Streams
    # ------------------------------------------------------------------
    def fetch(self, stream, cursor):
        if stream.kind == TAGS_KIND:
            path = f"{self._account_path()}/tags"
            return self._walk(path, {"fields": MEDIA_FIELDS}, stream, cursor)
        if stream.kind == HASHTAG_KIND:
            cursor = dict(cursor or {})
            tag = (stream.query or "").strip().lstrip("#").casefold()
            if not tag:
                raise RequestRefused(Message("stream_no_query"))
            if cursor.get("tag") != tag or not cursor.get("hashtag_id"):
                cursor = {"tag": tag, "hashtag_id": self.hashtag_id(tag)}
            params = {"fields": HASHTAG_MEDIA_FIELDS, "user_id": self._ig_user_id()}
            path = f"{quote(cursor['hashtag_id'], safe='')}/recent_media"
            return self._walk(path, params, stream, cursor)
        return super().fetch(stream, cursor)

    def _ig_user_id(self):
        return self._account_path()

    def _walk(self, path, params, stream, cursor):
        """One page of ``path``; see the module's note on cursors."""
        cursor = dict(cursor or {})
        query = {**params, "limit": max(1, min(int(stream.page_size or 50), 100))}
        if cursor.get("after"):
            query["after"] = cursor["after"]
        body = self._call("GET", path, params=query)
        data = body.get("data")
        if not isinstance(data, list):
            raise MalformedResponse(
                Message("unexpected_structure", place=self.label, what=Message("thing_request"))
            )
        seen_until = cursor.get("seen_until") or ""
        posts, reached_seen = [], False
        for item in data:
            post = media_post(item)
            if post is None:
                continue
            stamp = post.posted_at.isoformat() if post.posted_at else ""
            if seen_until and stamp and stamp <= seen_until:
                reached_seen = True
                break
            posts.append(post)
            if stamp > (cursor.get("walk_newest") or ""):
                cursor["walk_newest"] = stamp
        paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
        after = _s((paging.get("cursors") or {}).get("after")) if paging.get("next") else ""
        if after and not reached_seen:
            cursor["after"] = after
            return FetchResult(posts, cursor, True)
        newest = max(seen_until, cursor.pop("walk_newest", "") or "")
        cursor.pop("after", None)
        if newest:
            cursor["seen_until"] = newest
        return FetchResult(posts, cursor, False)

    # ------------------------------------------------------------------
    # Mentions and hashtags
    # ------------------------------------------------------------------
    def mentioned_media(self, media_id):
        """The media whose caption @mentions us, as a :class:`Post`."""
        media_id = _s(media_id)
        if not media_id:
            raise RequestRefused(Message("ig_no_media_id", place=self.label))
        fields = f"mentioned_media.media_id({media_id}){{{MEDIA_FIELDS}}}"
        body = self._call("GET", self._account_path(), params={"fields": fields})
        post = media_post(body.get("mentioned_media"))
        if post is None:
            raise MalformedResponse(
                Message("missing_id", place=self.label, what=Message("thing_post"))
            )
        return post

    def reply_to_mention(self, text, media_id, comment_id=""):
        """A comment on a media (or, with ``comment_id``, under a comment)
        that @mentions us: ``POST /{ig-user-id}/mentions``. Meta refuses it
        for media we are only tagged in."""
        media_id = _s(media_id)
        if not media_id:
            raise RequestRefused(Message("ig_no_media_id", place=self.label))
        data = {"media_id": media_id, "message": text}
        if comment_id:
            data["comment_id"] = _s(comment_id)
        body = self._call("POST", f"{self._account_path()}/mentions", data=data)
        new_id = _s(body.get("id"))
        if not new_id:
            raise MalformedResponse(
                Message("accepted_no_id_for", place=self.label, what=Message("thing_reply"))
            )
        return Post(
            external_id=new_id,
            text=text,
            posted_at=utcnow(),
            conversation_key=media_id,
            parent_external_id=_s(comment_id) or media_id,
        )

    def hashtag_id(self, tag):
        """``GET /ig_hashtag_search``: the id of ``#tag``. Each new hashtag
        counts against the 30 per 7 days (the caller keeps the budget)."""
        body = self._call(
            "GET", "ig_hashtag_search", params={"user_id": self._ig_user_id(), "q": tag}
        )
        data = body.get("data") if isinstance(body.get("data"), list) else []
        found = _s(data[0].get("id")) if data and isinstance(data[0], dict) else ""
        if not found:
            raise RequestRefused(Message("ig_no_hashtag", place=self.label, tag=tag))
        return found


def hashtag_budget(searches, now=None):
    """``(used, free_again_at)`` of an account's hashtag budget: the unique
    hashtags among ``searches`` (``(tag, naive UTC datetime)`` pairs) in the
    last 7 days, and when the oldest of them leaves the window (None when
    none is used).

    >>> from datetime import datetime
    >>> hashtag_budget([("a", datetime(2026, 6, 1)), ("A", datetime(2026, 6, 2))],
    ...                now=datetime(2026, 6, 3))
    (1, datetime.datetime(2026, 6, 8, 0, 0))
    """
    now = now or utcnow()
    start = now - timedelta(days=HASHTAG_WINDOW_DAYS)
    first = {}
    for tag, at in searches:
        tag = (tag or "").lstrip("#").casefold()
        if tag and at and at > start and (tag not in first or at < first[tag]):
            first[tag] = at
    if not first:
        return 0, None
    return len(first), min(first.values()) + timedelta(days=HASHTAG_WINDOW_DAYS)


def check_hashtag_budget(searches, tag, now=None, place="Instagram"):
    """Raise :class:`RateLimitError` when searching ``tag`` would be a new
    hashtag beyond Instagram's 30 per 7 days; a hashtag already searched in
    the window costs nothing."""
    now = now or utcnow()
    tag = (tag or "").lstrip("#").casefold()
    start = now - timedelta(days=HASHTAG_WINDOW_DAYS)
    if any((t or "").lstrip("#").casefold() == tag and at and at > start for t, at in searches):
        return
    used, free_at = hashtag_budget(searches, now)
    if used >= HASHTAG_LIMIT:
        raise RateLimitError(
            Message(
                "ig_hashtag_budget",
                place=place,
                limit=HASHTAG_LIMIT,
                used=used,
                tag=tag,
                when=f"{free_at:%Y-%m-%d %H:%M}",
            ),
            retry_at=free_at,
            status=None,
            scope="weekly",
        )
