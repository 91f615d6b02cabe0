"""The private-message part of the connector interface: which platforms can
send a person a message privately, the refusal of those that cannot
(Bluesky's through its chat service, see test_bluesky_chat.py), and the demo's offline flow.
Each platform's own requests are tested in its connector's test file."""

from datetime import datetime

import pytest

from social_crm.connectors import (
    CONNECTORS,
    AuthenticationError,
    Connector,
    Profile,
    RequestRefused,
    get_connector,
)

PERSON = Profile(user_id="demo-yesican", handle="yesican")


def test_which_platforms_send_privately():
    assert {platform: cls.supports_private for platform, cls in CONNECTORS.items()} == {
        "demo": True,
        "x": True,
        "mastodon": True,
        "bluesky": True,
        "facebook": True,
        "instagram": True,
        # Flickr's API has no private messages: rights requests are comments
        "flickr": False,
        "google": False,
        "trustpilot": False,
    }
    assert Connector.supports_private is False


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_a_platform_sends_privately_exactly_when_it_says_so(platform):
    cls = CONNECTORS[platform]
    assert (cls.send_private is not Connector.send_private) == cls.supports_private


def test_bluesky_without_an_app_password_refuses_before_any_call(session):
    conn = get_connector("bluesky", {"handle": "a.bsky.social"}, session)
    with pytest.raises(AuthenticationError, match="app password"):
        conn.send_private("hi", Profile(user_id="did:plc:abc", handle="b.bsky.social"), "at://x")
    assert session.calls == []


def test_demo_sends_privately_without_network(session):
    now = datetime(2026, 11, 22, 12, 0)
    conn = get_connector("demo", session=session)
    conn._now = now
    first = conn.send_private("Je persoonlijke link: https://x.example/c/1", PERSON, "demo-1002")
    second = conn.send_private("Nog een keer", PERSON)
    assert first.external_id.startswith("demo-dm-")
    assert first.external_id != second.external_id
    assert first.text == "Je persoonlijke link: https://x.example/c/1"
    assert first.posted_at == now
    assert first.author is None
    assert first.conversation_key == second.conversation_key == "dm:demo-yesican"
    assert (first.parent_external_id, second.parent_external_id) == ("demo-1002", "")
    assert session.calls == []


def test_demo_refuses_an_empty_message_or_no_person():
    conn = get_connector("demo")
    with pytest.raises(RequestRefused, match="empty"):
        conn.send_private("  ", PERSON)
    with pytest.raises(RequestRefused, match="no demo person"):
        conn.send_private("hi", Profile(user_id=""))
