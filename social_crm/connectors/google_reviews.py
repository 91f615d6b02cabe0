"""Google Business Profile reviews: list them and reply, through ``requests``.

Credentials: ``{"location": "accounts/{a}/locations/{l}", "client_id",
"client_secret", "refresh_token"}`` (an OAuth client of a Google Cloud
project with scope ``https://www.googleapis.com/auth/business.manage``), or
an ``access_token`` alone (tests, short jobs).

Endpoints (Google My Business API v4, still the one for reviews):

- ``GET  https://mybusiness.googleapis.com/v4/{location}/reviews``
  (``pageSize`` up to 50, ``pageToken``, ``orderBy=updateTime desc``);
- ``PUT  https://mybusiness.googleapis.com/v4/{location}/reviews/{id}/reply``
  with ``{"comment": ...}``.

Before any of it works, Google has to approve the project's API access
request (the quota is 0 until then) and the profile has to be verified and
active for 60 days or more: such answers (a 403, or a 429 whose quota is 0)
raise :class:`~.reviews_api.ApprovalNeeded`. In "Testing" mode Google lets
refresh tokens expire after 7 days (``invalid_grant``).
"""

from urllib.parse import quote

from ._http import JsonHttpConnector, page_limit
from .base import (
    AuthenticationError,
    MalformedResponse,
    Profile,
    RequestRefused,
    json_object,
    parse_time,
    said,
)
from .messages import Message
from .reviews_api import GOOGLE_STARS, ApprovalNeeded, ExternalReview, ReviewPage, review_cursor

API = "https://mybusiness.googleapis.com/v4"
TOKEN_URL = "https://oauth2.googleapis.com/token"
PAGE_LIMIT = 50


def google_error(response):
    """``(status word, reason, quota limit)`` of a Google error body."""
    error = (json_object(response) or {}).get("error")
    if not isinstance(error, dict):
        return "", "", None
    reason, quota = "", None
    for detail in error.get("details") or []:
        if isinstance(detail, dict):
            reason = reason or str(detail.get("reason") or "")
            metadata = detail.get("metadata") if isinstance(detail.get("metadata"), dict) else {}
            quota = metadata.get("quota_limit_value", quota)
    return str(error.get("status") or ""), reason, quota


class GoogleReviewsConnector(JsonHttpConnector):
    platform = "google"
    label = "Google"
    max_length = 4096
    advice = {401: "advice_google_401", 403: ""}

    def __init__(self, credentials=None, session=None):
        super().__init__(credentials, session)
        #: a new access token got by refreshing: the model may store it
        self.new_access_token = ""

    @property
    def location(self):
        location = str(self.credentials.get("location") or "").strip().strip("/")
        if not location.startswith("accounts/") or "/locations/" not in location:
            raise RequestRefused(Message("review_no_location"))
        return location

    # ------------------------------------------------------------------
    # Calling the API
    # ------------------------------------------------------------------
    @staticmethod
    def _code(response):
        status, reason, _quota = google_error(response)
        return reason or status

    @staticmethod
    def _detail(response):
        error = (json_object(response) or {}).get("error")
        if isinstance(error, dict):
            return str(error.get("message") or "")
        return JsonHttpConnector._detail(response)

    def _error(self, response):
        status = response.status_code
        _word, reason, quota = google_error(response)
        if status == 403 or (status == 429 and str(quota) == "0"):
            return ApprovalNeeded(
                Message("google_needs_approval", what=said(status, reason)),
                status=status,
                code=reason,
                detail=self._detail(response),
            )
        return super()._error(response)

    def _refresh(self):
        """A new access token from the refresh token."""
        creds = self.credentials
        if not (creds.get("refresh_token") and creds.get("client_id")):
            raise AuthenticationError(Message("google_no_token"))
        response = self._send(
            "POST",
            TOKEN_URL,
            data={
                "grant_type": "refresh_token",
                "refresh_token": creds["refresh_token"],
                "client_id": creds["client_id"],
                "client_secret": creds.get("client_secret") or "",
            },
        )
        body = json_object(response) or {}
        if response.status_code == 400 and body.get("error") == "invalid_grant":
            raise AuthenticationError(
                Message("google_token_expired", what=said(400, "invalid_grant")),
                status=400,
                code="invalid_grant",
                detail=str(body.get("error_description") or ""),
            )
        token = self._read(response).get("access_token")
        if not token:
            raise MalformedResponse(Message("no_access_token", place=self.label))
        self.credentials["access_token"] = self.new_access_token = token
        return token

    def _call(self, method, path, **kwargs):
        token = self.credentials.get("access_token") or self._refresh()
        url = f"{API}/{path}"
        response = self._send(method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        if response.status_code == 401 and self.credentials.get("refresh_token"):
            token = self._refresh()
            response = self._send(
                method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs
            )
        return self._read(response)

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------
    def _review(self, item):
        if not isinstance(item, dict) or not (item.get("reviewId") or item.get("name")):
            raise MalformedResponse(
                Message("missing_id", place=self.label, what=Message("thing_review"))
            )
        review_id = str(item.get("reviewId") or item["name"].rsplit("/", 1)[-1])
        reviewer = item.get("reviewer") if isinstance(item.get("reviewer"), dict) else {}
        author = None
        name = str(reviewer.get("displayName") or "")
        if name and not reviewer.get("isAnonymous"):
            # Google gives no stable user id: the name and the photo stand for one
            author = Profile(
                user_id=f"name:{name}",
                display_name=name,
                avatar_url=str(reviewer.get("profilePhotoUrl") or ""),
            )
        reply = item.get("reviewReply") if isinstance(item.get("reviewReply"), dict) else {}
        return ExternalReview(
            external_id=review_id,
            source="google",
            text=str(item.get("comment") or ""),
            rating=GOOGLE_STARS.get(str(item.get("starRating") or "")),
            author=author,
            created_at=parse_time(item.get("createTime")),
            updated_at=parse_time(item.get("updateTime")),
            reply_text=str(reply.get("comment") or ""),
            reply_at=parse_time(reply.get("updateTime")),
        )

    # ------------------------------------------------------------------
    # Interface
    # ------------------------------------------------------------------
    def fetch_reviews(self, cursor, page_size=PAGE_LIMIT):
        """One page of the location's reviews, the most recently changed
        first (an edit brings a review to the front); cursor
        ``{"since", "pending", "page_token"}`` (:func:`review_cursor`)."""
        cursor = dict(cursor or {})
        params = {"pageSize": page_limit(page_size, PAGE_LIMIT), "orderBy": "updateTime desc"}
        if cursor.get("page_token"):
            params["pageToken"] = cursor["page_token"]
        body = self._call("GET", f"{self.location}/reviews", params=params)
        items = body.get("reviews", [])
        if not isinstance(items, list):
            raise MalformedResponse(
                Message("answered_without", place=self.label, what=Message("thing_reviews"))
            )
        reviews = [self._review(item) for item in items]
        new_cursor, has_more = review_cursor(
            cursor, reviews, body.get("nextPageToken"), "page_token"
        )
        return ReviewPage(reviews, new_cursor, has_more)

    def reply_review(self, review_id, text):
        """Put (create or replace) our public reply under review ``review_id``;
        returns the reply's time as Google stored it (or None)."""
        text = (text or "").strip()
        if not text:
            raise RequestRefused(Message("empty_message"))
        path = f"{self.location}/reviews/{quote(str(review_id), safe='')}/reply"
        body = self._call("PUT", path, json={"comment": text})
        return parse_time(body.get("updateTime"))

    def test_connection(self):
        """May we read the location's reviews? Returns a :class:`Profile` of
        the location."""
        self.fetch_reviews(None, page_size=1)
        return Profile(user_id=self.location, handle=self.location)
