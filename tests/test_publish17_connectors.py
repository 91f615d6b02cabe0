"""Issue 17, "Publish and schedule": each connector's ``publish`` (a post of
our own, not a reply), the limits checked before anything is sent, and
``find_published``, which finds a post again after a lost answer.

Real recordings where they exist (tweepy's create_tweet and
get_users_tweets cassettes, Mastodon.py's status_post); the Facebook feed
and Bluesky getRecord answers are self-written from the documentation
(social_crm/tests/fixtures/publish17/publish.json says so).
"""

import json
from datetime import datetime
from urllib.parse import parse_qs

import pytest

from social_crm.connectors import RequestRefused, get_connector
from social_crm.connectors.base import DEFAULT_TIMEOUT, same_words
from social_crm.connectors.bluesky import record_key
from social_crm.connectors.length import text_length
from social_crm.connectors.testing import local_recording, shared_recording

X_USER = {
    "bearer_token": "AAAA-test-bearer",
    "consumer_key": "ck",
    "consumer_secret": "cs",
    "access_token": "at",
    "access_token_secret": "ats",
    "user_id": "783214",
}
BSKY = {"handle": "warenhuishollandia.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
META = {"page_id": "1234567890321", "page_access_token": "EAAGm0PX4ZCpsBAPageTokenForTests"}
LOCAL = "http://localhost:3000"
KEY = "a" * 64 + ".1764759600000000"


def mine(name):
    return local_recording("publish17", "publish.json")[name]


def timed(session):
    assert session.calls and all(c["timeout"] == DEFAULT_TIMEOUT for c in session.calls)


@pytest.fixture
def session(session):
    session.default_timeout = None  # every request must carry the connector's own
    return session


# ----------------------------------------------------------------------
# X
# ----------------------------------------------------------------------
def test_x_publish_is_a_tweet_without_reply_fields(session):
    session.default_timeout = DEFAULT_TIMEOUT  # tweepy sets none: the session's applies
    create = shared_recording("x_tweepy", "decoded", "test_client_create_and_delete_tweet.json")
    session.add_recording(create[0])
    post = get_connector("x", X_USER, session).publish("Test Tweet", idempotency_key=KEY)
    assert post.external_id == "1456012973835788293"
    assert post.conversation_key == post.external_id and not post.parent_external_id
    (call,) = session.calls
    assert json.loads(call["body"]) == {"text": "Test Tweet"}  # the recorded body: no key
    assert call["headers"]["Authorization"].startswith("OAuth ")


def test_x_weighted_length_is_refused_before_any_call(session):
    link = "https://hollandia.example/" + "x" * 200  # counts 23
    text = "Kerst! " + link + " " + "é" * 200
    assert text_length(text, "x") == 7 + 23 + 1 + 200 <= 280
    too_long = "🎄" * 141  # an emoji weighs 2: 282
    with pytest.raises(RequestRefused, match="282 long for X, which takes at most 280"):
        get_connector("x", X_USER, session).publish(too_long)
    assert session.calls == []


def test_x_find_published_reads_our_recent_posts_back(session):
    session.default_timeout = DEFAULT_TIMEOUT
    tweets = shared_recording("x_tweepy", "decoded", "test_client_get_users_tweets.json")
    session.add_recording(tweets[0], times=2)
    connector = get_connector("x", X_USER, session)
    # X shows links as t.co: the words without links still match
    sent = (
        "whoa, it works\n\nnow everyone can mix GIFs, videos, and images in one Tweet, "
        "available on iOS and Android https://example.com/a https://example.com/b"
    )
    since = datetime(2026, 12, 3, 11, 0, 0, 123456)
    found = connector.find_published(KEY, sent, since=since)
    assert found.external_id == "1577730467436138524"
    assert session.calls[0]["params"]["start_time"] == "2026-12-03T11:00:00Z"
    assert connector.find_published(KEY, "Not one of ours", since=since) is None


# ----------------------------------------------------------------------
# Mastodon
# ----------------------------------------------------------------------
def test_mastodon_publish_sends_the_idempotency_key(session):
    session.url_policy = False  # recorded against a local Mastodon
    recorded = shared_recording("mastodon", "decoded", "test_status_post[None-public].json")
    session.add_recording(recorded[0], times=2)
    connector = get_connector("mastodon", {"instance_url": LOCAL, "access_token": "t"}, session)
    post = connector.publish("Toot!", idempotency_key=KEY)
    again = connector.publish("Toot!", idempotency_key=KEY)
    assert post.external_id == again.external_id == "117020585924712638"
    assert post.text == "Toot!" and not post.parent_external_id
    assert [c["body"] for c in session.calls] == [recorded[0]["request_body"]] * 2
    assert parse_qs(session.calls[0]["body"]) == {"status": ["Toot!"], "visibility": ["public"]}
    assert {c["headers"]["Idempotency-Key"] for c in session.calls} == {KEY}
    timed(session)


def test_mastodon_counts_links_as_23(session):
    connector = get_connector("mastodon", {"instance_url": LOCAL, "access_token": "t"}, session)
    with pytest.raises(RequestRefused, match="501 long for Mastodon"):
        connector.publish("x" * 478 + "https://hollandia.example/" + "k" * 100)
    assert session.calls == []


# ----------------------------------------------------------------------
# Bluesky
# ----------------------------------------------------------------------
def test_bluesky_publish_uses_a_fixed_record_key(session):
    session.add_recording(local_recording("bluesky", "session.json")["create_session"])
    session.add_recording(local_recording("bluesky", "session.json")["create_record"])
    post = get_connector("bluesky", BSKY, session).publish(
        "Kerst bij Hollandia: https://hollandia.example/kerst", idempotency_key=KEY
    )
    sent = json.loads(session.calls[1]["body"])
    assert sent["rkey"] == record_key(KEY) == record_key(KEY)  # the same key, the same record
    assert "reply" not in sent["record"] and sent["record"]["facets"]
    assert post.external_id.startswith("at://did:plc:hollandia2store7webcare4/")
    assert post.conversation_key == post.external_id
    timed(session)


def test_bluesky_300_graphemes(session):
    connector = get_connector("bluesky", BSKY, session)
    flags = "🇳🇱" * 300  # 600 code points, 300 graphemes: allowed
    connector.check_publish(flags)
    with pytest.raises(RequestRefused, match="301 long for Bluesky, which takes at most 300"):
        connector.publish(flags + "!")
    assert session.calls == []


def test_bluesky_find_published_by_record_key(session):
    session.add_recording(local_recording("bluesky", "session.json")["create_session"])
    session.add_recording(mine("bluesky_record_not_found"))
    session.add_recording(mine("bluesky_record"))
    connector = get_connector("bluesky", BSKY, session)
    assert connector.find_published(KEY, "Kerstactie!") is None
    found = connector.find_published(KEY, "Kerstactie!")
    assert found.external_id.endswith("/3lcreply2abc2")
    assert session.calls[1]["params"]["rkey"] == record_key(KEY)


# ----------------------------------------------------------------------
# Facebook Page and Instagram
# ----------------------------------------------------------------------
def test_facebook_publish_posts_to_the_page_feed(session):
    session.add_recording(mine("facebook_feed"))
    post = get_connector("facebook", META, session).publish("Kerstactie!", idempotency_key=KEY)
    assert post.external_id == "1234567890321_5550001112223"
    (call,) = session.calls
    assert call["url"].split("?")[0].endswith("/1234567890321/feed")
    assert parse_qs(call["body"]) == {"message": ["Kerstactie!"]}
    timed(session)


def test_facebook_find_published_compares_the_words(session):
    session.add_recording(mine("facebook_posts"))
    found = get_connector("facebook", META, session).find_published(
        KEY,
        "Kerstactie: deel je foto met #HollandiaKerst & win https://hollandia.example/kerst",
        since=datetime(2026, 12, 3, 10, 30),
    )
    assert found.external_id == "1234567890321_5550001112223"
    assert session.calls[0]["params"]["since"] == "1796293800"


def test_instagram_refuses_text_only_before_sending(session):
    connector = get_connector("instagram", {**META, "page_id": "173435464534"}, session)
    with pytest.raises(RequestRefused, match="JPEG at a public https address"):
        connector.publish("Kerstactie!")
    assert session.calls == []


def test_demo_publish_same_key_same_post():
    connector = get_connector("demo")
    first, again = connector.publish("Hallo", KEY), connector.publish("Hallo", KEY)
    assert first.external_id == again.external_id


def test_same_words():
    assert same_words("Tom &amp; Jerry  https://t.co/x", "Tom & Jerry https://a.example/long")
    assert not same_words("", "")
    assert not same_words("Tom", "Jerry")
