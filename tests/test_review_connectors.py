"""Google Business Profile and Trustpilot reviews, replayed from fixtures
written from the platforms' documented responses (self-written: no real
recordings exist): list with pages, reply, and the answers of a project
Google has not approved yet or an account without Trustpilot's API module."""

import json
from datetime import datetime

import pytest
import requests
from test_connector_messages import check

from social_crm.connectors import (
    AuthenticationError,
    MalformedResponse,
    PlatformUnavailable,
    RateLimitError,
    RequestRefused,
    get_connector,
)
from social_crm.connectors.reviews_api import ApprovalNeeded, review_cursor
from social_crm.connectors.testing import local_recording

GOOGLE = local_recording("google", "reviews.json")
TRUST = local_recording("trustpilot", "reviews.json")
LOCATION = "accounts/111/locations/222"
G_LIST = r"^https://mybusiness\.googleapis\.com/v4/accounts/111/locations/222/reviews\?"
G_REPLY = r"/v4/accounts/111/locations/222/reviews/rev-anna/reply$"
T_LIST = r"^https://api\.trustpilot\.com/v1/business-units/5f1e2d/reviews\?"
T_REPLY = r"^https://api\.trustpilot\.com/v1/private/reviews/tp-1/reply$"


def google(session, **more):
    creds = {"location": LOCATION, "access_token": "ya29.token", **more}
    return get_connector("google", creds, session)


def trustpilot(session, **more):
    creds = {"business_unit_id": "5f1e2d", "api_key": "key", **more}
    return get_connector("trustpilot", creds, session)


# --------------------------------------------------------------------------
# Google
# --------------------------------------------------------------------------
def test_google_lists_reviews_page_by_page(session):
    session.add("GET", G_LIST, body=GOOGLE["page1"], params={"pageSize": "50"})
    session.add("GET", G_LIST, body=GOOGLE["page2"], params={"pageToken": "token-page-2"})
    connector = google(session)
    first = connector.fetch_reviews(None)
    anna, anon = first.reviews
    assert (anna.external_id, anna.rating, anna.source) == ("rev-anna", 4, "google")
    assert anna.text == "Snelle levering, vriendelijk personeel."
    assert anna.author.display_name == "Anna de Vries" and anna.author.user_id
    assert anna.created_at == datetime(2026, 11, 20, 10, 0)
    # an anonymous reviewer is nobody to match; no comment is an empty text
    assert anon.author is None and anon.text == "" and anon.rating == 1
    assert anon.reply_text == "Sorry to hear that; we called you."
    assert first.has_more and first.cursor["page_token"] == "token-page-2"
    assert first.cursor["since"] is None and first.cursor["pending"] == "2026-11-20T10:00:00"
    second = connector.fetch_reviews(first.cursor)
    assert [r.external_id for r in second.reviews] == ["rev-bram"]
    assert not second.has_more
    assert second.cursor == {"since": "2026-11-20T10:00:00", "pending": None, "page_token": None}
    assert session.calls[0]["params"]["orderBy"] == "updateTime desc"
    assert session.calls[0]["headers"]["Authorization"] == "Bearer ya29.token"
    assert all(call["timeout"] for call in session.calls)


def test_google_stops_paging_at_what_the_last_run_saw(session):
    """Sorted by update time, an edit comes first; the run stops once it
    reaches reviews it has seen, though Google offers more pages."""
    session.add("GET", G_LIST, body=GOOGLE["edited"])
    page = google(session).fetch_reviews({"since": "2026-11-20T10:00:00"})
    assert not page.has_more
    assert page.cursor["since"] == "2026-11-25T16:00:00"
    assert page.reviews[0].rating == 2 and "beschadigd" in page.reviews[0].text


def test_google_reply_puts_the_comment(session):
    session.add("PUT", G_REPLY, body=GOOGLE["reply"])
    at = google(session).reply_review("rev-anna", "  Dank je Anna, we sturen een nieuw pakket. ")
    assert at == datetime(2026, 11, 26, 9, 0)
    assert json.loads(session.calls[0]["body"]) == {
        "comment": "Dank je Anna, we sturen een nieuw pakket."
    }
    with pytest.raises(RequestRefused):
        google(session).reply_review("rev-anna", "  ")


def test_google_refreshes_the_access_token(session):
    session.add("POST", r"^https://oauth2\.googleapis\.com/token$", body=GOOGLE["token"])
    session.add("GET", G_LIST, body=GOOGLE["page2"])
    connector = google(session, access_token="", refresh_token="1//r", client_id="c")
    connector.fetch_reviews(None)
    assert connector.new_access_token == "ya29.refreshed"
    assert "grant_type=refresh_token" in session.calls[0]["body"]
    assert session.calls[1]["headers"]["Authorization"] == "Bearer ya29.refreshed"


def test_google_expired_refresh_token_says_testing_mode(session):
    session.add("POST", r"oauth2\.googleapis\.com/token", status=400, body=GOOGLE["token_expired"])
    connector = google(session, access_token="", refresh_token="1//r", client_id="c")
    with pytest.raises(AuthenticationError) as info:
        connector.fetch_reviews(None)
    assert "7 days" in str(info.value) and "Testing" in str(info.value)
    check(info.value)


@pytest.mark.parametrize(
    "name, status", [("error_403_not_approved", 403), ("error_429_quota_zero", 429)]
)
def test_google_not_approved_yet_needs_approval(session, name, status):
    session.add("GET", G_LIST, status=status, body=GOOGLE[name])
    with pytest.raises(ApprovalNeeded) as info:
        google(session).fetch_reviews({"since": "2026-11-01T00:00:00"})
    assert "approval" in str(info.value)
    assert "has not been used" not in str(info.value)  # Google's words: the log only
    assert info.value.detail and not info.value.transient
    check(info.value)


@pytest.mark.parametrize(
    "name, status, error",
    [
        ("error_401", 401, AuthenticationError),
        ("error_429", 429, RateLimitError),
        ("error_503", 503, PlatformUnavailable),
    ],
)
def test_google_errors(session, name, status, error):
    session.add("GET", G_LIST, status=status, body=GOOGLE[name])
    with pytest.raises(error) as info:
        google(session).fetch_reviews(None)
    check(info.value)


def test_google_malformed_and_network_trouble(session):
    session.add("GET", G_LIST, raw="<html>oops</html>")
    session.add("GET", G_LIST, body={"reviews": "nope"})
    session.add("GET", G_LIST, body={"reviews": [{"comment": "no id"}]})
    session.add("GET", G_LIST, exc=requests.ConnectTimeout("slow"))
    for error in (MalformedResponse, MalformedResponse, MalformedResponse, PlatformUnavailable):
        with pytest.raises(error) as info:
            google(session).fetch_reviews(None)
        check(info.value)
    with pytest.raises(RequestRefused) as info:
        get_connector("google", {"location": "222", "access_token": "t"}, session).fetch_reviews(
            None
        )
    check(info.value)


# --------------------------------------------------------------------------
# Trustpilot
# --------------------------------------------------------------------------
def test_trustpilot_lists_reviews_page_by_page(session):
    session.add("GET", T_LIST, body=TRUST["page1"], params={"page": "1"})
    session.add("GET", T_LIST, body=TRUST["page2"], params={"page": "2"})
    connector = trustpilot(session)
    first = connector.fetch_reviews(None)
    karin, tom = first.reviews
    assert (karin.external_id, karin.rating, karin.title) == ("tp-1", 2, "Te laat")
    assert (karin.author.user_id, karin.author.display_name) == ("cons-karin", "Karin Smit")
    assert karin.url == "https://www.trustpilot.com/reviews/tp-1" and karin.language == "nl"
    assert tom.reply_text == "Dank je wel!"
    assert first.has_more and first.cursor["page"] == 2
    second = connector.fetch_reviews(first.cursor)
    assert [r.external_id for r in second.reviews] == ["tp-3"] and not second.has_more
    assert second.cursor["since"] == "2026-11-22T14:00:00"
    assert session.calls[0]["headers"]["apikey"] == "key"
    assert session.calls[0]["params"]["orderBy"] == "createdat.desc"


def test_trustpilot_reply_posts_the_message(session):
    session.add("POST", T_REPLY, status=201, raw="")
    trustpilot(session, access_token="bu-token").reply_review("tp-1", "Sorry Karin!")
    call = session.calls[0]
    assert json.loads(call["body"]) == {"message": "Sorry Karin!"}
    assert call["headers"]["Authorization"] == "Bearer bu-token"


def test_trustpilot_reply_without_the_api_module_needs_approval(session):
    session.add("POST", T_REPLY, status=403, body=TRUST["error_403_no_module"])
    with pytest.raises(ApprovalNeeded) as info:
        trustpilot(session, access_token="bu-token").reply_review("tp-1", "Sorry")
    assert "paid API module" in str(info.value)
    check(info.value)
    # without a business-user token nothing is sent
    with pytest.raises(ApprovalNeeded) as info:
        trustpilot(session).reply_review("tp-1", "Sorry")
    check(info.value)
    assert len(session.calls) == 1


@pytest.mark.parametrize(
    "name, status, error",
    [
        ("error_401", 401, AuthenticationError),
        ("error_429", 429, RateLimitError),
        ("error_500", 500, PlatformUnavailable),
    ],
)
def test_trustpilot_errors(session, name, status, error):
    session.add("GET", T_LIST, status=status, body=TRUST[name])
    with pytest.raises(error) as info:
        trustpilot(session).fetch_reviews(None)
    check(info.value)


def test_trustpilot_malformed_and_missing_keys(session):
    session.add("GET", T_LIST, raw="not json")
    with pytest.raises(MalformedResponse) as info:
        trustpilot(session).fetch_reviews(None)
    check(info.value)
    with pytest.raises(AuthenticationError) as info:
        get_connector("trustpilot", {"business_unit_id": "5f1e2d"}, session).fetch_reviews(None)
    check(info.value)


def test_review_cursor_keeps_since_until_the_last_page():
    assert review_cursor({}, [], None, "page") == (
        {"since": None, "pending": None, "page": None},
        False,
    )
