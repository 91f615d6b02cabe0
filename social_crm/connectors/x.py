"""X (Twitter) API v2 connector, built on tweepy's ``Client``.

Accounts connected with the Connect button (OAuth 2.0 with PKCE) pass their
user access token as ``bearer_token`` with ``oauth2_user``: every call then
goes with ``user_auth=False``, as the account. The advanced alternative:
reading uses the app's bearer token; replying and direct messages
(:meth:`XConnector.send_private`) use user-context OAuth 1.0a (API key and
secret plus the account's access token and secret; DMs also need the app's
Direct Message permission).

The cursor of a stream is ``{"since_id", "pending_newest_id", "next_token"}``:
while a run pages back through new posts (``next_token``), ``since_id`` keeps
its old value and the newest id seen is parked in ``pending_newest_id``; only
after the last page does ``since_id`` move. A crash or a 429 in the middle of
the pages therefore never skips a post.

Direct messages (stream kind ``dm``) come from ``GET /2/dm_events`` with
the account's user-context keys: X keeps 30 days of them, newest first, and
knows no ``since_id``. A run pages back (``pagination_token``) until it
reaches the newest event of the previous complete run; the cursor is
``{"since_id", "pending_newest_id", "next_token"}`` as above, where
``since_id`` is that last event seen. Events we sent ourselves are skipped
(they are stored when sent). A DM's external id is ``"dm:<event id>"`` and
its conversation key ``"dm:<the person's user id>"``; a reply to that key is
a direct message again. A 403 on DMs is the plan's or the app's permission.

Images (:mod:`.media`) go up first, one by one, to ``POST /2/media/upload``
(multipart, ``media_category`` ``tweet_image`` or ``dm_image``), with the
account's user context: the OAuth 2 user token needs the ``media.write``
scope ("Send images" on the account's connection), OAuth 1.0a keys need
nothing more. The post then names them (``media.media_ids``; a direct
message takes one). An upload is not a post: an image uploaded for a post
that is then refused stays unused on X, which drops it after a day.

Followers come from ``GET /2/users/:id/followers``, cursor ``{"next_token"}``;
a 403 there means the plan does not include the followers lookup.
"""

import calendar
from datetime import timedelta

import requests
import tweepy

from ._http import network_errors
from .base import (
    DEFAULT_TIMEOUT,
    DM_PREFIX,
    AccessLevelError,
    AuthenticationError,
    Connector,
    ConnectorError,
    CursorExpired,
    FetchResult,
    FollowersResult,
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
    run_cursor,
    safe_code,
    said,
    same_words,
    utcnow,
)
from .media import check_images
from .messages import Message

TWEET_FIELDS = [
    "author_id",
    "created_at",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "lang",
    "attachments",
]
USER_FIELDS = [
    "name",
    "username",
    "description",
    "location",
    "profile_image_url",
    "public_metrics",
    "verified",
]
EXPANSIONS = ["author_id", "attachments.media_keys"]
MEDIA_FIELDS = ["url", "preview_image_url"]
WEB = "https://x.com"
#: the direct message event fields we read (X API v2 dm_events)
DM_EVENT_FIELDS = [
    "id",
    "event_type",
    "text",
    "sender_id",
    "dm_conversation_id",
    "created_at",
    "attachments",
]
DM_EXPANSIONS = ["sender_id", "attachments.media_keys"]
#: X API v2 media upload (one request for an image)
MEDIA_UPLOAD_URL = "https://api.x.com/2/media/upload"
#: request parameters that carry a stream's position
CURSOR_PARAMETERS = {"since_id", "until_id", "next_token", "pagination_token"}


def _id_order(value):
    """Sort key of X's numeric string ids (snowflakes)."""
    value = str(value)
    return (len(value), value)


def _next_month(now):
    days = calendar.monthrange(now.year, now.month)[1]
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days)


class XConnector(Connector):
    platform = "x"
    label = "X"
    max_length = 280
    length_rule = "x"
    supports_followers = True
    supports_private = True
    supports_dms = True
    supports_media = True
    #: GET /2/tweets takes up to 100 ids; every post returned counts
    #: against the plan's monthly post cap
    metrics_batch = 100
    metrics_cost_per_post = True

    def __init__(self, credentials=None, session=None):
        super().__init__(credentials, session)
        creds = self.credentials
        self.client = tweepy.Client(
            bearer_token=creds.get("bearer_token") or None,
            consumer_key=creds.get("consumer_key") or None,
            consumer_secret=creds.get("consumer_secret") or None,
            access_token=creds.get("access_token") or None,
            access_token_secret=creds.get("access_token_secret") or None,
            return_type=requests.Response,
            wait_on_rate_limit=False,
        )
        # tweepy sends everything through client.session: inject ours, which
        # carries the default timeout (and, in tests, the replay).
        self.client.session = self.session

    # ------------------------------------------------------------------
    # Calling the API
    # ------------------------------------------------------------------
    def _oauth2_user(self):
        """Connected with the Connect button: ``bearer_token`` is the
        account's OAuth 2.0 user token, sent with ``user_auth=False``."""
        return bool(self.credentials.get("oauth2_user") and self.credentials.get("bearer_token"))

    def _has_user_context(self):
        return self._oauth2_user() or all(
            self.credentials.get(key)
            for key in ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
        )

    def _require_user_context(self):
        if not self._has_user_context():
            raise AuthenticationError(Message("x_needs_user_keys"))

    def _call(self, method, *args, user_auth=False, **kwargs):
        """Call a tweepy ``Client`` method; return the decoded JSON body."""
        if self._oauth2_user():
            user_auth = False  # the OAuth 2 user token acts as the account itself
        if user_auth:
            self._require_user_context()
        if not user_auth and not self.credentials.get("bearer_token"):
            raise AuthenticationError(Message("x_no_bearer"))
        try:
            with network_errors("X"):
                response = method(*args, user_auth=user_auth, **kwargs)
        except tweepy.TooManyRequests as exc:
            raise self._rate_limit_error(exc.response) from exc
        except tweepy.Unauthorized as exc:
            raise AuthenticationError(
                Message("x_unauthorized"),
                status=401,
            ) from exc
        except tweepy.Forbidden as exc:
            raise self._forbidden_error(exc.response) from exc
        except tweepy.TwitterServerError as exc:
            raise PlatformUnavailable(
                Message("server_error", place="X", status=exc.response.status_code),
                status=exc.response.status_code,
            ) from exc
        except tweepy.HTTPException as exc:
            raise self._refusal(exc.response, "; ".join(exc.api_messages)) from exc
        body = json_object(response)
        if body is None:
            raise MalformedResponse(
                Message(
                    "not_json_object",
                    place="X",
                    status=response.status_code,
                    size=len(response.content or b""),
                ),
                status=response.status_code,
            )
        return body

    @staticmethod
    def _problem(response):
        """The last part of X's problem type (``invalid-request``), a short code."""
        body = json_object(response) or {}
        kind = str(body.get("type") or "")
        return "" if kind == "about:blank" else safe_code(kind.rstrip("/").rsplit("/", 1)[-1])

    def _refusal(self, response, detail=""):
        """A refusal in our words (status and X's problem type); X's own
        words go to ``detail``. A 400 about a stale ``since_id`` or page
        token is :class:`CursorExpired`."""
        status = response.status_code
        code = self._problem(response)
        stale = status == 400 and self._stale_cursor_parameters(response)
        if stale:
            return CursorExpired(
                Message("x_cursor_expired", names=", ".join(sorted(stale))),
                status=status,
                code=code,
                detail=detail,
                cursor={},
            )
        return RequestRefused(
            Message("refused", place="X", what=said(status, code)),
            status=status,
            code=code,
            detail=detail,
        )

    @staticmethod
    def _stale_cursor_parameters(response):
        """The cursor parameters (``since_id``, ``pagination_token``,
        ``next_token``, ``until_id``) an X 400 names as invalid."""
        body = json_object(response) or {}
        names = set()
        for error in body.get("errors") or []:
            if isinstance(error, dict) and isinstance(error.get("parameters"), dict):
                names |= set(error["parameters"])
        return names & CURSOR_PARAMETERS

    def _call_forbidden(self, refusal, method, *args, **kwargs):
        """As :meth:`_call`, but a 403 becomes :class:`AccessLevelError` with
        the plain words ``refusal`` (what X's plan or app permission lacks)."""
        try:
            return self._call(method, *args, **kwargs)
        except (AccessLevelError, RequestRefused) as exc:
            if exc.status != 403:
                raise
            raise AccessLevelError(refusal, status=403) from exc

    def _rate_limit_error(self, response):
        headers = response.headers
        body = json_object(response) or {}
        now = utcnow()
        problem = f"{body.get('type', '')} {body.get('title', '')}".lower()
        if "usage-capped" in problem or "usagecap" in problem:
            return RateLimitError(
                Message("x_monthly_cap"),
                retry_at=_next_month(now),
                scope="monthly",
            )
        for prefix in ("x-user-limit-24hour", "x-app-limit-24hour"):
            if headers.get(f"{prefix}-remaining") == "0":
                retry_at = from_epoch(headers.get(f"{prefix}-reset"))
                return RateLimitError(
                    Message("x_daily_limit"),
                    retry_at=retry_at or now + timedelta(hours=24),
                    scope="daily",
                )
        retry_at = from_epoch(headers.get("x-rate-limit-reset"))
        if not retry_at or retry_at < now:
            retry_at = now + timedelta(minutes=15)
        return RateLimitError(
            Message("x_window_limit"),
            retry_at=retry_at,
            scope="window",
        )

    def _forbidden_error(self, response):
        body = json_object(response) or {}
        reason = str(body.get("reason", ""))
        detail = str(body.get("detail") or "") or "; ".join(
            str(e.get("message", "")) for e in body.get("errors", []) if isinstance(e, dict)
        )
        if reason == "client-not-enrolled" or "client-forbidden" in str(body.get("type", "")):
            # the level X names is its own words: for the log only
            level = str(body.get("required_enrollment") or "")
            return AccessLevelError(
                Message("x_plan_level"),
                status=403,
                code=self._problem(response),
                detail=f"needs {level}: {detail}" if level else detail,
            )
        return self._refusal(response, detail)

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------
    @staticmethod
    def _profile(user):
        metrics = user.get("public_metrics") or {}
        handle = user.get("username") or ""
        return Profile(
            user_id=str(user["id"]),
            handle=handle,
            display_name=user.get("name") or "",
            profile_url=f"{WEB}/{handle}" if handle else "",
            avatar_url=user.get("profile_image_url") or "",
            bio=user.get("description") or "",
            location=user.get("location") or "",
            followers=int(metrics.get("followers_count") or 0),
            verified=bool(user.get("verified")),
        )

    def _lookup_users(self, user_ids):
        """Profiles for ids the response did not expand (fallback lookup)."""
        profiles = {}
        ids = sorted(set(user_ids))
        for start in range(0, len(ids), 100):
            body = self._call(
                self.client.get_users, ids=ids[start : start + 100], user_fields=USER_FIELDS
            )
            for user in body.get("data") or []:
                profiles[str(user["id"])] = self._profile(user)
        return profiles

    def _posts(self, body):
        data = body.get("data") or []
        includes = body.get("includes") or {}
        if not isinstance(data, list) or not isinstance(includes, dict):
            raise MalformedResponse(
                Message("unexpected_structure", place="X", what=Message("thing_request"))
            )
        users = {str(u["id"]): self._profile(u) for u in includes.get("users") or []}
        media = {
            m.get("media_key"): m.get("url") or m.get("preview_image_url")
            for m in includes.get("media") or []
        }
        missing = {
            str(t["author_id"])
            for t in data
            if t.get("author_id") and str(t["author_id"]) not in users
        }
        if missing:
            users.update(self._lookup_users(missing))
        posts = []
        for tweet in data:
            if "id" not in tweet or "text" not in tweet:
                raise MalformedResponse(Message("x_post_without_id"))
            author = users.get(str(tweet.get("author_id") or ""))
            tweet_id = str(tweet["id"])
            parent = next(
                (
                    str(ref["id"])
                    for ref in tweet.get("referenced_tweets") or []
                    if ref.get("type") == "replied_to"
                ),
                "",
            )
            keys = (tweet.get("attachments") or {}).get("media_keys") or []
            posts.append(
                Post(
                    external_id=tweet_id,
                    text=tweet["text"],
                    posted_at=parse_time(tweet.get("created_at")),
                    url=(
                        f"{WEB}/{author.handle}/status/{tweet_id}"
                        if author and author.handle
                        else f"{WEB}/i/web/status/{tweet_id}"
                    ),
                    author=author,
                    conversation_key=str(tweet.get("conversation_id") or parent or tweet_id),
                    parent_external_id=parent,
                    media_urls=[media[k] for k in keys if media.get(k)],
                    lang=tweet.get("lang") or "",
                )
            )
        return posts

    # ------------------------------------------------------------------
    # Interface
    # ------------------------------------------------------------------
    def _own_user_id(self, user_id="", handle="", purpose="x_own_id_mentions"):
        """Our account's user id: as given, else by its handle, else from /users/me."""
        if user_id:
            return user_id
        handle = handle or self.credentials.get("handle")
        if handle:
            return self.get_profile(handle=handle).user_id
        if self._has_user_context():
            return self._me().user_id
        raise ConnectorError(Message(purpose))

    def fetch(self, stream, cursor):
        if stream.kind == "dm":
            return self._fetch_dms(stream, cursor)
        cursor = dict(cursor or {})
        since_id = cursor.get("since_id")
        next_token = cursor.get("next_token")
        params = {
            "max_results": min(max(int(stream.page_size or 100), 10), 100),
            "expansions": EXPANSIONS,
            "tweet_fields": TWEET_FIELDS,
            "user_fields": USER_FIELDS,
            "media_fields": MEDIA_FIELDS,
        }
        if since_id:
            params["since_id"] = since_id
        if stream.kind == "mention":
            if next_token:
                params["pagination_token"] = next_token
            body = self._call(
                self.client.get_users_mentions,
                self._own_user_id(stream.account_user_id, stream.account_handle),
                **params,
            )
        elif stream.kind in ("keyword", "hashtag"):
            query = (stream.query or "").strip()
            if not query:
                raise ConnectorError(Message("stream_no_query"))
            if stream.kind == "hashtag" and not query.startswith("#"):
                query = f"#{query}"
            if next_token:
                params["next_token"] = next_token
            body = self._call(self.client.search_recent_tweets, query, **params)
        else:
            raise ConnectorError(Message("stream_kind", place="X", kind=str(stream.kind)))
        posts = self._posts(body)
        meta = body.get("meta") or {}
        newest = meta.get("newest_id") or (posts[0].external_id if posts else None)
        new_cursor, has_more = run_cursor(cursor, newest, meta.get("next_token"), "next_token")
        return FetchResult(posts, new_cursor, has_more=has_more)

    def _fetch_dms(self, stream, cursor):
        """One page of ``GET /2/dm_events`` (newest first), back to the last
        event seen; our own events are skipped."""
        cursor = dict(cursor or {})
        own_id = self._own_user_id(
            stream.account_user_id, stream.account_handle, purpose="x_own_id_dms"
        )
        params = {
            "max_results": min(max(int(stream.page_size or 100), 1), 100),
            "event_types": "MessageCreate",
            "dm_event_fields": DM_EVENT_FIELDS,
            "expansions": DM_EXPANSIONS,
            "user_fields": USER_FIELDS,
            "media_fields": MEDIA_FIELDS,
        }
        if cursor.get("next_token"):
            params["pagination_token"] = cursor["next_token"]
        body = self._call_forbidden(
            Message("x_dm_read_refused"),
            self.client.get_direct_message_events,
            user_auth=True,
            **params,
        )
        events = body.get("data") or []
        includes = body.get("includes") or {}
        if not isinstance(events, list) or not isinstance(includes, dict):
            raise MalformedResponse(
                Message("unexpected_structure", place="X", what=Message("thing_the_dms"))
            )
        users = {str(u["id"]): self._profile(u) for u in includes.get("users") or []}
        media = {
            m.get("media_key"): m.get("url") or m.get("preview_image_url")
            for m in includes.get("media") or []
        }
        since = cursor.get("since_id")
        posts, newest, reached = [], None, False
        for event in events:
            if not isinstance(event, dict) or not event.get("id"):
                raise MalformedResponse(
                    Message("missing_id", place="X", what=Message("thing_dm_event"))
                )
            event_id = str(event["id"])
            if since and _id_order(event_id) <= _id_order(since):
                reached = True  # the newest event of the previous run: stop here
                break
            if newest is None or _id_order(event_id) > _id_order(newest):
                newest = event_id
            sender = str(event.get("sender_id") or "")
            if event.get("event_type", "MessageCreate") != "MessageCreate" or not sender:
                continue
            if sender == str(own_id):
                continue  # ours: stored when it was sent
            posts.append(self._dm_post(event, users.get(sender) or Profile(user_id=sender), media))
        missing = {p.author.user_id for p in posts if not p.author.handle}
        if missing:
            found = self._lookup_users(missing)
            for post in posts:
                post.author = found.get(post.author.user_id, post.author)
        next_page = None if reached or not events else (body.get("meta") or {}).get("next_token")
        new_cursor, has_more = run_cursor(cursor, newest, next_page, "next_token")
        return FetchResult(posts, new_cursor, has_more=has_more)

    @staticmethod
    def _dm_post(event, author, media):
        conversation = str(event.get("dm_conversation_id") or "")
        keys = (event.get("attachments") or {}).get("media_keys") or []
        return Post(
            external_id=f"{DM_PREFIX}{event['id']}",
            text=str(event.get("text") or ""),
            posted_at=parse_time(event.get("created_at")),
            url=f"{WEB}/messages/{conversation}" if conversation else "",
            author=author,
            conversation_key=private_key(author.user_id),
            media_urls=[media[k] for k in keys if media.get(k)],
        )

    def reply(self, text, in_reply_to, idempotency_key=None, images=()):
        """X deduplicates nothing: ``idempotency_key`` is not sent. A reply
        to a private conversation (``"dm:<user id>"``) is a direct message.
        ``images`` (:class:`~.media.Image`) are uploaded first, then named
        in the post."""
        if str(in_reply_to or "").startswith(DM_PREFIX):
            person = str(in_reply_to)[len(DM_PREFIX) :]
            return self.send_private(text, Profile(user_id=person), images=images)
        check_images(self.platform, images)
        return self._post_tweet(text, images, "thing_reply", in_reply_to_tweet_id=in_reply_to)

    def _create_tweet(self, text, images, **fields):
        """``POST /2/tweets`` as the account (user context), with ``images``
        uploaded first (:meth:`_upload`) and named in ``media.media_ids``."""
        if images:
            self._require_user_context()  # before any upload
        media_ids = [self._upload(image, "tweet_image") for image in images or ()]
        extra = {"media_ids": media_ids} if media_ids else {}
        return self._call(
            self.client.create_tweet, text=text or None, user_auth=True, **fields, **extra
        )

    def _upload(self, image, category):
        """``POST /2/media/upload`` of one image as the account; its media id."""
        if self._oauth2_user():
            auth, headers = None, {"Authorization": f"Bearer {self.credentials['bearer_token']}"}
        else:
            creds = self.credentials
            auth = tweepy.OAuth1UserHandler(
                creds["consumer_key"],
                creds["consumer_secret"],
                creds["access_token"],
                creds["access_token_secret"],
            ).apply_auth()
            headers = {}
        with network_errors("X"):
            response = self.session.request(
                "POST",
                MEDIA_UPLOAD_URL,
                data={"media_category": category, "media_type": image.mimetype},
                files={"media": (image.name or "image", image.data, image.mimetype)},
                headers=headers,
                auth=auth,
                timeout=getattr(self.session, "default_timeout", None) or DEFAULT_TIMEOUT,
            )
        status = response.status_code
        if status == 401:
            raise AuthenticationError(Message("x_unauthorized"), status=401)
        if status == 403:
            raise AccessLevelError(
                Message("x_media_refused"), status=403, code=self._problem(response)
            )
        if status == 429:
            raise self._rate_limit_error(response)
        if status >= 500:
            raise PlatformUnavailable(
                Message("server_error", place="X", status=status), status=status
            )
        if status >= 400:
            raise self._refusal(response, (json_object(response) or {}).get("detail") or "")
        body = json_object(response) or {}
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        media_id = str(data.get("id") or data.get("media_id_string") or "")
        if not media_id:
            raise MalformedResponse(Message("x_no_media_id"))
        if (data.get("processing_info") or {}).get("state") == "failed":
            raise RequestRefused(Message("x_media_failed", name=image.name))
        return media_id

    def publish(self, text, idempotency_key=None, images=()):
        """A post of our account (``POST /2/tweets``, user context), with up
        to 4 ``images`` uploaded first. X deduplicates nothing:
        ``idempotency_key`` is not sent; after a lost answer
        :meth:`find_published` reads our recent posts back."""
        self.check_publish(text, images)
        return self._post_tweet(text, images, "thing_published")

    def _post_tweet(self, text, images, thing, in_reply_to_tweet_id=None):
        """``POST /2/tweets`` (a reply when ``in_reply_to_tweet_id``), the
        stored post as a Post; an answer without an id is malformed."""
        reply = (
            {} if in_reply_to_tweet_id is None else {"in_reply_to_tweet_id": in_reply_to_tweet_id}
        )
        body = self._create_tweet(text, images, **reply)
        data = body.get("data") or {}
        if not data.get("id"):
            raise MalformedResponse(Message("accepted_no_id", place="X", what=Message(thing)))
        tweet_id = str(data["id"])
        return Post(
            external_id=tweet_id,
            text=data.get("text", text),
            posted_at=utcnow(),
            url=f"{WEB}/i/web/status/{tweet_id}",
            parent_external_id=str(in_reply_to_tweet_id or ""),
        )

    def find_published(self, idempotency_key, text, since=None):
        """Our post with the words ``text`` among our latest posts
        (``GET /2/users/:id/tweets``, from ``since``), or None: at most once,
        then reconciled by reading back."""
        own_id = self._own_user_id(self.credentials.get("user_id", ""))
        params = {"max_results": 20, "tweet_fields": ["created_at", "conversation_id"]}
        if since:
            params["start_time"] = since.replace(microsecond=0).isoformat() + "Z"
        body = self._call(self.client.get_users_tweets, own_id, user_auth=True, **params)
        for post in self._posts(body):
            if same_words(post.text, text):
                return post
        return None

    def send_private(self, text, recipient, in_reply_to="", idempotency_key=None, images=()):
        """A direct message to ``recipient.user_id``
        (``POST /2/dm_conversations/with/:participant_id/messages``), with the
        account's user-context keys, and at most one image (``attachments``).
        X cannot attach a DM to a post: ``in_reply_to`` is only kept as the
        parent."""
        user_id = recipient_id(recipient, "X")
        check_images(self.platform, images, private=True)
        if images:
            self._require_user_context()  # before any upload
        extra = {"media_id": self._upload(images[0], "dm_image")} if images else {}
        body = self._call_forbidden(
            Message("x_dm_send_refused"),
            self.client.create_direct_message,
            participant_id=user_id,
            text=text or None,
            user_auth=True,
            **extra,
        )
        data = body.get("data") or {}
        if not data.get("dm_event_id"):
            raise MalformedResponse(
                Message("accepted_no_id", place="X", what=Message("thing_direct_message"))
            )
        conversation = str(data.get("dm_conversation_id") or "")
        return Post(
            external_id=f"{DM_PREFIX}{data['dm_event_id']}",
            text=text,
            posted_at=utcnow(),
            url=f"{WEB}/messages/{conversation}" if conversation else "",
            conversation_key=private_key(user_id),
            parent_external_id=str(in_reply_to or ""),
        )

    def get_profile(self, user_id=None, handle=None):
        if user_id:
            body = self._call(self.client.get_user, id=user_id, user_fields=USER_FIELDS)
        elif handle:
            body = self._call(
                self.client.get_user, username=handle.lstrip("@"), user_fields=USER_FIELDS
            )
        else:
            raise ValueError("get_profile needs a user_id or a handle")
        if not isinstance(body.get("data"), dict):
            raise RequestRefused(Message("no_such_user", place="X"))
        return self._profile(body["data"])

    def _me(self):
        body = self._call(self.client.get_me, user_fields=USER_FIELDS, user_auth=True)
        if not isinstance(body.get("data"), dict):
            raise MalformedResponse(
                Message("answered_without", place="X", what=Message("thing_user"))
            )
        return self._profile(body["data"])

    def test_connection(self):
        """Check the keys and the plan: who are we, and may we read mentions?"""
        if self._has_user_context():
            profile = self._me()
        elif self.credentials.get("handle"):
            profile = self.get_profile(handle=self.credentials["handle"])
        else:
            raise AuthenticationError(Message("x_test_needs_handle"))
        if self.credentials.get("bearer_token"):
            # Reading is what the plan may forbid (403 on the free tier).
            self._call(self.client.get_users_mentions, profile.user_id, max_results=5)
        return profile

    def fetch_followers(self, cursor, account_user_id="", page_size=100):
        """One page of ``GET /2/users/:id/followers``; cursor ``{"next_token"}``."""
        user_id = self._own_user_id(account_user_id, purpose="x_own_id_followers")
        params = {
            "max_results": min(max(int(page_size or 100), 1), 1000),
            "user_fields": USER_FIELDS,
        }
        next_token = (cursor or {}).get("next_token")
        if next_token:
            params["pagination_token"] = next_token
        body = self._call_forbidden(
            Message("x_followers_refused"),
            self.client.get_users_followers,
            user_id,
            **params,
        )
        users = body.get("data") or []
        if not isinstance(users, list):
            raise MalformedResponse(
                Message("unexpected_structure", place="X", what=Message("thing_followers"))
            )
        next_token = (body.get("meta") or {}).get("next_token")
        return FollowersResult(
            [self._profile(user) for user in users],
            {"next_token": next_token},
            has_more=bool(next_token),
        )

    def fetch_metrics(self, external_ids):
        """``GET /2/tweets?ids=...&tweet.fields=public_metrics`` (tweepy's
        ``get_tweets``), at most 100 ids: retweets, quotes, likes and replies
        of each post. Deleted or protected posts come back in ``errors`` and
        are left out, as is a post sent without ``public_metrics``. Direct
        messages have no counts and are never asked for."""
        ids = [str(i) for i in external_ids if i and not str(i).startswith(DM_PREFIX)]
        ids = ids[: self.metrics_batch]
        if not ids:
            return {}
        body = self._call(self.client.get_tweets, ids=ids, tweet_fields=["public_metrics"])
        data = body.get("data") or []
        if not isinstance(data, list):
            raise MalformedResponse(
                Message("unexpected_structure", place="X", what=Message("thing_post_lookup"))
            )
        found = {}
        for tweet in data:
            metrics = tweet.get("public_metrics") if isinstance(tweet, dict) else None
            if not isinstance(metrics, dict) or not tweet.get("id"):
                continue
            found[str(tweet["id"])] = Metrics(
                reposts=count(metrics.get("retweet_count")),
                quotes=count(metrics.get("quote_count")),
                likes=count(metrics.get("like_count")),
                replies=count(metrics.get("reply_count")),
            )
        return found
