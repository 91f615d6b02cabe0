"""Mastodon connector: the REST API of one instance, through ``requests``.

Credentials: ``{"instance_url": "https://mastodon.social", "access_token": ...}``
(an application's token from Preferences > Development, scopes read,
write:statuses and write:media).

Streams: ``mention`` reads ``/api/v1/notifications?types[]=mention``,
``hashtag`` the tag timeline and ``keyword`` ``/api/v2/search``. The cursor is
``{"since_id", "pending_newest_id", "max_id"}``, the same discipline as X: a run
pages back (``max_id`` from the Link header) while ``since_id`` keeps its old
value, and ``since_id`` moves only after the last page. Ids of notifications
and statuses are those of our instance, so replies thread correctly.

A private message (:meth:`MastodonConnector.send_private`) is a status of
visibility ``direct`` that mentions its one recipient. Direct posts that
arrive (through the mention stream) join the private conversation with their
author, key ``"dm:<account id>"``, as X, Bluesky and Meta direct messages do;
a reply to that key is a direct post again.

Images (:mod:`.media`) go up first to ``POST /api/v2/media`` (multipart,
with their alt text as ``description``); Mastodon answers 200 with the
attachment, or 202 while it is still being processed, and then the attachment
is asked for (``GET /api/v1/media/:id``) until it has its ``url``. The status
names them in ``media_ids[]``. An upload is not a post: an attachment no
status uses is removed by the instance.

Post text arrives as HTML and is returned as plain text; handles are full
``user@host`` accts (local accounts get our instance's host).
"""

import hashlib
import re
import time
from urllib.parse import quote, urlsplit

from ._http import JsonHttpConnector, html_to_text, id_order, link_param, page_limit
from .base import (
    DM_PREFIX,
    AuthenticationError,
    ConnectorError,
    FetchResult,
    FollowersResult,
    MalformedResponse,
    Metrics,
    Post,
    Profile,
    RequestRefused,
    count,
    parse_time,
    private_key,
    run_cursor,
    utcnow,
)
from .media import check_images
from .messages import Message

#: Mastodon's own page size limits
STATUS_LIMIT = 40
NOTIFICATION_LIMIT = 80
ACCOUNT_LIMIT = 80
#: how often an attachment still processing (202) is asked for before giving up
MEDIA_POLLS = 5


class MastodonConnector(JsonHttpConnector):
    platform = "mastodon"
    max_length = 500
    length_rule = "mastodon"
    label = "Mastodon"
    supports_followers = True
    supports_private = True
    deduplicates = True
    supports_media = True
    #: one ``GET /api/v1/statuses/:id`` per post, up to 20 posts a batch
    metrics_batch = 20
    metrics_cost_per_post = True
    url_credential = "instance_url"
    advice = {401: "advice_mastodon_401", 403: "advice_mastodon_403"}

    @property
    def host(self):
        """Our instance's host, which completes the acct of local accounts."""
        return urlsplit(self.base_url).netloc

    # ------------------------------------------------------------------
    # Calling the API
    # ------------------------------------------------------------------
    def _call(self, method, path, *, expect=dict, headers=None, **kwargs):
        """One API call; returns ``(body, response)``."""
        if not self.base_url:
            raise AuthenticationError(Message("mastodon_no_instance"))
        token = self.credentials.get("access_token")
        if not token:
            raise AuthenticationError(Message("mastodon_no_token"))
        headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        response = self._send(method, self.base_url + path, headers=headers, **kwargs)
        return self._read(response, expect), response

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------
    def _profile(self, account):
        if not isinstance(account, dict) or not account.get("id"):
            raise MalformedResponse(
                Message("missing_id", place="Mastodon", what=Message("thing_account"))
            )
        acct = account.get("acct") or account.get("username") or ""
        if acct and "@" not in acct and self.host:
            acct = f"{acct}@{self.host}"
        return Profile(
            user_id=str(account["id"]),
            handle=acct,
            display_name=account.get("display_name") or "",
            profile_url=account.get("url") or "",
            avatar_url=account.get("avatar") or "",
            bio=html_to_text(account.get("note")),
            followers=int(account.get("followers_count") or 0),
        )

    def _post(self, status):
        if not isinstance(status, dict) or not status.get("id"):
            raise MalformedResponse(
                Message("missing_id", place="Mastodon", what=Message("thing_post"))
            )
        text = html_to_text(status.get("content"))
        warning = (status.get("spoiler_text") or "").strip()
        if warning:
            text = f"{warning}\n\n{text}".strip()
        account = status.get("account")
        private = status.get("visibility") == "direct" and isinstance(account, dict)
        return Post(
            external_id=str(status["id"]),
            text=text,
            posted_at=parse_time(status.get("created_at")),
            url=status.get("url") or status.get("uri") or "",
            author=self._profile(account) if account else None,
            parent_external_id=str(status.get("in_reply_to_id") or ""),
            conversation_key=private_key(account.get("id")) if private else "",
            media_urls=[
                media["url"]
                for media in status.get("media_attachments") or []
                if isinstance(media, dict) and media.get("url")
            ],
            lang=status.get("language") or "",
        )

    # ------------------------------------------------------------------
    # Interface
    # ------------------------------------------------------------------
    def _endpoint(self, stream):
        """``(path, params, the parameter meaning "newer than")`` of a stream."""
        query = (stream.query or "").strip()
        if stream.kind == "mention":
            limit = page_limit(stream.page_size, NOTIFICATION_LIMIT)
            return "/api/v1/notifications", {"types[]": "mention", "limit": limit}, "since_id"
        if stream.kind not in ("hashtag", "keyword"):
            raise ConnectorError(Message("stream_kind", place="Mastodon", kind=str(stream.kind)))
        if not query.lstrip("#"):
            raise ConnectorError(Message("stream_no_query"))
        limit = page_limit(stream.page_size, STATUS_LIMIT)
        if stream.kind == "hashtag":
            tag = quote(query.lstrip("#"), safe="")
            return f"/api/v1/timelines/tag/{tag}", {"limit": limit}, "since_id"
        # search knows no since_id; its min_id filters the same way
        params = {"q": query, "type": "statuses", "resolve": "false", "limit": limit}
        return "/api/v2/search", params, "min_id"

    def fetch(self, stream, cursor):
        cursor = dict(cursor or {})
        path, params, since_param = self._endpoint(stream)
        if cursor.get("since_id"):
            params[since_param] = cursor["since_id"]
        if cursor.get("max_id"):
            params["max_id"] = cursor["max_id"]
        if stream.kind == "keyword":
            body, response = self._call("GET", path, params=params)
            entries = body.get("statuses")
            if not isinstance(entries, list):
                raise MalformedResponse(
                    Message("answered_without", place="Mastodon", what=Message("thing_statuses"))
                )
        else:
            entries, response = self._call("GET", path, params=params, expect=list)
        ids = [str(e["id"]) for e in entries if isinstance(e, dict) and e.get("id")]
        if len(ids) != len(entries):
            raise MalformedResponse(
                Message("missing_id", place="Mastodon", what=Message("thing_entry"))
            )
        if stream.kind == "mention":
            # a notification whose post was deleted has "status": null
            posts = [self._post(e["status"]) for e in entries if e.get("status")]
        else:
            posts = [self._post(e) for e in entries]
        # the Link header names the next (older) page; search sends none
        next_page = link_param(response, "next", "max_id") if ids else None
        if stream.kind == "keyword":
            next_page = min(ids, key=id_order) if len(ids) >= params["limit"] else None
        newest = max(ids, key=id_order) if ids else None
        new_cursor, has_more = run_cursor(cursor, newest, next_page, "max_id")
        return FetchResult(posts, new_cursor, has_more=has_more)

    def _mentioning(self, acct, text):
        """``text`` led by ``@acct`` unless it mentions that account already
        (Mastodon delivers a post only to the people it mentions)."""
        full = acct if "@" in acct else f"{acct}@{self.host}"
        short = full.removesuffix(f"@{self.host}")
        mentioned = {w.rstrip(".:-").lower() for w in re.findall(r"@[\w.@:-]+", text)}
        if acct and not {f"@{full}".lower(), f"@{short}".lower()} & mentioned:
            text = f"@{acct} {text}"
        return text

    def _upload(self, image):
        """``POST /api/v2/media``: one image (and its alt text); its id once
        the instance has processed it (202: asked for again, with a pause)."""
        description = {"description": image.alt} if image.alt else {}
        body, response = self._call(
            "POST",
            "/api/v2/media",
            data=description,
            files={"file": (image.name or "image", image.data, image.mimetype)},
        )
        media_id = str(body.get("id") or "")
        if not media_id:
            raise MalformedResponse(
                Message("accepted_no_id", place="Mastodon", what=Message("thing_image"))
            )
        polls = 0
        while response.status_code == 202 or not body.get("url"):
            polls += 1
            if polls > MEDIA_POLLS:
                raise RequestRefused(Message("mastodon_media_processing", name=image.name))
            self._pause(polls)
            body, response = self._call("GET", f"/api/v1/media/{quote(media_id)}")
            if response.status_code == 206:  # still processing, as the API says
                body = {}
        return media_id

    @staticmethod
    def _pause(attempt):
        time.sleep(min(attempt, 3))

    def _publish(self, data, idempotency_key=None):
        """``POST /api/v1/statuses`` with an Idempotency-Key: the caller's
        (one request, however often it is retried), else one over what the
        post says. Mastodon answers a repeated key with the first post
        instead of publishing again (for an hour)."""
        visibility, parent = data.get("visibility", ""), data.get("in_reply_to_id", "")
        key = (
            idempotency_key
            or hashlib.sha256(f"{visibility}\n{parent}\n{data['status']}".encode()).hexdigest()
        )
        body, _response = self._call(
            "POST", "/api/v1/statuses", data=data, headers={"Idempotency-Key": key}
        )
        post = self._post(body)
        post.parent_external_id = post.parent_external_id or parent
        return post

    def _with_media(self, data, images):
        """``data`` of a status with the uploaded ``images`` (``media_ids[]``)."""
        media_ids = [self._upload(image) for image in images or ()]
        if media_ids:
            data["media_ids[]"] = media_ids
        return data

    def reply(self, text, in_reply_to, idempotency_key=None, images=()):
        """Reply in the thread of ``in_reply_to``: mention its author (Mastodon
        notifies only people mentioned) and keep its visibility, so a reply
        to a direct message stays direct. A reply to a private conversation
        (``"dm:<account id>"``) is a direct post to that account. ``images``
        are uploaded first (:meth:`_upload`)."""
        check_images(self.platform, images)
        if str(in_reply_to or "").startswith(DM_PREFIX):
            person = self.get_profile(user_id=str(in_reply_to)[len(DM_PREFIX) :])
            return self.send_private(text, person, idempotency_key=idempotency_key, images=images)
        parent, _response = self._call("GET", f"/api/v1/statuses/{quote(str(in_reply_to))}")
        acct = (parent.get("account") or {}).get("acct") or ""
        data = {
            "status": self._mentioning(acct, text),
            "in_reply_to_id": str(in_reply_to),
            "visibility": parent.get("visibility") or "public",
        }
        return self._publish(self._with_media(data, images), idempotency_key)

    def publish(self, text, idempotency_key=None, images=()):
        """A public status of our account, with up to 4 ``images`` uploaded
        first. Mastodon keeps the Idempotency-Key for an hour: the same key
        sent again returns the first status instead of publishing twice
        (exactly once; an image uploaded again for it stays unattached and
        is removed by the instance)."""
        self.check_publish(text, images)
        data = {"status": text, "visibility": "public"}
        return self._publish(self._with_media(data, images), idempotency_key)

    def send_private(self, text, recipient, in_reply_to="", idempotency_key=None, images=()):
        """A direct post (``visibility`` direct) that mentions only
        ``recipient.handle`` (its full acct), in the thread of ``in_reply_to``
        when given, with ``images`` as a status has them."""
        check_images(self.platform, images, private=True)
        acct = (getattr(recipient, "handle", "") or "").strip().lstrip("@")
        if not acct:
            raise RequestRefused(Message("mastodon_no_handle"))
        data = {"status": self._mentioning(acct, text), "visibility": "direct"}
        if in_reply_to:
            data["in_reply_to_id"] = str(in_reply_to)
        post = self._publish(self._with_media(data, images), idempotency_key)
        post.author, post.posted_at = None, utcnow()
        post.conversation_key = private_key(recipient.user_id or acct)
        return post

    def get_profile(self, user_id=None, handle=None):
        if user_id:
            body, _response = self._call("GET", f"/api/v1/accounts/{quote(str(user_id))}")
        elif handle:
            body, _response = self._call(
                "GET", "/api/v1/accounts/lookup", params={"acct": handle.strip().lstrip("@")}
            )
        else:
            raise ValueError("get_profile needs a user_id or a handle")
        return self._profile(body)

    def _me(self):
        body, _response = self._call("GET", "/api/v1/accounts/verify_credentials")
        return self._profile(body)

    def test_connection(self):
        """Who are we, and may the token read our mentions (scope read)?"""
        profile = self._me()
        self._call(
            "GET", "/api/v1/notifications", params={"types[]": "mention", "limit": 1}, expect=list
        )
        return profile

    def fetch_followers(self, cursor, account_user_id="", page_size=100):
        """One page of ``/api/v1/accounts/:id/followers``; cursor ``{"max_id"}``
        from the Link header (a follow's id, not an account's)."""
        user_id = account_user_id or self._me().user_id
        params = {"limit": page_limit(page_size, ACCOUNT_LIMIT)}
        if (cursor or {}).get("max_id"):
            params["max_id"] = cursor["max_id"]
        accounts, response = self._call(
            "GET", f"/api/v1/accounts/{quote(str(user_id))}/followers", params=params, expect=list
        )
        next_page = link_param(response, "next", "max_id") if accounts else None
        return FollowersResult(
            [self._profile(account) for account in accounts],
            {"max_id": next_page},
            has_more=bool(next_page),
        )

    def fetch_metrics(self, external_ids):
        """``GET /api/v1/statuses/:id`` for each post (ids of our instance):
        its ``reblogs_count``, ``favourites_count`` and ``replies_count``
        (Mastodon counts no quotes). A post gone (404) is left out."""
        found = {}
        for external_id in [str(i) for i in external_ids if i][: self.metrics_batch]:
            if external_id.startswith(DM_PREFIX):
                continue
            try:
                status, _response = self._call("GET", f"/api/v1/statuses/{quote(external_id)}")
            except RequestRefused as exc:
                if exc.status in (404, 410):
                    continue
                raise
            found[external_id] = Metrics(
                reposts=count(status.get("reblogs_count")),
                likes=count(status.get("favourites_count")),
                replies=count(status.get("replies_count")),
            )
        return found
