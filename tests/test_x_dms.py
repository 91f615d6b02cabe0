"""X direct messages in (``GET /2/dm_events``): the request shape of the
real recording (tweepy's cassette, bundled), event bodies from the
self-written ``fixtures/x/dm_events.json`` (X's documented fields)."""

from datetime import datetime

import pytest

from social_crm.connectors import (
    AccessLevelError,
    AuthenticationError,
    StreamSpec,
    get_connector,
)
from social_crm.connectors.testing import local_recording

USER = {
    "bearer_token": "AAAA-test-bearer",
    "consumer_key": "ck",
    "consumer_secret": "cs",
    "access_token": "at",
    "access_token_secret": "ats",
}
DMS = StreamSpec("dm", account_user_id="783214", page_size=50)


def x(session, creds=USER):
    return get_connector("x", creds, session)


def events(name):
    return local_recording("x", "dm_events.json")[name]


def test_the_recorded_request_shape_with_user_context(session, x_recording):
    """The real recording's GET /2/dm_events (no events) is the request we send."""
    recorded = x_recording("test_manage_and_lookup_direct_messages")[3]
    assert recorded["uri"] == "https://api.twitter.com/2/dm_events"
    session.add_recording(recorded)
    result = x(session).fetch(DMS, None)
    assert result.posts == [] and not result.has_more
    assert result.cursor == {"since_id": None, "pending_newest_id": None, "next_token": None}
    (call,) = session.calls
    assert call["method"] == "GET"
    assert call["url"].startswith(recorded["uri"] + "?")
    assert call["headers"]["Authorization"].startswith("OAuth ")
    params = call["params"]
    assert params["event_types"] == "MessageCreate"
    assert params["expansions"] == "sender_id,attachments.media_keys"
    assert set(params["dm_event.fields"].split(",")) >= {
        "id",
        "text",
        "sender_id",
        "dm_conversation_id",
        "created_at",
        "attachments",
    }
    assert params["max_results"] == "50"
    assert "since_id" not in params, "X knows no since_id for DMs"
    assert call["timeout"]


def test_events_become_private_posts_and_our_own_are_skipped(session):
    session.add_recording(events("page1"))
    result = x(session).fetch(DMS, None)
    (post,) = result.posts  # ours and the ParticipantsJoin are skipped
    assert post.external_id == "dm:1860000000000000006"
    assert post.conversation_key == "dm:9001"
    assert "95234" in post.text
    assert post.posted_at == datetime(2026, 11, 30, 10, 5)
    assert post.url == "https://x.com/messages/783214-9001"
    assert (post.author.user_id, post.author.handle) == ("9001", "wimdevries")
    assert post.author.display_name == "Wim de Vries"
    assert result.has_more
    assert result.cursor == {
        "since_id": None,
        "pending_newest_id": "1860000000000000006",
        "next_token": "18LAA5G1SL0PAGE2ZZZZ",
    }


def test_pages_back_to_the_last_event_seen(session):
    for name in ("page1", "page2", "page3"):
        session.add_recording(events(name))
    conn, cursor, posts = x(session), None, []
    for _round in range(3):
        result = conn.fetch(DMS, cursor)
        posts += result.posts
        cursor = result.cursor
        if not result.has_more:
            break
    assert [p.external_id for p in posts] == [
        "dm:1860000000000000006",
        "dm:1860000000000000003",
        "dm:1860000000000000002",
        "dm:1860000000000000001",
    ]
    assert posts[1].media_urls == ["https://pbs.twimg.com/media/box.jpg"]
    assert posts[1].conversation_key == "dm:9002"
    assert [c["params"].get("pagination_token") for c in session.calls] == [
        None,
        "18LAA5G1SL0PAGE2ZZZZ",
        "18LAA5G1SL0PAGE3ZZZZ",
    ]
    # the run is complete: the newest event seen is where the next run stops
    assert cursor == {
        "since_id": "1860000000000000006",
        "pending_newest_id": None,
        "next_token": None,
    }
    # the next run stops at that event, although X offers an older page
    session.add_recording(events("newer"))
    result = conn.fetch(DMS, cursor)
    assert [p.external_id for p in result.posts] == ["dm:1860000000000000008"]
    assert not result.has_more
    assert result.cursor["since_id"] == "1860000000000000008"
    assert "pagination_token" not in session.calls[-1]["params"]


@pytest.mark.parametrize("name", ["forbidden_plan", "forbidden_bare"])
def test_403_is_explained_as_the_plan_or_permission(session, name):
    session.add_recording(events(name))
    with pytest.raises(AccessLevelError) as info:
        x(session).fetch(DMS, None)
    message = str(info.value)
    assert "plan does not include direct messages" in message
    assert "Direct Message permission" in message
    assert info.value.status == 403 and not info.value.transient
    assert "developer App" not in message, "X's own words stay in the log"


def test_dms_need_user_context_before_any_call(session):
    with pytest.raises(AuthenticationError, match="user-context keys"):
        x(session, {"bearer_token": "b"}).fetch(DMS, None)
    assert session.calls == []


def test_a_reply_to_a_private_conversation_is_a_direct_message(session, x_recording):
    sent = x_recording("test_manage_and_lookup_direct_messages")[0]
    session.add_recording(sent)
    post = x(session).reply("Testing 1", in_reply_to="dm:750362064426721281")
    assert post.external_id == "dm:1585800613253812228"
    assert post.conversation_key == "dm:750362064426721281"
    (call,) = session.calls
    assert (call["method"], call["url"]) == ("POST", sent["uri"])
    assert call["body"].decode() == sent["request_body"]
