"""The X connector against real recorded X API v2 responses (tweepy's
cassettes, bundled) and self-written fixtures for what they lack."""

from datetime import datetime

import pytest
import requests

from social_crm.connectors import (
    AccessLevelError,
    AuthenticationError,
    MalformedResponse,
    PlatformUnavailable,
    Profile,
    RateLimitError,
    RequestRefused,
    StreamSpec,
    get_connector,
)
from social_crm.connectors.base import utcnow
from social_crm.connectors.testing import local_recording

READ = {"bearer_token": "AAAA-test-bearer"}
USER = dict(
    READ, consumer_key="ck", consumer_secret="cs", access_token="at", access_token_secret="ats"
)
MENTIONS = StreamSpec("mention", account_user_id="783214")
#: the participant of the recorded direct messages
PARTICIPANT = Profile(user_id="750362064426721281")


def x(session, creds=READ):
    return get_connector("x", creds, session)


def test_mentions_recording_first_page(session, x_recording):
    session.add_recording(x_recording("test_client_get_users_mentions")[0])
    result = x(session).fetch(MENTIONS, None)
    assert len(result.posts) == 10
    first = result.posts[0]
    assert first.external_id == "1578516295611748353"
    assert "respond to my ticket" in first.text
    assert first.url == "https://x.com/i/web/status/1578516295611748353"
    assert first.conversation_key == first.external_id
    # page 1 of a run: since_id stays, the newest id waits for the last page
    assert result.has_more
    assert result.cursor == {
        "since_id": None,
        "pending_newest_id": "1578516295611748353",
        "next_token": "7140dibdnow9c7btw423i3sy3u5zupmkcpofxcsmxj48j",
    }
    call = session.calls[0]
    assert call["headers"]["Authorization"] == "Bearer AAAA-test-bearer"
    assert call["params"]["expansions"] == "author_id,attachments.media_keys"
    assert call["timeout"]


def test_pagination_keeps_since_id_until_last_page(session, x_recording):
    rec = x_recording("test_client_get_users_mentions")[0]
    last_page = {
        "data": [{"id": "1578516100000000000", "text": "older"}],
        "meta": {"result_count": 1, "newest_id": "1578516100000000000"},
    }
    session.add_recording(rec)
    session.add(
        "GET",
        r"/2/users/783214/mentions",
        body=last_page,
        params={"pagination_token": rec["body"]["meta"]["next_token"]},
    )
    conn = x(session)
    cursor = {"since_id": "1578000000000000000"}
    page1 = conn.fetch(MENTIONS, cursor)
    assert page1.cursor["since_id"] == "1578000000000000000"
    page2 = conn.fetch(MENTIONS, page1.cursor)
    assert not page2.has_more
    # the run is complete: since_id jumps to the newest id of page 1
    assert page2.cursor == {
        "since_id": "1578516295611748353",
        "pending_newest_id": None,
        "next_token": None,
    }
    assert session.calls[1]["params"]["since_id"] == "1578000000000000000"


def test_recent_search_for_keyword_and_hashtag(session, x_recording):
    rec = x_recording("test_client_search_recent_tweets")[0]
    session.add_recording(rec, times=2)
    conn = x(session)
    result = conn.fetch(StreamSpec("keyword", query="Tweepy"), None)
    assert [p.text for p in result.posts][0] == "2022-10-07 22:42:12.637103 tweepy"
    assert session.calls[0]["params"]["query"] == "Tweepy"
    conn.fetch(StreamSpec("hashtag", query="tweepy"), None)
    assert session.calls[1]["params"]["query"] == "#tweepy"


def test_author_expansion_maps_identity_fields(session):
    fixture = local_recording("x", "mentions_expanded.json")
    session.add_recording(fixture["pages"][0])
    conn = x(session)
    result = conn.fetch(StreamSpec("mention", account_user_id="1000"), None)
    nl, en = result.posts
    assert nl.author.handle == "yesican"
    assert nl.author.display_name == "B. Oboema"
    assert nl.author.followers == 412
    assert nl.author.profile_url == "https://x.com/yesican"
    assert nl.url == "https://x.com/yesican/status/1900000000000000003"
    assert nl.posted_at == datetime(2026, 11, 20, 9, 15)
    assert nl.lang == "nl"
    assert en.author.verified
    assert en.parent_external_id == "1900000000000000001"
    assert en.conversation_key == "1900000000000000001"
    assert en.media_urls == ["https://pbs.example/media/77.jpg"]


def test_missing_expansion_falls_back_to_users_lookup(session, x_recording):
    fixture = local_recording("x", "mentions_expanded.json")
    session.add_recording(fixture["pages"][1])
    # the real users-lookup recording answers the fallback /2/users?ids=...
    lookup = x_recording("test_client_get_users")[0]
    lookup = dict(lookup, body={"data": [dict(lookup["body"]["data"][0], id="503")]})
    session.add(
        "GET",
        r"/2/users\?",
        params={"ids": "503"},
        body=lookup["body"],
        headers=lookup["rate_limit_headers"],
    )
    result = x(session).fetch(StreamSpec("mention", account_user_id="1000"), None)
    assert result.posts[0].author.handle == "Twitter"
    assert result.cursor["since_id"] == "1900000000000000001"


def test_mentions_need_user_id_looked_up_by_handle(session, x_recording):
    session.add_recording(
        x_recording("test_client_get_user")[0], url_pattern=r"/2/users/by/username/Twitter"
    )
    session.add_recording(x_recording("test_client_get_users_mentions")[0])
    result = x(session).fetch(StreamSpec("mention", account_handle="@Twitter"), None)
    assert len(result.posts) == 10


def test_reply_uses_user_context_and_in_reply_to(session, x_recording):
    create = x_recording("test_client_create_and_delete_tweet")[0]
    session.add_recording(create)
    post = x(session, USER).reply("Test Tweet", in_reply_to="1578516295611748353")
    assert post.external_id == "1456012973835788293"
    assert post.parent_external_id == "1578516295611748353"
    call = session.calls[0]
    assert call["headers"]["Authorization"].startswith("OAuth ")
    assert b'"in_reply_to_tweet_id": "1578516295611748353"' in call["body"]


def test_reply_without_user_keys_is_refused_before_any_call(session):
    with pytest.raises(AuthenticationError, match="user-context keys"):
        x(session, READ).reply("hi", in_reply_to="1")
    assert session.calls == []


def test_test_connection_reads_me_and_probes_mentions(session, x_recording):
    session.add_recording(x_recording("test_client_get_me")[0])
    session.add_recording(
        x_recording("test_client_get_users_mentions")[0],
        url_pattern=r"/2/users/1072250532645998596/mentions",
    )
    profile = x(session, USER).test_connection()
    assert (profile.user_id, profile.handle) == ("1072250532645998596", "TweepyDev")


def test_rate_limit_window_gives_reset_time(session):
    session.add_recording(local_recording("x", "errors.json")["rate_limit_window"])
    with pytest.raises(RateLimitError) as info:
        x(session).fetch(MENTIONS, {"since_id": "5"})
    assert info.value.scope == "window"
    assert info.value.retry_at == datetime(2030, 1, 1, 0, 0)
    assert "15-minute" in str(info.value)


def test_rate_limit_monthly_cap_is_told_apart(session):
    session.add_recording(local_recording("x", "errors.json")["rate_limit_monthly"])
    with pytest.raises(RateLimitError) as info:
        x(session).fetch(MENTIONS, None)
    assert info.value.scope == "monthly"
    assert info.value.retry_at.day == 1
    assert "monthly usage cap" in str(info.value)


def test_rate_limit_daily_cap(session):
    session.add_recording(local_recording("x", "errors.json")["rate_limit_daily"])
    with pytest.raises(RateLimitError) as info:
        x(session, USER).reply("hello", "1")
    assert info.value.scope == "daily"
    assert info.value.retry_at == datetime.utcfromtimestamp(1893500000)


def test_forbidden_tier_in_plain_words(session):
    session.add_recording(local_recording("x", "errors.json")["forbidden_tier"])
    with pytest.raises(AccessLevelError, match="plan does not allow this"):
        x(session).fetch(MENTIONS, None)


def test_unauthorized(session):
    session.add_recording(local_recording("x", "errors.json")["unauthorized"])
    with pytest.raises(AuthenticationError, match="401"):
        x(session).fetch(MENTIONS, None)


def test_server_error_is_transient(session):
    session.add_recording(local_recording("x", "errors.json")["server_error"])
    with pytest.raises(PlatformUnavailable) as info:
        x(session).fetch(MENTIONS, None)
    assert info.value.transient and info.value.status == 503


def test_timeout_is_transient(session):
    session.add("GET", r"/mentions", exc=requests.ReadTimeout("read timed out"))
    with pytest.raises(PlatformUnavailable, match="did not answer in time"):
        x(session).fetch(MENTIONS, None)


def test_malformed_json(session):
    session.add_recording(local_recording("x", "errors.json")["malformed"])
    with pytest.raises(MalformedResponse, match="not a JSON object"):
        x(session).fetch(MENTIONS, None)


def test_malformed_structure(session):
    session.add("GET", r"/mentions", body={"data": {"id": "1"}})
    with pytest.raises(MalformedResponse):
        x(session).fetch(MENTIONS, None)


def test_duplicate_reply_refused(session):
    session.add_recording(local_recording("x", "errors.json")["reply_refused"])
    with pytest.raises(RequestRefused, match="403 Forbidden") as info:
        x(session, USER).reply("again", "1")
    assert "duplicate content" in info.value.detail
    assert "duplicate content" not in str(info.value)


def test_no_bearer_token(session):
    with pytest.raises(AuthenticationError, match="bearer token"):
        x(session, {}).fetch(MENTIONS, None)


# ----------------------------------------------------------------------
# Private messages (direct messages)
# ----------------------------------------------------------------------
def test_private_message_is_a_direct_message_with_user_context(session, x_recording):
    sent = x_recording("test_manage_and_lookup_direct_messages")[0]
    session.add_recording(sent)
    before = utcnow()
    post = x(session, USER).send_private(
        "Testing 1", PARTICIPANT, in_reply_to="1578516295611748353"
    )
    assert post.external_id == "dm:1585800613253812228"
    assert post.text == "Testing 1"
    assert post.conversation_key == "dm:750362064426721281"
    assert post.parent_external_id == "1578516295611748353"
    assert post.author is None
    assert post.url == "https://x.com/messages/750362064426721281-1072250532645998596"
    assert before <= post.posted_at <= utcnow()
    (call,) = session.calls
    assert (call["method"], call["url"]) == ("POST", sent["uri"])
    assert call["headers"]["Authorization"].startswith("OAuth ")
    # the very body tweepy sent in the recording
    assert call["body"].decode() == sent["request_body"]


def test_private_message_without_context_has_no_parent(session, x_recording):
    session.add_recording(x_recording("test_manage_and_lookup_direct_messages")[0])
    post = x(session, USER).send_private("Testing 1", PARTICIPANT)
    assert post.parent_external_id == ""
    assert post.conversation_key == "dm:750362064426721281"


def test_private_message_needs_user_keys_and_a_recipient(session):
    with pytest.raises(AuthenticationError, match="user-context keys"):
        x(session, READ).send_private("hi", PARTICIPANT)
    with pytest.raises(RequestRefused, match="no X person"):
        x(session, USER).send_private("hi", Profile(user_id="", handle="someone"))
    assert session.calls == []


@pytest.mark.parametrize(
    "fixture, name",
    [
        # the bare 403 of an app without the Direct Message permission
        ("private.json", "dm_forbidden"),
        # the plan's 403 (client-not-enrolled), here on the DM endpoint
        ("errors.json", "forbidden_tier"),
    ],
)
def test_private_message_refused_by_permission_or_plan(session, fixture, name):
    refusal = local_recording("x", fixture)[name]
    session.add("POST", r"/2/dm_conversations/with/", status=403, body=refusal["body"])
    with pytest.raises(AccessLevelError) as info:
        x(session, USER).send_private("hi", PARTICIPANT)
    message = str(info.value)
    assert "Direct Message permission" in message and "plan does not allow" in message
    assert info.value.status == 403 and not info.value.transient


def test_private_message_rate_limited(session):
    session.add_recording(local_recording("x", "private.json")["dm_rate_limited"])
    with pytest.raises(RateLimitError) as info:
        x(session, USER).send_private("hi", PARTICIPANT)
    assert info.value.scope == "window"
    assert info.value.retry_at == datetime(2030, 1, 1, 0, 0)


def test_private_message_answer_without_id_is_malformed(session):
    session.add("POST", r"/2/dm_conversations/with/", status=201, body={"data": {}})
    with pytest.raises(MalformedResponse, match="no id"):
        x(session, USER).send_private("hi", PARTICIPANT)
