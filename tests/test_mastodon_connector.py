"""The Mastodon connector against real recorded Mastodon responses
(Mastodon.py's cassettes, bundled: a dev instance on localhost:3000 and
mastodon.social) and self-written fixtures for what they lack (followers,
429, 503, malformed bodies)."""

import re
from datetime import datetime
from urllib.parse import parse_qs

import pytest
import requests

from social_crm.connectors import (
    AccessLevelError,
    AuthenticationError,
    ConnectorError,
    MalformedResponse,
    PlatformUnavailable,
    Profile,
    RateLimitError,
    RequestRefused,
    StreamSpec,
    get_connector,
)
from social_crm.connectors._http import html_to_text
from social_crm.connectors.base import DEFAULT_TIMEOUT, utcnow
from social_crm.connectors.testing import local_recording, shared_recording

LOCAL = "http://localhost:3000"
SOCIAL = "https://mastodon.social"
MENTIONS = StreamSpec("mention")
TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


@pytest.fixture
def session(session):
    # no default timeout: every request must carry the connector's own
    session.default_timeout = None
    # recorded against a local Mastodon (http://localhost:3000), which the
    # URL policy refuses; that policy is tested in test_http_safety.py
    session.url_policy = False
    return session


def recording(name):
    return shared_recording("mastodon", "decoded", f"{name}.json")


def entity(name):
    return recording(f"entity_tests_mastodon_social/{name}")


def mastodon(session, instance=LOCAL, token="test-token"):
    return get_connector("mastodon", {"instance_url": instance, "access_token": token}, session)


def assert_all_calls_timed(session):
    assert session.calls and all(c["timeout"] == DEFAULT_TIMEOUT for c in session.calls)


# ----------------------------------------------------------------------
# Profiles
# ----------------------------------------------------------------------
def test_test_connection_reads_verify_credentials(session):
    session.add_recording(entity("test_entity_account")[1])
    session.add_recording(entity("test_entity_notification")[0])
    profile = mastodon(session, SOCIAL).test_connection()
    assert (profile.user_id, profile.handle) == ("43", "halcy@mastodon.social")
    assert profile.display_name == "autumnal halcy"
    assert profile.profile_url == "https://mastodon.social/@halcy"
    assert profile.followers == 126
    # the note's HTML becomes text; the hidden part of the short link is kept
    assert profile.bio == (
        "https://halcy.de/ ~ Local account.\n\n"
        "Now also and possibly primarily @halcy . You should really follow me "
        "there. This account only exists for testing now."
    )
    call = session.calls[0]
    assert call["headers"]["Authorization"] == "Bearer test-token"
    # and the token may read mentions
    assert session.calls[1]["params"] == {"types[]": "mention", "limit": "1"}
    assert_all_calls_timed(session)


def test_test_connection_tells_a_token_without_read_scope(session):
    session.add_recording(entity("test_entity_account")[1])
    session.add_recording(local_recording("mastodon", "errors.json")["forbidden"])
    with pytest.raises(AccessLevelError, match="scopes read and write"):
        mastodon(session, SOCIAL).test_connection()


def test_get_profile_by_id_of_a_remote_account(session):
    session.add_recording(entity("test_entity_account")[0])
    profile = mastodon(session, SOCIAL).get_profile(user_id="23972")
    assert profile.handle == "halcy@icosahedron.website"
    assert profile.display_name == "halcy\u200b :icosahedron:"
    assert profile.avatar_url.endswith("/9c900052b7f670db.jpg")
    assert profile.followers == 3553
    assert profile.bio.split("\n\n") == [
        "i am exactly like all the other guys.",
        "ideal for comfortable gameplay in relaxed locations.",
        "i work at, but do not speak for, microsoft.",
    ]


def test_get_profile_by_handle_uses_lookup(session):
    session.add_recording(recording("test_account_lookup")[2])
    profile = mastodon(session).get_profile(handle="@mastodonpy_test")
    assert session.calls[0]["params"] == {"acct": "mastodonpy_test"}
    assert profile.user_id == "117020565966271181"
    assert profile.handle == "mastodonpy_test@localhost:3000"
    assert (profile.display_name, profile.bio) == ("John Lennon", "I walk funny")


def test_lookup_of_unknown_handle_is_refused(session):
    session.add_recording(recording("test_account_lookup")[1])
    with pytest.raises(RequestRefused, match="404 Not Found") as info:
        mastodon(session).get_profile(handle="kljadklajsdkljlkjlkjlkjasdasd")
    assert "Record not found" in info.value.detail
    assert "Record not found" not in str(info.value)
    assert info.value.status == 404


# ----------------------------------------------------------------------
# Streams
# ----------------------------------------------------------------------
def test_mentions_from_dev_instance(session):
    session.add_recording(recording("test_notifications_mentions_only")[1])
    # the Link header always names an older page; it turns out empty
    session.add("GET", r"/api/v1/notifications\?", body=[], params={"max_id": "21"})
    conn = mastodon(session)
    page1 = conn.fetch(MENTIONS, None)
    (post,) = page1.posts
    assert post.external_id == "117020577157693549"
    assert post.text == "@mastodonpy_test hello!"
    assert post.posted_at == datetime(2026, 8, 1, 13, 51, 42, 823000)
    assert post.url == "http://localhost:3000/@admin/117020577157693549"
    assert post.author.handle == "admin@localhost:3000"
    assert post.lang == "en"
    assert post.conversation_key == post.external_id and post.parent_external_id == ""
    assert page1.has_more
    assert page1.cursor == {"since_id": None, "pending_newest_id": "21", "max_id": "21"}
    assert session.calls[0]["params"]["types[]"] == "mention"
    page2 = conn.fetch(MENTIONS, page1.cursor)
    assert page2.posts == [] and not page2.has_more
    assert page2.cursor == {"since_id": "21", "pending_newest_id": None, "max_id": None}
    assert_all_calls_timed(session)


def test_mentions_from_mastodon_social_skip_deleted_posts(session):
    """40 real mention notifications; 39 of them point at deleted posts."""
    session.add_recording(entity("test_entity_notification")[0])
    result = mastodon(session, SOCIAL).fetch(StreamSpec("mention", page_size=40), {})
    (post,) = result.posts
    assert post.external_id == "116275331587890092"
    assert post.author.handle == "latencyobs@icosahedron.website"
    assert post.text.startswith("@halcy@mastodon.social @halcy@glitch.social @halcy@hachyderm.io _")
    assert not TAG.search(post.text)
    # Link header: next page below 541461666; the run's newest waits
    assert result.has_more
    assert result.cursor == {
        "since_id": None,
        "pending_newest_id": "550622655",
        "max_id": "541461666",
    }
    assert session.calls[0]["params"]["limit"] == "40"


def test_next_run_asks_only_for_newer_mentions(session):
    session.add_recording(entity("test_entity_notification")[0])
    mastodon(session, SOCIAL).fetch(MENTIONS, {"since_id": "541000000"})
    assert session.calls[0]["params"]["since_id"] == "541000000"


def test_hashtag_timeline(session):
    session.add_recording(recording("test_hashtag_tl")[2])
    session.add(
        "GET", r"/api/v1/timelines/tag/hoot\?", body=[], params={"max_id": "117020593741189701"}
    )
    conn = mastodon(session)
    result = conn.fetch(StreamSpec("hashtag", query="#hoot"), None)
    (post,) = result.posts
    assert post.text == "#hoot (hashtag toot)"
    assert post.author.handle == "mastodonpy_test_2@localhost:3000"
    assert result.cursor["pending_newest_id"] == "117020593741189701"
    assert not conn.fetch(StreamSpec("hashtag", query="#hoot"), result.cursor).has_more


def test_link_pages_keep_since_id_until_the_last_page(session):
    """The real Link-header pages of test_fetch_next_previous (statuses of an
    account, five a page), served as pages of a tag timeline."""
    rec = recording("test_fetch_next_previous")
    first, second = rec[11], rec[12]
    route = r"/api/v1/timelines/tag/toot\?"
    session.add("GET", route, body=first["body"], headers=first["rate_limit_headers"])
    session.add(
        "GET",
        route,
        body=second["body"],
        headers=second["rate_limit_headers"],
        params={"max_id": "117020580489281910"},
    )
    session.add("GET", route, body=[], params={"max_id": "117020580452511285"})
    conn = mastodon(session)
    spec = StreamSpec("hashtag", query="toot", page_size=5)
    cursor = {"since_id": "117020500000000000"}
    seen = []
    while True:
        result = conn.fetch(spec, cursor)
        seen += [p.external_id for p in result.posts]
        cursor = result.cursor
        if not result.has_more:
            break
        assert cursor["since_id"] == "117020500000000000"
    assert len(seen) == 10 and seen[0] == "117020580518794573"
    assert cursor == {"since_id": "117020580518794573", "pending_newest_id": None, "max_id": None}
    assert {c["params"]["since_id"] for c in session.calls} == {"117020500000000000"}
    assert [c["params"].get("max_id") for c in session.calls] == [
        None,
        "117020580489281910",
        "117020580452511285",
    ]


def test_keyword_search_for_statuses(session):
    session.add_recording(recording("test_search")[2])
    result = mastodon(session).fetch(StreamSpec("keyword", query="mastodonpy_test"), None)
    assert result.posts == [] and not result.has_more
    params = session.calls[0]["params"]
    assert (params["q"], params["type"]) == ("mastodonpy_test", "statuses")


def test_keyword_search_results_from_mastodon_social(session):
    session.add_recording(entity("test_entity_searchv2")[2])
    cursor = {"since_id": "116000000000000000"}
    result = mastodon(session, SOCIAL).fetch(StreamSpec("keyword", query="halcy"), cursor)
    first, second = result.posts
    assert first.author.handle == "greg@icosahedron.website"
    assert first.parent_external_id == "116387888508422624"
    assert first.conversation_key == "116387888508422624"
    assert second.text == "@halcy me when im riding my horse in stop and go traffic"
    assert session.calls[0]["params"]["min_id"] == "116000000000000000"
    assert not result.has_more
    assert result.cursor["since_id"] == "116388149027005349"


def test_no_post_text_is_html(session):
    session.add_recording(entity("test_entity_notification")[0])
    session.add_recording(entity("test_entity_searchv2")[2])
    conn = mastodon(session, SOCIAL)
    posts = (
        conn.fetch(MENTIONS, None).posts + conn.fetch(StreamSpec("keyword", query="x"), None).posts
    )
    context = entity("test_entity_context")[0]["body"]
    statuses = [entity("test_entity_status")[0]["body"], *context["ancestors"]]
    posts += [conn._post(status) for status in statuses]
    assert len(posts) == 5
    for post in posts:
        assert post.text and not TAG.search(post.text) and "&amp;" not in post.text
    # a content warning leads the text; media attachments are kept
    cw = posts[3]
    assert cw.text.startswith("test post for mastodon.py stuff\n\n@halcy you're a doo-doo head")
    assert cw.media_urls[0].endswith("/e6bdbd614788c2d1.mp4")


def test_html_to_text():
    html = "<p>Hallo &amp; welkom<br>tweede regel</p><p>&lt;b&gt; is geen tag&nbsp;&#x1F600;</p>"
    assert html_to_text(html) == "Hallo & welkom\ntweede regel\n\n<b> is geen tag\xa0\U0001f600"
    assert html_to_text("") == "" and html_to_text(None) == ""


def test_stream_without_query_or_unknown_kind(session):
    with pytest.raises(ConnectorError, match="no keyword or hashtag"):
        mastodon(session).fetch(StreamSpec("hashtag", query="#"), None)
    with pytest.raises(ConnectorError, match="cannot listen for 'dm'"):
        mastodon(session).fetch(StreamSpec("dm"), None)
    assert session.calls == []


# ----------------------------------------------------------------------
# Replying
# ----------------------------------------------------------------------
def reply_recordings(session):
    rec = recording("test_status_reply")
    # the parent is the status created by the first recorded POST
    session.add("GET", r"/api/v1/statuses/117020583245459824$", body=rec[0]["body"])
    return rec


def test_reply_mentions_the_author_and_keeps_visibility(session):
    session.add_recording(reply_recordings(session)[2])
    post = mastodon(session).reply("same!", in_reply_to="117020583245459824")
    assert post.external_id == "117020583258292382"
    assert post.parent_external_id == "117020583245459824"
    assert post.text == "@mastodonpy_test_2 same!"
    assert post.author.handle == "admin@localhost:3000"
    call = session.calls[1]
    assert call["method"] == "POST"
    # the very body Mastodon.py sent in the recording, less spoiler_text
    assert call["body"] == (
        "status=%40mastodonpy_test_2+same%21&in_reply_to_id=117020583245459824&visibility=public"
    )
    assert len(call["headers"]["Idempotency-Key"]) == 64
    assert_all_calls_timed(session)


def test_reply_that_already_mentions_is_sent_as_written(session):
    session.add_recording(reply_recordings(session)[2])
    mastodon(session).reply("@MastodonPy_Test_2 same!", in_reply_to="117020583245459824")
    assert session.calls[1]["body"].startswith("status=%40MastodonPy_Test_2+same%21&")


def test_reply_to_missing_post_is_refused(session):
    session.add_recording(recording("test_status_missing")[0])
    with pytest.raises(RequestRefused, match="404"):
        mastodon(session).reply("hello", in_reply_to="0")
    assert len(session.calls) == 1


def test_reply_refused_by_validation(session):
    reply_recordings(session)
    session.add_recording(local_recording("mastodon", "errors.json")["reply_refused"])
    with pytest.raises(RequestRefused, match="422 Unprocessable") as info:
        mastodon(session, SOCIAL).reply("x" * 501, in_reply_to="117020583245459824")
    assert "character limit of 500" in info.value.detail and "character limit of 500" not in str(
        info.value
    )
    assert info.value.status == 422


# ----------------------------------------------------------------------
# Private messages (direct statuses)
# ----------------------------------------------------------------------
#: the author of the recorded status that test_status_reply answers
RECIPIENT = Profile(user_id="117020566092212359", handle="mastodonpy_test_2@localhost:3000")
LINK = "Here is your personal link: https://shop.example/consent/k7Qx2"


def direct(name):
    return local_recording("mastodon", "private.json")[name]


def test_private_message_is_a_direct_status_mentioning_the_recipient(session):
    session.add_recording(direct("direct_reply"))
    before = utcnow()
    post = mastodon(session).send_private(LINK, RECIPIENT, in_reply_to="117020583245459824")
    assert post.external_id == "117020590000000001"
    assert post.text == f"@mastodonpy_test_2 {LINK}"
    assert post.conversation_key == "dm:117020566092212359"
    assert post.parent_external_id == "117020583245459824"
    assert post.author is None
    assert post.url == "http://localhost:3000/@admin/117020590000000001"
    assert before <= post.posted_at <= utcnow()
    (call,) = session.calls
    assert (call["method"], call["url"]) == ("POST", f"{LOCAL}/api/v1/statuses")
    assert parse_qs(call["body"]) == {
        "status": [f"@mastodonpy_test_2@localhost:3000 {LINK}"],
        "visibility": ["direct"],
        "in_reply_to_id": ["117020583245459824"],
    }
    assert call["body"] == (
        "status=%40mastodonpy_test_2%40localhost%3A3000+Here+is+your+personal+link%3A+"
        "https%3A%2F%2Fshop.example%2Fconsent%2Fk7Qx2&visibility=direct"
        "&in_reply_to_id=117020583245459824"
    )
    assert len(call["headers"]["Idempotency-Key"]) == 64
    assert call["headers"]["Authorization"] == "Bearer test-token"
    assert_all_calls_timed(session)


def test_private_message_without_context_starts_a_conversation(session):
    session.add_recording(direct("direct_new"))
    post = mastodon(session).send_private(LINK, RECIPIENT)
    assert post.parent_external_id == ""
    assert post.conversation_key == "dm:117020566092212359"
    assert parse_qs(session.calls[0]["body"]) == {
        "status": [f"@mastodonpy_test_2@localhost:3000 {LINK}"],
        "visibility": ["direct"],
    }


def test_private_message_retried_keeps_its_idempotency_key(session):
    session.add_recording(direct("direct_new"), times=3)
    conn = mastodon(session)
    conn.send_private(LINK, RECIPIENT)
    # already addressed: sent as written, and the same post as the first
    conn.send_private(f"@mastodonpy_test_2@localhost:3000 {LINK}", RECIPIENT)
    other = Profile(user_id="117020565966271181", handle="mastodonpy_test@localhost:3000")
    conn.send_private(LINK, other)
    keys = [call["headers"]["Idempotency-Key"] for call in session.calls]
    assert keys[0] == keys[1] != keys[2]
    assert session.calls[0]["body"] == session.calls[1]["body"]


def test_private_message_needs_the_recipients_handle(session):
    with pytest.raises(RequestRefused, match="by the person's handle"):
        mastodon(session).send_private(LINK, Profile(user_id="117020566092212359"))
    assert session.calls == []


def test_private_message_with_a_read_only_token(session):
    forbidden = local_recording("mastodon", "errors.json")["forbidden"]
    session.add("POST", r"/api/v1/statuses$", status=403, body=forbidden["body"])
    with pytest.raises(AccessLevelError, match="scopes read and write") as info:
        mastodon(session).send_private(LINK, RECIPIENT)
    assert info.value.status == 403


def test_private_message_refused_by_validation(session):
    session.add_recording(local_recording("mastodon", "errors.json")["reply_refused"])
    with pytest.raises(RequestRefused, match="422 Unprocessable") as info:
        mastodon(session, SOCIAL).send_private("x" * 501, RECIPIENT)
    assert "character limit of 500" in info.value.detail and "character limit of 500" not in str(
        info.value
    )
    assert info.value.status == 422


# ----------------------------------------------------------------------
# Followers
# ----------------------------------------------------------------------
def test_followers_two_pages(session):
    pages = local_recording("mastodon", "followers.json")["pages"]
    session.add_recording(pages[0])
    session.add_recording(pages[1], url_pattern=r"/followers\?.*max_id=7301")
    conn = mastodon(session, SOCIAL)
    page1 = conn.fetch_followers(None, account_user_id="113500000000000001", page_size=3)
    assert page1.has_more and page1.cursor == {"max_id": "7301"}
    assert [p.handle for p in page1.profiles] == [
        "yesican@mastodon.social",
        "jvdberg@mastodon.nl",
        "sanne@social.example",
    ]
    yesican = page1.profiles[0]
    assert (
        yesican.bio
        == "Klant van het eerste uur. Schrijf me in het Nederlands & Engels.\n\nAmsterdam"
    )
    assert (yesican.display_name, yesican.followers) == ("B. Oboema", 412)
    page2 = conn.fetch_followers(page1.cursor, account_user_id="113500000000000001", page_size=3)
    assert not page2.has_more and page2.cursor == {"max_id": None}
    (fan,) = page2.profiles
    assert fan.bio == "Ik kom er elke zaterdag.\nVooral voor de taart."
    assert session.calls[0]["params"] == {"limit": "3"}
    assert session.calls[1]["params"] == {"limit": "3", "max_id": "7301"}
    assert_all_calls_timed(session)


def test_followers_of_our_own_account_by_default(session):
    session.add_recording(entity("test_entity_account")[1])
    page = local_recording("mastodon", "followers.json")["pages"][1]
    session.add_recording(page, url_pattern=r"/api/v1/accounts/43/followers\?")
    result = mastodon(session, SOCIAL).fetch_followers(None, page_size=500)
    assert len(result.profiles) == 1 and not result.has_more
    assert session.calls[1]["params"]["limit"] == "80"


# ----------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------
def test_unauthenticated_401_in_plain_words(session):
    unauthorized = recording("test_home_tl_anonymous_throws")[0]
    session.add_recording(unauthorized, url_pattern=r"/api/v1/accounts/verify_credentials")
    with pytest.raises(AuthenticationError, match="rejected the credentials") as info:
        mastodon(session).test_connection()
    assert (
        "The access token is invalid" in info.value.detail
        and "The access token is invalid" not in str(info.value)
    )
    assert "Preferences > Development" in str(info.value)
    assert info.value.status == 401


def test_missing_credentials_are_refused_before_any_call(session):
    with pytest.raises(AuthenticationError, match="No access token"):
        mastodon(session, token="").test_connection()
    with pytest.raises(AuthenticationError, match="address of the Mastodon instance"):
        mastodon(session, instance="").fetch(MENTIONS, None)
    assert session.calls == []


def test_rate_limit_reset_is_an_iso_timestamp(session):
    session.add_recording(local_recording("mastodon", "errors.json")["rate_limited"])
    with pytest.raises(RateLimitError) as info:
        mastodon(session, SOCIAL).fetch(MENTIONS, {"since_id": "5"})
    assert info.value.retry_at == datetime(2030, 1, 1, 0, 5)
    assert info.value.transient and info.value.status == 429
    assert "rate limit" in str(info.value)


def test_forbidden_scope(session):
    session.add_recording(local_recording("mastodon", "errors.json")["forbidden"])
    with pytest.raises(AccessLevelError, match="scopes read and write") as info:
        mastodon(session, SOCIAL).fetch(MENTIONS, None)
    assert (
        "outside the authorized scopes" in info.value.detail
        and "outside the authorized scopes" not in str(info.value)
    )


def test_server_error_is_transient(session):
    session.add_recording(local_recording("mastodon", "errors.json")["unavailable"])
    with pytest.raises(PlatformUnavailable) as info:
        mastodon(session, SOCIAL).fetch(MENTIONS, None)
    assert info.value.transient and info.value.status == 503


def test_malformed_body(session):
    session.add_recording(local_recording("mastodon", "errors.json")["malformed"])
    with pytest.raises(MalformedResponse, match="not the JSON expected"):
        mastodon(session, SOCIAL).fetch(MENTIONS, None)


def test_unexpected_structure(session):
    session.add("GET", r"/api/v1/notifications", body={"id": "1"})
    with pytest.raises(MalformedResponse):
        mastodon(session).fetch(MENTIONS, None)


@pytest.mark.parametrize(
    "exc, words",
    [
        (requests.ReadTimeout("read timed out"), "did not answer in time"),
        (requests.ConnectionError("refused"), "Could not reach Mastodon"),
    ],
)
def test_network_trouble_is_transient(session, exc, words):
    session.add("GET", r"/api/v1/notifications", exc=exc)
    with pytest.raises(PlatformUnavailable, match=words):
        mastodon(session).fetch(MENTIONS, None)
