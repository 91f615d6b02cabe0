"""Trustpilot service reviews: list them and reply, through ``requests``.

Credentials: ``{"business_unit_id", "api_key"}`` to read (the public
Business Units API) and, to reply, ``"access_token"``: a business-user OAuth
token, which Trustpilot gives only with its paid API module.

Endpoints:

- ``GET  https://api.trustpilot.com/v1/business-units/{id}/reviews``
  (``apikey``, ``page``, ``perPage`` up to 100, ``orderBy=createdat.desc``;
  the next page is the ``links`` entry with ``rel`` ``next-page``);
- ``POST https://api.trustpilot.com/v1/private/reviews/{id}/reply`` with
  ``{"message": ...}`` and the business-user token: 201 and no body.

A 403 on the reply (no API module) raises
:class:`~.reviews_api.ApprovalNeeded`; reading goes on without it.
"""

from urllib.parse import parse_qs, quote, urlsplit

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
from .reviews_api import ApprovalNeeded, ExternalReview, ReviewPage, review_cursor

API = "https://api.trustpilot.com/v1"
PAGE_LIMIT = 100


def next_page(body):
    """The ``page`` number of the ``next-page`` link, or None."""
    for link in body.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "next-page" and link.get("href"):
            pages = parse_qs(urlsplit(str(link["href"])).query).get("page")
            if pages and pages[0].isdigit():
                return int(pages[0])
    return None


class TrustpilotConnector(JsonHttpConnector):
    platform = "trustpilot"
    label = "Trustpilot"
    max_length = 2048
    advice = {401: "advice_trustpilot_401", 403: "advice_trustpilot_403"}

    @property
    def business_unit(self):
        unit = str(self.credentials.get("business_unit_id") or "").strip()
        if not unit or not self.credentials.get("api_key"):
            raise AuthenticationError(Message("trustpilot_no_business_unit"))
        return unit

    @staticmethod
    def _code(response):
        body = json_object(response) or {}
        return str(body.get("errorCode") or body.get("error") or "")

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------
    def _review(self, item):
        if not isinstance(item, dict) or not item.get("id"):
            raise MalformedResponse(
                Message("missing_id", place=self.label, what=Message("thing_review"))
            )
        consumer = item.get("consumer") if isinstance(item.get("consumer"), dict) else {}
        author = None
        if consumer.get("id"):
            author = Profile(
                user_id=str(consumer["id"]),
                display_name=str(consumer.get("displayName") or ""),
                location=str(consumer.get("displayLocation") or ""),
                profile_url=f"https://www.trustpilot.com/users/{consumer['id']}",
            )
        reply = item.get("companyReply") if isinstance(item.get("companyReply"), dict) else {}
        stars = item.get("stars")
        return ExternalReview(
            external_id=str(item["id"]),
            source="trustpilot",
            title=str(item.get("title") or ""),
            text=str(item.get("text") or ""),
            rating=stars if isinstance(stars, int) and 1 <= stars <= 5 else None,
            author=author,
            created_at=parse_time(item.get("createdAt")),
            updated_at=parse_time(item.get("updatedAt")),
            url=f"https://www.trustpilot.com/reviews/{item['id']}",
            language=str(item.get("language") or ""),
            reply_text=str(reply.get("text") or ""),
            reply_at=parse_time(reply.get("updatedAt") or reply.get("createdAt")),
        )

    # ------------------------------------------------------------------
    # Interface
    # ------------------------------------------------------------------
    def fetch_reviews(self, cursor, page_size=PAGE_LIMIT):
        """One page of the business unit's reviews, newest first; cursor
        ``{"since", "pending", "page"}`` (:func:`review_cursor`)."""
        cursor = dict(cursor or {})
        unit = self.business_unit
        params = {
            "page": int(cursor.get("page") or 1),
            "perPage": page_limit(page_size, PAGE_LIMIT),
            "orderBy": "createdat.desc",
        }
        response = self._send(
            "GET",
            f"{API}/business-units/{quote(unit, safe='')}/reviews",
            params=params,
            headers={"apikey": self.credentials["api_key"]},
        )
        body = self._read(response)
        items = body.get("reviews")
        if not isinstance(items, list):
            raise MalformedResponse(
                Message("answered_without", place=self.label, what=Message("thing_reviews"))
            )
        reviews = [self._review(item) for item in items]
        new_cursor, has_more = review_cursor(cursor, reviews, next_page(body), "page")
        return ReviewPage(reviews, new_cursor, has_more)

    def reply_review(self, review_id, text):
        """Post our public reply under review ``review_id`` (a business-user
        token is needed); returns None (Trustpilot sends no body)."""
        text = (text or "").strip()
        if not text:
            raise RequestRefused(Message("empty_message"))
        token = self.credentials.get("access_token")
        if not token:
            raise ApprovalNeeded(Message("trustpilot_no_reply_token"))
        response = self._send(
            "POST",
            f"{API}/private/reviews/{quote(str(review_id), safe='')}/reply",
            json={"message": text},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code == 403:
            raise ApprovalNeeded(
                Message("trustpilot_needs_module", what=said(403, self._code(response))),
                status=403,
                code=self._code(response),
                detail=self._detail(response),
            )
        if response.status_code >= 400:
            raise self._error(response)
        return None

    def test_connection(self):
        """May we read the business unit's reviews?"""
        self.fetch_reviews(None, page_size=1)
        return Profile(user_id=self.business_unit, handle=self.business_unit)
