"""Flickr connector: the REST API (``https://api.flickr.com/services/rest/``)
through ``requests``, in Flickr's default XML format.

Credentials: ``{"api_key", "api_secret"}`` of a Flickr app (The App Garden),
plus ``{"oauth_token", "oauth_token_secret"}`` of our Flickr member (OAuth
1.0a, permission "write") to post comments. Reading needs the key only.
Commercial use of the Flickr API needs Flickr's permission.

Streams: ``hashtag`` and ``tag`` search public photos by tag
(``flickr.photos.search`` with ``tags``), ``keyword`` by free text
(``text``). Flickr answers at most 4,000 results for any query, so a stream
never pages deep: each call is a window that starts at the upload time of
the newest photo seen (``min_upload_date``, sorted oldest first) and reads
its first page of up to 500 photos. The cursor is
``{"min_upload_date", "page"}``; ``page`` only moves past 1 when a whole
page shares one upload second. Photos at the window's edge come again and
are skipped by the idempotent ingest.

A photo becomes a :class:`FlickrPost`: its title, description and tags (as
``#tag``, so a campaign hashtag matches), its largest URL among ``url_l``,
``url_c``, ``url_z``, ``url_m``, ``url_o``, and its licence id, title and
owner's name, which the campaign needs to decide on the licence.

Replies are comments (``flickr.photos.comments.addComment``), signed with
OAuth 1.0a HMAC-SHA1 (``requests_oauthlib.OAuth1``). Flickr reports most
errors with HTTP 200 and ``<rsp stat="fail"><err code msg/></rsp>``: those
become :class:`~.base.ConnectorError` subclasses by code.
"""

import dataclasses
import xml.etree.ElementTree as ET  # noqa: N817, S405 (DOCTYPE refused below)
from datetime import timedelta
from urllib.parse import parse_qs, urlencode

from requests_oauthlib import OAuth1

from ._http import JsonHttpConnector, page_limit
from .base import (
    AccessLevelError,
    AuthenticationError,
    ConnectorError,
    CursorExpired,
    FetchResult,
    MalformedResponse,
    PlatformUnavailable,
    Post,
    Profile,
    RequestRefused,
    from_epoch,
    said,
    utcnow,
)
from .messages import Message

REST_PATH = "/services/rest/"
#: Flickr's largest page
PER_PAGE_MAX = 500
#: Flickr answers no more than this many results for one query
RESULT_CAP = 4000
#: how far back the first pull of a new stream looks
FIRST_LOOKBACK = timedelta(days=30)
EXTRAS = ",".join(
    ("owner_name", "realname", "path_alias", "url_m", "url_z", "url_c", "url_l", "url_o")
    + ("license", "date_upload", "date_taken", "tags", "description", "media")
)
#: the sizes we show, largest first
PHOTO_SIZES = ("url_l", "url_c", "url_z", "url_m", "url_o")
#: Flickr error codes (``<err code>``) by what they mean for us
AUTH_CODES = {"96", "97", "98", "100"}
ACCESS_CODES = {"99"}
UNAVAILABLE_CODES = {"0", "10", "105", "106", "201"}
#: "Excessive photo offset in search": the 4,000-results cap
OFFSET_CODE = "20"


@dataclasses.dataclass
class FlickrPost(Post):
    """A Flickr photo: a :class:`Post` plus what its licence decision needs."""

    licence_id: str = ""
    title: str = ""
    owner_name: str = ""
    media_type: str = "photo"


def _parse_xml(raw):
    """The root ``<rsp>`` of a Flickr answer; None when unreadable. A body
    with a DOCTYPE (entities) is refused before parsing."""
    if not raw or b"<!DOCTYPE" in raw[:2048].upper() or b"<!ENTITY" in raw.upper():
        return None
    try:
        root = ET.fromstring(raw)  # noqa: S314 (no DOCTYPE, so no entities)
    except ET.ParseError:
        return None
    return root if root.tag == "rsp" else None


def photo_page_url(owner, photo_id, path_alias=""):
    return f"https://www.flickr.com/photos/{path_alias or owner}/{photo_id}/"


class FlickrConnector(JsonHttpConnector):
    platform = "flickr"
    label = "Flickr"
    # Flickr's comment box takes long texts; none worth counting
    max_length = 0
    default_url = "https://api.flickr.com"
    advice = {401: "advice_flickr_401", 403: "advice_flickr_403"}

    # ------------------------------------------------------------------
    # Calling the API
    # ------------------------------------------------------------------
    def _oauth(self):
        creds = self.credentials
        missing = [
            name
            for name in ("api_key", "api_secret", "oauth_token", "oauth_token_secret")
            if not creds.get(name)
        ]
        if missing:
            raise AuthenticationError(Message("flickr_needs_oauth", names=", ".join(missing)))
        return OAuth1(
            creds["api_key"],
            client_secret=creds["api_secret"],
            resource_owner_key=creds["oauth_token"],
            resource_owner_secret=creds["oauth_token_secret"],
            signature_method="HMAC-SHA1",
            signature_type="AUTH_HEADER",
        )

    def _call(self, method, *, write=False, **params):
        """One call of Flickr ``method``; returns the ``<rsp>`` element.
        ``write`` calls are POSTed and signed with OAuth 1.0a."""
        api_key = self.credentials.get("api_key")
        if not api_key:
            raise AuthenticationError(Message("flickr_no_api_key"))
        query = {"method": method, **{k: str(v) for k, v in params.items() if v is not None}}
        url = self.base_url + REST_PATH
        if write:
            response = self._send("POST", url, data=query, auth=self._oauth())
        else:
            response = self._send("GET", url, params={**query, "api_key": api_key})
        return self._read(response)

    def _read(self, response, expect=None):
        """The ``<rsp stat="ok">`` of an answer; a :class:`ConnectorError`
        for an HTTP error, a ``stat="fail"`` or a body that is not Flickr's
        XML."""
        if response.status_code >= 400:
            raise self._error(response)
        root = _parse_xml(response.content)
        if root is None:
            raise MalformedResponse(
                Message(
                    "not_xml",
                    place=self.label,
                    status=response.status_code,
                    size=len(response.content or b""),
                ),
                status=response.status_code,
            )
        if root.get("stat") == "ok":
            return root
        err = root.find("err")
        code = err.get("code", "") if err is not None else ""
        raise self._fail(code, err.get("msg", "") if err is not None else "")

    def _fail(self, code, msg):
        """A ``stat="fail"`` answer (HTTP 200) as a ConnectorError; Flickr's
        ``msg`` goes to ``detail`` only."""
        facts = {"status": 200, "code": f"flickr-{code}" if code else "", "detail": msg}
        what = said("", code)  # " (code 98)": Flickr's error number
        if code in AUTH_CODES:
            return AuthenticationError(
                Message(
                    "credentials_rejected", place=self.label, what=what, advice=self._advice(401)
                ),
                **facts,
            )
        if code in ACCESS_CODES:
            return AccessLevelError(
                Message("not_allowed", place=self.label, what=what, advice=self._advice(403)),
                **facts,
            )
        if code in UNAVAILABLE_CODES:
            return PlatformUnavailable(
                Message("unavailable_now", place=self.label, what=what), **facts
            )
        return RequestRefused(Message("refused", place=self.label, what=what), **facts)

    def _detail(self, response):
        text = (response.content or b"")[:300].decode("utf-8", "replace")
        return " ".join(text.split())

    def _code(self, response):
        # a failed OAuth signature: "oauth_problem=signature_invalid&..."
        text = (response.content or b"")[:200].decode("utf-8", "replace")
        if text.startswith("oauth_problem="):
            return text.split("&", 1)[0].split("=", 1)[1]
        return ""

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------
    @staticmethod
    def _profile_from_photo(photo):
        owner = photo.get("owner") or ""
        alias = photo.get("pathalias") or photo.get("path_alias") or ""
        return Profile(
            user_id=owner,
            handle=alias or owner,
            display_name=photo.get("realname") or photo.get("ownername") or "",
            profile_url=f"https://www.flickr.com/people/{alias or owner}/",
        )

    def _photo(self, photo):
        photo_id = photo.get("id")
        owner = photo.get("owner")
        if not photo_id or not owner:
            raise MalformedResponse(Message("flickr_photo_without_id"))
        title = photo.get("title") or ""
        description = (photo.findtext("description") or "").strip()
        tags = (photo.get("tags") or "").split()
        text = "\n\n".join(part for part in (title, description) if part)
        if tags:
            text = f"{text}\n\n{' '.join('#' + tag for tag in tags)}".strip()
        alias = photo.get("pathalias") or photo.get("path_alias") or ""
        media = next((photo.get(size) for size in PHOTO_SIZES if photo.get(size)), None)
        return FlickrPost(
            external_id=str(photo_id),
            text=text,
            posted_at=from_epoch(photo.get("dateupload")),
            url=photo_page_url(owner, photo_id, alias),
            author=self._profile_from_photo(photo),
            media_urls=[media] if media else [],
            licence_id=str(photo.get("license") or ""),
            title=title,
            owner_name=photo.get("realname") or photo.get("ownername") or "",
            media_type=photo.get("media") or "photo",
        )

    # ------------------------------------------------------------------
    # Interface
    # ------------------------------------------------------------------
    def _search_params(self, stream):
        query = (stream.query or "").strip()
        if stream.kind in ("hashtag", "tag"):
            tag = query.lstrip("#").strip()
            if not tag:
                raise ConnectorError(Message("stream_no_tag"))
            return {"tags": tag}
        if stream.kind == "keyword":
            if not query:
                raise ConnectorError(Message("stream_no_keyword"))
            return {"text": query}
        raise ConnectorError(Message("stream_kind", place=self.label, kind=stream.kind))

    def fetch(self, stream, cursor):
        """One window of ``flickr.photos.search``: photos uploaded at or after
        ``cursor["min_upload_date"]`` (epoch seconds), oldest first."""
        cursor = dict(cursor or {})
        params = self._search_params(stream)
        per_page = page_limit(stream.page_size, PER_PAGE_MAX)
        since = int(cursor.get("min_upload_date") or (utcnow() - FIRST_LOOKBACK).timestamp())
        page = max(int(cursor.get("page") or 1), 1)
        if page * per_page > RESULT_CAP:
            # a clump larger than Flickr shows: skip past its second
            since, page = since + 1, 1
        try:
            root = self._call(
                "flickr.photos.search",
                **params,
                min_upload_date=since,
                sort="date-posted-asc",
                content_type=1,  # photos only
                media="photos",
                safe_search=1,
                extras=EXTRAS,
                per_page=per_page,
                page=page,
            )
        except RequestRefused as error:
            if error.code == f"flickr-{OFFSET_CODE}":
                raise CursorExpired(
                    Message("flickr_result_cap"),
                    cursor={"min_upload_date": since + 1, "page": 1},
                    code=error.code,
                    detail=error.detail,
                ) from error
            raise
        photos = root.find("photos")
        if photos is None:
            raise MalformedResponse(Message("flickr_search_without_photos"))
        entries = photos.findall("photo")
        posts = [self._photo(photo) for photo in entries]
        full = len(entries) >= per_page
        newest = max((int(p.get("dateupload") or 0) for p in entries), default=0)
        if not full:
            new_cursor = {"min_upload_date": max(newest, since), "page": 1}
        elif newest > since:
            # the next window starts at the newest upload second of this page
            new_cursor = {"min_upload_date": newest, "page": 1}
        else:
            # a whole page in one second: the next page of the same window
            new_cursor = {"min_upload_date": since, "page": page + 1}
        return FetchResult(posts, new_cursor, has_more=full)

    def get_photo(self, photo_id):
        """One photo (``flickr.photos.getInfo``), with its current licence."""
        root = self._call("flickr.photos.getInfo", photo_id=photo_id)
        photo = root.find("photo")
        owner = photo.find("owner") if photo is not None else None
        if photo is None or owner is None:
            raise MalformedResponse(
                Message("answered_without", place=self.label, what=Message("thing_the_photo"))
            )
        urls = [u.text for u in photo.findall("urls/url") if u.get("type") == "photopage"]
        return FlickrPost(
            external_id=photo.get("id"),
            text=photo.findtext("title") or "",
            posted_at=from_epoch(photo.get("dateuploaded")),
            url=(urls[0] if urls else "") or photo_page_url(owner.get("nsid"), photo.get("id")),
            author=Profile(
                user_id=owner.get("nsid") or "",
                handle=owner.get("path_alias") or owner.get("nsid") or "",
                display_name=owner.get("realname") or owner.get("username") or "",
            ),
            licence_id=str(photo.get("license") or ""),
            title=photo.findtext("title") or "",
            owner_name=owner.get("realname") or owner.get("username") or "",
        )

    def licences(self):
        """Flickr's licence list (``flickr.photos.licenses.getInfo``):
        ``{id: (name, url)}``."""
        root = self._call("flickr.photos.licenses.getInfo")
        return {
            lic.get("id"): (lic.get("name") or "", lic.get("url") or "")
            for lic in root.findall("licenses/license")
        }

    def get_profile(self, user_id=None, handle=None):
        """A Flickr member (``flickr.people.getInfo``); by handle, the user
        id comes from ``flickr.people.findByUsername`` first."""
        if not user_id:
            if not handle:
                raise ValueError("get_profile needs a user_id or a handle")
            root = self._call("flickr.people.findByUsername", username=handle.strip().lstrip("@"))
            user = root.find("user")
            user_id = user.get("nsid") or user.get("id") if user is not None else None
            if not user_id:
                raise MalformedResponse(
                    Message("answered_without", place=self.label, what=Message("thing_the_member"))
                )
        root = self._call("flickr.people.getInfo", user_id=user_id)
        person = root.find("person")
        if person is None or not person.get("nsid"):
            raise MalformedResponse(
                Message("answered_without", place=self.label, what=Message("thing_the_member"))
            )
        alias = person.get("path_alias") or ""
        return Profile(
            user_id=person.get("nsid"),
            handle=alias or person.findtext("username") or person.get("nsid"),
            display_name=person.findtext("realname") or person.findtext("username") or "",
            profile_url=person.findtext("profileurl") or "",
            avatar_url=(
                f"https://farm{person.get('iconfarm')}.staticflickr.com/"
                f"{person.get('iconserver')}/buddyicons/{person.get('nsid')}.jpg"
                if person.get("iconserver") not in (None, "", "0")
                else ""
            ),
            bio=(person.findtext("description") or "").strip(),
            location=(person.findtext("location") or "").strip(),
        )

    def _comment(self, comment, photo_id):
        return Post(
            external_id=comment.get("id") or "",
            text=(comment.text or "").strip(),
            posted_at=from_epoch(comment.get("datecreate")),
            url=comment.get("permalink") or "",
            author=Profile(
                user_id=comment.get("author") or "",
                handle=comment.get("path_alias") or comment.get("author") or "",
                display_name=comment.get("realname") or comment.get("authorname") or "",
            ),
            parent_external_id=str(photo_id),
            conversation_key=str(photo_id),
        )

    def comments(self, photo_id, min_comment_date=None):
        """The comments on a photo (``flickr.photos.comments.getList``) as
        posts in the photo's conversation: where an author answers a
        rights request."""
        root = self._call(
            "flickr.photos.comments.getList", photo_id=photo_id, min_comment_date=min_comment_date
        )
        block = root.find("comments")
        if block is None:
            raise MalformedResponse(
                Message("answered_without", place=self.label, what=Message("thing_the_comments"))
            )
        return [self._comment(c, photo_id) for c in block.findall("comment") if c.get("id")]

    def reply(self, text, in_reply_to, idempotency_key=None):
        """A comment on the photo ``in_reply_to`` (OAuth 1.0a, "write").
        Flickr does not deduplicate: a retry may comment twice, so the
        outbound log sends at most once."""
        root = self._call(
            "flickr.photos.comments.addComment",
            write=True,
            photo_id=str(in_reply_to),
            comment_text=text,
        )
        comment = root.find("comment")
        if comment is None or not comment.get("id"):
            raise MalformedResponse(Message("flickr_comment_without_id"))
        post = self._comment(comment, in_reply_to)
        post.text = post.text or text
        post.posted_at = post.posted_at or utcnow()
        return post

    def test_connection(self):
        """Who are we (``flickr.test.login``, signed) or, without a token,
        whether the key works (``flickr.people.getInfo`` of our handle)."""
        if self.credentials.get("oauth_token"):
            root = self._call("flickr.test.login", write=True)
            user = root.find("user")
            if user is None or not user.get("id"):
                raise MalformedResponse(
                    Message("answered_without", place=self.label, what=Message("thing_our_member"))
                )
            return self.get_profile(user_id=user.get("id"))
        handle = (self.credentials.get("handle") or "").strip()
        if not handle:
            raise AuthenticationError(Message("flickr_test_needs_handle"))
        return self.get_profile(handle=handle)


# --------------------------------------------------------------------------
# Connect: OAuth 1.0a three-legged flow (www.flickr.com/services/oauth/)
# --------------------------------------------------------------------------
OAUTH_BASE = "https://www.flickr.com/services/oauth"


@dataclasses.dataclass
class OAuth1Token:
    """A request token (step 1) or an access token (step 3) and, for the
    latter, the Flickr member it belongs to."""

    token: str
    secret: str
    user_nsid: str = ""
    username: str = ""


def _oauth_answer(connector, response, step):
    """The form-encoded answer of an OAuth step, or a ConnectorError."""
    if response.status_code >= 400:
        raise connector._error(response)
    values = {
        k: v[0] for k, v in parse_qs((response.content or b"").decode("utf-8", "replace")).items()
    }
    if not values.get("oauth_token") or not values.get("oauth_token_secret"):
        raise MalformedResponse(
            Message("flickr_no_token", what=Message(step)),
            status=response.status_code,
        )
    return values


def oauth_request_token(session, api_key, api_secret, callback):
    """Step 1: a request token for ``callback`` (our callback address,
    carrying our single-use ``state``)."""
    connector = FlickrConnector({"api_key": api_key}, session)
    auth = OAuth1(api_key, client_secret=api_secret, callback_uri=callback)
    response = connector._send("POST", f"{OAUTH_BASE}/request_token", auth=auth)
    values = _oauth_answer(connector, response, "thing_token_request")
    if values.get("oauth_callback_confirmed") != "true":
        raise MalformedResponse(Message("flickr_callback_not_confirmed"))
    return OAuth1Token(values["oauth_token"], values["oauth_token_secret"])


def oauth_authorize_url(request_token, perms="write"):
    """Step 2: where the member allows our app ("write": to comment)."""
    return f"{OAUTH_BASE}/authorize?{urlencode({'oauth_token': request_token, 'perms': perms})}"


def oauth_access_token(session, api_key, api_secret, request_token, request_secret, verifier):
    """Step 3: the member's access token for the request token and the
    ``oauth_verifier`` Flickr sent back to our callback."""
    connector = FlickrConnector({"api_key": api_key}, session)
    auth = OAuth1(
        api_key,
        client_secret=api_secret,
        resource_owner_key=request_token,
        resource_owner_secret=request_secret,
        verifier=verifier,
    )
    response = connector._send("POST", f"{OAUTH_BASE}/access_token", auth=auth)
    values = _oauth_answer(connector, response, "thing_token_exchange")
    return OAuth1Token(
        values["oauth_token"],
        values["oauth_token_secret"],
        user_nsid=values.get("user_nsid", ""),
        username=values.get("username", ""),
    )
