"""Issue 11, "Double replies": the platform's own deduplication gets the
caller's idempotency key (Mastodon's Idempotency-Key, Bluesky's record key)."""

import json
import re

from test_bluesky_connector import OUR_DID, THREAD_URI, logged_in, reply_calls, thread_post
from test_mastodon_connector import mastodon, reply_recordings

from social_crm.connectors import get_connector
from social_crm.connectors.bluesky import record_key
from social_crm.connectors.demo import DemoConnector

KEY = "5f1e" * 16 + ".1733212800000000"
TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")


def test_mastodon_sends_the_callers_idempotency_key(session):
    session.url_policy = False  # Mastodon.py recorded on http://localhost:3000
    session.add_recording(reply_recordings(session)[2])
    mastodon(session).reply("same!", in_reply_to="117020583245459824", idempotency_key=KEY)
    assert session.calls[1]["headers"]["Idempotency-Key"] == KEY


def test_bluesky_record_key_is_a_tid_fixed_by_the_key():
    assert TID.fullmatch(record_key(KEY))
    assert record_key(KEY) == record_key(KEY)
    assert record_key(KEY) != record_key(KEY.replace("5f1e", "5f1f", 1))
    # the time of the key: 2024-12-03, so the TID sorts among real ones
    assert record_key(KEY)[:7] == record_key("other" + KEY[-17:])[:7]
    assert TID.fullmatch(record_key("no time in it"))


def test_bluesky_reply_is_created_under_the_fixed_record_key(session):
    conn = reply_calls(session, thread_post())
    conn.reply("Dank je!", in_reply_to=THREAD_URI, idempotency_key=KEY)
    sent = json.loads(session.calls[2]["body"])
    assert sent["rkey"] == record_key(KEY)
    assert sent["repo"] == OUR_DID


def test_bluesky_finds_what_was_sent_under_the_key(session):
    conn = logged_in(session)
    session.add(
        "GET",
        r"com\.atproto\.repo\.getRecord\?",
        status=400,
        body={"error": "RecordNotFound", "message": "Could not locate record"},
    )
    assert conn.find_sent(KEY, THREAD_URI) is None
    uri = f"at://{OUR_DID}/app.bsky.feed.post/{record_key(KEY)}"
    session.add(
        "GET",
        r"com\.atproto\.repo\.getRecord\?",
        body={"uri": uri, "value": {"text": "Dank je!", "createdAt": "2024-12-03T08:00:00Z"}},
    )
    post = conn.find_sent(KEY, THREAD_URI)
    assert post.external_id == uri and post.text == "Dank je!"
    assert session.calls[-1]["params"]["rkey"] == record_key(KEY)


def test_demo_gives_the_same_post_for_the_same_key():
    demo = get_connector("demo")
    first = demo.reply("Dank je!", "demo-1002", idempotency_key=KEY)
    assert demo.reply("Dank je!", "demo-1002", idempotency_key=KEY).external_id == (
        first.external_id
    )
    assert demo.reply("Dank je!", "demo-1002").external_id != first.external_id
    assert DemoConnector.deduplicates
