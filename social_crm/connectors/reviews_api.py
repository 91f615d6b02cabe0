"""What the review platforms (Google Business Profile, Trustpilot, Facebook
recommendations) have in common, in plain Python.

A review of ours on another platform is an :class:`ExternalReview`: its
author may edit it later, so the model keeps the previous versions. Google
and Trustpilot give stars (1 to 5); a Facebook recommendation says only
positive or negative, and gets no invented rating.

:class:`ApprovalNeeded` says that the platform has not yet opened this API to
us (Google's access request, Trustpilot's paid API module): the account waits
in the state "needs approval" with the steps written out, and nothing else
stops.
"""

import dataclasses
from datetime import datetime

from .base import AccessLevelError, Profile

#: the sources of external reviews
SOURCES = ("google", "trustpilot", "facebook")
#: Google's starRating words as numbers
GOOGLE_STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}


class ApprovalNeeded(AccessLevelError):
    """The platform did not approve this use of its API yet (quota 0, the
    API disabled for the project, a paid module missing). Not transient: a
    person has to ask the platform; the sync cursor stays where it was."""


@dataclasses.dataclass
class ExternalReview:
    """One review on another platform, normalised.

    ``rating`` is 1..5 or None (Facebook); ``recommendation`` is
    ``"positive"``, ``"negative"`` or ``""``. ``reply_text`` is the
    company's public reply as the platform shows it now, if any.
    """

    external_id: str
    source: str
    text: str = ""
    title: str = ""
    rating: int | None = None
    recommendation: str = ""
    author: Profile | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    url: str = ""
    language: str = ""
    reply_text: str = ""
    reply_at: datetime | None = None


@dataclasses.dataclass
class ReviewPage:
    """One page of reviews and the cursor to store once they are saved."""

    reviews: list
    cursor: dict
    has_more: bool = False


def review_cursor(cursor, reviews, next_page, page_key):
    """The cursor after one page of reviews read newest first.

    ``cursor["since"]`` (ISO time) marks the newest review seen by the last
    complete run; a run stops paging once a page reaches reviews at or
    before it. While pages remain, the run's newest time waits under
    ``pending``, so a crash or a rate limit half-way skips no review.
    Returns ``(new_cursor, has_more)``.
    """
    cursor = dict(cursor or {})
    since = cursor.get("since") or ""
    stamps = [
        (r.updated_at or r.created_at).isoformat()
        for r in reviews
        if (r.updated_at or r.created_at)
    ]
    newest = max(stamps) if stamps else None
    pending = (cursor.get("pending") if cursor.get(page_key) else None) or newest
    reached_old = bool(since) and any(stamp <= since for stamp in stamps)
    if next_page and not reached_old:
        return {"since": since or None, "pending": pending, page_key: next_page}, True
    best = max(filter(None, [pending, since]), default=None)
    return {"since": best, "pending": None, page_key: None}, False
