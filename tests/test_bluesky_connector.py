"""The Bluesky connector against real, bundled AT Protocol data (the
SDK's getFollows and getPostThread answers, the official handle syntax
vectors) and self-written XRPC fixtures per the lexicons for the calls that
were never recorded (createSession, listNotifications, getFollowers, errors)."""

import copy
import json
from datetime import datetime

import pytest
import requests

from social_crm.connectors import (
    AuthenticationError,
    ConnectorError,
    MalformedResponse,
    PlatformUnavailable,
    RateLimitError,
    RequestRefused,
    StreamSpec,
    get_connector,
)
from social_crm.connectors.base import DEFAULT_TIMEOUT
from social_crm.connectors.bluesky import (
    BlueskyConnector,
    _media_urls,
    is_valid_handle,
    normalize_handle,
)
from social_crm.connectors.testing import local_recording, recorded_path, shared_recording

CREDS = {"handle": "warenhuishollandia.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
OUR_DID = "did:plc:hollandia2store7webcare4"
MENTIONS = StreamSpec("mention")
THREAD_URI = "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22"


@pytest.fixture
def session(session):
    # no default timeout: every request must carry the connector's own
    session.default_timeout = None
    return session


def shared(*parts):
    return shared_recording("bluesky", *parts)


def thread_post():
    return shared("test_data", "thread_view_post_with_embed_media.json")["thread"]["post"]


def fixture(name):
    return local_recording("bluesky", f"{name}.json")


def bluesky(session, creds=CREDS):
    return get_connector("bluesky", creds, session)


def logged_in(session):
    session.add_recording(fixture("session")["create_session"])
    return bluesky(session)


def assert_all_calls_timed(session):
    assert session.calls and all(c["timeout"] == DEFAULT_TIMEOUT for c in session.calls)


# ----------------------------------------------------------------------
# Handles: the official atproto interop vectors
# ----------------------------------------------------------------------
def vectors(name):
    lines = recorded_path("bluesky", "interop_syntax", name).read_text(encoding="utf-8").split("\n")
    # white space inside a line is part of the vector (" john.test" is invalid)
    return [line for line in lines if line and not line.startswith("#")]


def test_valid_handles_are_accepted_and_normalised():
    valid = vectors("handle_syntax_valid.txt")
    assert len(valid) > 40
    for handle in valid:
        assert is_valid_handle(handle), handle
        assert normalize_handle(f" @{handle.upper()} ") == handle.lower()


def test_invalid_handles_are_refused():
    invalid = vectors("handle_syntax_invalid.txt")
    assert " john.test" in invalid and "john.test " in invalid
    for handle in invalid:
        assert not is_valid_handle(handle), handle
        if handle == handle.strip():
            with pytest.raises(ValueError, match="not a valid Bluesky handle"):
                normalize_handle(handle)


# ----------------------------------------------------------------------
# Profiles
# ----------------------------------------------------------------------
def test_profile_mapping_on_real_get_follows():
    follows = shared("test_data", "get_follows.json")
    profiles = [BlueskyConnector._profile(actor) for actor in follows["follows"]]
    why = profiles[0]
    assert why.user_id == "did:plc:vpkhqolt662uhesyj6nxm7ys"
    assert (why.handle, why.display_name) == ("why.bsky.team", "Why")
    assert why.profile_url == "https://bsky.app/profile/why.bsky.team"
    assert why.avatar_url.startswith("https://cdn.bsky.app/img/avatar/plain/did:plc:vpkhq")
    assert why.bio.startswith("Technical advisor to @bluesky")
    assert why.followers == 0  # a profileView has no counts
    assert [p.handle for p in profiles] == [
        "why.bsky.team",
        "divy.zone",
        "jay.bsky.team",
        "bsky.app",
        "vercel.com",
        "marshal.dev",
    ]
    assert all(is_valid_handle(p.handle) for p in profiles)
    subject = BlueskyConnector._profile(follows["subject"])
    assert subject.bio.startswith("account for tests\n\nAuthor: @marshal.dev")


def test_test_connection_logs_in_and_reads_our_profile(session):
    conn = logged_in(session)
    session.add_recording(fixture("session")["get_profile"])
    profile = conn.test_connection()
    assert (profile.user_id, profile.handle) == (OUR_DID, "warenhuishollandia.bsky.social")
    assert profile.display_name == "Warenhuis Hollandia"
    assert profile.followers == 1284
    login, read = session.calls
    assert login["url"] == "https://bsky.social/xrpc/com.atproto.server.createSession"
    assert json.loads(login["body"]) == {
        "identifier": "warenhuishollandia.bsky.social",
        "password": "abcd-efgh-ijkl-mnop",
    }
    assert read["params"] == {"actor": OUR_DID}
    assert read["headers"]["Authorization"] == "Bearer test-access-jwt-1"
    assert_all_calls_timed(session)


def test_get_profile_by_handle_normalises_it(session):
    conn = logged_in(session)
    session.add_recording(fixture("session")["get_profile"])
    conn.get_profile(handle="@WarenhuisHollandia.bsky.social")
    assert session.calls[1]["params"] == {"actor": "warenhuishollandia.bsky.social"}


def test_get_profile_of_invalid_handle_sends_nothing(session):
    with pytest.raises(RequestRefused, match="not a valid Bluesky handle"):
        bluesky(session).get_profile(handle="jo_hn.test")
    assert session.calls == []


def test_custom_service(session):
    session.add(
        "POST",
        r"^https://pds\.example/xrpc/com\.atproto\.server\.createSession$",
        body=fixture("session")["create_session"]["body"],
    )
    session.add(
        "GET", r"^https://pds\.example/xrpc/", body=fixture("session")["get_profile"]["body"]
    )
    bluesky(session, dict(CREDS, service="https://pds.example/")).test_connection()


# ----------------------------------------------------------------------
# Posts
# ----------------------------------------------------------------------
def test_post_mapping_on_real_thread(session):
    post = bluesky(session)._post(thread_post())
    assert post.external_id == THREAD_URI
    assert post.text == ""  # an image post with a quoted record
    assert post.posted_at == datetime(2023, 9, 28, 12, 49, 36, 735000)
    assert post.url == "https://bsky.app/profile/test.marshal.dev/post/3kaheyt6vpc22"
    assert post.author.handle == "test.marshal.dev"
    assert post.lang == "en"
    assert post.conversation_key == THREAD_URI and post.parent_external_id == ""
    assert post.media_urls == [
        "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:kvwvcn5iqfooopmyzvb4qzba/"
        "bafkreic3cp5ky525vsukjvrzxsc2h3jka2gud74l2hgeatw2rhj2qycnmq@jpeg"
    ]


def test_media_from_record_blobs_match_the_view():
    """Notifications carry only the record: its blob refs give the same URLs."""
    post = thread_post()
    from_record = _media_urls(None, post["record"]["embed"], post["author"]["did"])
    assert from_record == [post["embed"]["media"]["images"][0]["fullsize"]]


@pytest.mark.parametrize(
    "kind, query, q", [("keyword", "tweepy", "tweepy"), ("hashtag", "python", "#python")]
)
def test_search_posts(session, kind, query, q):
    conn = logged_in(session)
    session.add("GET", r"/xrpc/app\.bsky\.feed\.searchPosts\?", body={"posts": [thread_post()]})
    result = conn.fetch(StreamSpec(kind, query=query, page_size=25), None)
    assert [p.external_id for p in result.posts] == [THREAD_URI]
    assert not result.has_more
    assert result.cursor["newest"] == {"at": "2023-09-28T12:49:36.735000", "uri": THREAD_URI}
    params = session.calls[1]["params"]
    assert (params["q"], params["sort"], params["limit"]) == (q, "latest", "25")


def test_mentions_two_pages(session):
    conn = logged_in(session)
    pages = fixture("list_notifications")["pages"]
    session.add_recording(pages[0])
    session.add_recording(pages[1], url_pattern=r"listNotifications\?.*cursor=1741079561317")
    page1 = conn.fetch(MENTIONS, None)
    mention, reply = page1.posts
    assert mention.text.startswith("@warenhuishollandia.bsky.social mijn bestelling 5234")
    assert mention.author.display_name == "B. Oboema"
    assert mention.url == "https://bsky.app/profile/yesican.bsky.social/post/3lcmention3z"
    assert mention.lang == "nl"
    assert mention.media_urls == [
        "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:yesican4oboema5klant6nl7/"
        "bafkreipakbonimage2c3d4e5f6g7h2i3j4k5l6m7n2o3p4q5r6s7t2u3v4w5@jpeg"
    ]
    our_post = f"at://{OUR_DID}/app.bsky.feed.post/3lbourpost22"
    assert reply.parent_external_id == our_post and reply.conversation_key == our_post
    assert page1.has_more
    newest = {"at": "2025-03-04T09:15:02.118000", "uri": mention.external_id}
    assert page1.cursor == {
        "newest": None,
        "pending_newest": newest,
        "cursor": "1741079561317::bafyreijorisreply",
    }
    assert "reasons=mention&reasons=reply" in session.calls[1]["url"]
    page2 = conn.fetch(MENTIONS, page1.cursor)
    (older,) = page2.posts
    assert older.conversation_key.endswith("/3lcroot222a")
    assert older.parent_external_id.endswith("/3lcparent22a")
    assert not page2.has_more
    assert page2.cursor == {"newest": newest, "pending_newest": None, "cursor": None}
    assert_all_calls_timed(session)


def test_next_run_stops_at_the_previous_newest(session):
    conn = logged_in(session)
    page = copy.deepcopy(fixture("list_notifications")["pages"][0])
    old_newest = page["body"]["notifications"][0]
    new = copy.deepcopy(old_newest)
    new["uri"] = new["uri"].replace("3lcmention3z", "3lcnewer2222")
    new["indexedAt"] = new["record"]["createdAt"] = "2025-03-05T10:00:00.000Z"
    new["record"]["text"] = "Nog een vraag"
    page["body"]["notifications"].insert(0, new)
    session.add_recording(page)
    cursor = {"newest": {"at": "2025-03-04T09:15:02.118000", "uri": old_newest["uri"]}}
    result = conn.fetch(MENTIONS, cursor)
    assert [p.text for p in result.posts] == ["Nog een vraag"]
    # the server offers an older page, but the previous run already saw it
    assert not result.has_more
    assert result.cursor["newest"] == {"at": "2025-03-05T10:00:00.000000", "uri": new["uri"]}
    assert len(session.calls) == 2


def test_unknown_kind_and_empty_query(session):
    with pytest.raises(ConnectorError, match="cannot listen for 'follow'"):
        bluesky(session).fetch(StreamSpec("follow"), None)
    with pytest.raises(ConnectorError, match="no keyword or hashtag"):
        bluesky(session).fetch(StreamSpec("hashtag", query=" # "), None)
    assert session.calls == []


# ----------------------------------------------------------------------
# Replying
# ----------------------------------------------------------------------
def reply_calls(session, parent):
    conn = logged_in(session)
    session.add("GET", r"/xrpc/app\.bsky\.feed\.getPostThread\?", body={"thread": {"post": parent}})
    session.add_recording(fixture("session")["create_record"])
    return conn


def test_reply_to_a_thread_root(session):
    parent = thread_post()
    conn = reply_calls(session, parent)
    text = "Sorry 😔, zie https://hollandia.example/retour."
    post = conn.reply(text, in_reply_to=THREAD_URI)
    assert session.calls[1]["params"] == {"uri": THREAD_URI, "depth": "0", "parentHeight": "0"}
    sent = json.loads(session.calls[2]["body"])
    assert sent["repo"] == OUR_DID and sent["collection"] == "app.bsky.feed.post"
    record = sent["record"]
    ref = {"uri": THREAD_URI, "cid": parent["cid"]}
    assert record["reply"] == {"root": ref, "parent": ref}
    assert record["$type"] == "app.bsky.feed.post" and record["text"] == text
    assert record["createdAt"].endswith("Z")
    (facet,) = record["facets"]
    index = facet["index"]
    assert (
        text.encode()[index["byteStart"] : index["byteEnd"]] == b"https://hollandia.example/retour"
    )
    assert facet["features"][0]["uri"] == "https://hollandia.example/retour"
    assert post.external_id == f"at://{OUR_DID}/app.bsky.feed.post/3lcreply2abc2"
    assert post.url == "https://bsky.app/profile/warenhuishollandia.bsky.social/post/3lcreply2abc2"
    assert post.parent_external_id == THREAD_URI and post.conversation_key == THREAD_URI
    assert_all_calls_timed(session)


def test_reply_deeper_in_a_thread_keeps_the_root(session):
    parent = thread_post()
    root = {"uri": "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kahesw26il2z"}
    root["cid"] = "bafyreier7l7l33k23invvoeth2ed2hkwlxlv3igbhp3536hmmeouob7mzi"
    parent["record"]["reply"] = {"root": root, "parent": root}
    conn = reply_calls(session, parent)
    post = conn.reply("Dank je!", in_reply_to=THREAD_URI)
    record = json.loads(session.calls[2]["body"])["record"]
    assert record["reply"]["root"] == root
    assert record["reply"]["parent"] == {"uri": THREAD_URI, "cid": parent["cid"]}
    assert "facets" not in record
    assert post.conversation_key == root["uri"]


def test_reply_to_a_post_that_is_gone(session):
    conn = logged_in(session)
    session.add_recording(fixture("errors")["thread_not_found"])
    with pytest.raises(RequestRefused, match="code NotFound") as info:
        conn.reply(
            "hallo",
            in_reply_to="at://did:plc:hollandiafan2taart3zat4a/app.bsky.feed.post/3lcgone2222",
        )
    assert "Post not found" in info.value.detail
    assert "Post not found" not in str(info.value)


def test_reply_refused(session):
    conn = reply_calls(session, thread_post())
    session.routes.pop()  # answer createRecord with the refusal instead
    session.add_recording(fixture("errors")["reply_refused"])
    with pytest.raises(RequestRefused, match="Bluesky refused the request") as info:
        conn.reply("x" * 301, in_reply_to=THREAD_URI)
    assert "300 graphemes" in info.value.detail
    assert "300 graphemes" not in str(info.value)


# ----------------------------------------------------------------------
# Followers
# ----------------------------------------------------------------------
def test_followers_two_pages(session):
    conn = logged_in(session)
    pages = fixture("get_followers")["pages"]
    session.add_recording(pages[0])
    session.add_recording(pages[1], url_pattern=r"getFollowers\?.*cursor=3lcfan7zz2ab")
    page1 = conn.fetch_followers(None, page_size=3)
    assert [p.handle for p in page1.profiles] == [
        "yesican.bsky.social",
        "joris.vandenberg.nl",
        "sanne.bsky.social",
    ]
    assert page1.profiles[0].profile_url == "https://bsky.app/profile/yesican.bsky.social"
    assert page1.has_more and page1.cursor == {"cursor": "3lcfan7zz2ab"}
    page2 = conn.fetch_followers(page1.cursor, page_size=3)
    (fan,) = page2.profiles
    assert fan.bio == "Ik kom er elke zaterdag.\nVooral voor de taart."
    assert not page2.has_more and page2.cursor == {"cursor": None}
    assert session.calls[1]["params"] == {"actor": OUR_DID, "limit": "3"}
    assert session.calls[2]["params"]["cursor"] == "3lcfan7zz2ab"
    assert_all_calls_timed(session)


def test_followers_of_another_actor(session):
    conn = logged_in(session)
    session.add_recording(fixture("get_followers")["pages"][1])
    conn.fetch_followers(None, account_user_id="did:plc:abc", page_size=1000)
    assert session.calls[1]["params"] == {"actor": "did:plc:abc", "limit": "100"}


# ----------------------------------------------------------------------
# Sessions and errors
# ----------------------------------------------------------------------
def test_expired_token_logs_in_again_once(session):
    conn = logged_in(session)
    session.add_recording(fixture("errors")["expired_token"])
    session.add_recording(fixture("session")["create_session_again"])
    session.add_recording(fixture("list_notifications")["pages"][1])
    result = conn.fetch(MENTIONS, None)
    assert len(result.posts) == 1
    assert [c["url"].split("/xrpc/")[1].split("?")[0] for c in session.calls] == [
        "com.atproto.server.createSession",
        "app.bsky.notification.listNotifications",
        "com.atproto.server.createSession",
        "app.bsky.notification.listNotifications",
    ]
    assert session.calls[3]["headers"]["Authorization"] == "Bearer test-access-jwt-2"


def test_token_expired_twice_is_an_error(session):
    conn = logged_in(session)
    session.add_recording(fixture("errors")["expired_token"], times=2)
    session.add_recording(fixture("session")["create_session_again"])
    with pytest.raises(RequestRefused, match="ExpiredToken"):
        conn.fetch(MENTIONS, None)


def test_wrong_app_password(session):
    session.add_recording(fixture("errors")["bad_login"])
    with pytest.raises(AuthenticationError, match="rejected the credentials") as info:
        bluesky(session).test_connection()
    assert (
        "Invalid identifier or password" in info.value.detail
        and "Invalid identifier or password" not in str(info.value)
    )
    assert "App passwords" in str(info.value) and info.value.status == 401


def test_missing_credentials_are_refused_before_any_call(session):
    with pytest.raises(AuthenticationError, match="app password"):
        bluesky(session, {"handle": "warenhuishollandia.bsky.social"}).fetch(MENTIONS, None)
    assert session.calls == []


def test_rate_limit_reset_is_epoch_seconds(session):
    conn = logged_in(session)
    session.add_recording(fixture("errors")["rate_limited"])
    with pytest.raises(RateLimitError) as info:
        conn.fetch(MENTIONS, {"cursor": "abc"})
    assert info.value.retry_at == datetime(2030, 1, 1, 0, 5)
    assert info.value.transient and info.value.scope == "window"
    assert "2030-01-01 00:05 UTC" in str(info.value)


def test_daily_write_limit(session):
    conn = reply_calls(session, thread_post())
    session.routes.pop()  # answer createRecord with the limit instead
    session.add_recording(fixture("errors")["rate_limited_daily"])
    with pytest.raises(RateLimitError, match="daily limit") as info:
        conn.reply("Dank je!", in_reply_to=THREAD_URI)
    assert info.value.scope == "daily"
    assert info.value.retry_at == datetime(2030, 1, 2, 0, 0)


@pytest.mark.parametrize("name, status", [("unavailable", 502), ("upstream_failure", 500)])
def test_server_errors_are_transient(session, name, status):
    conn = logged_in(session)
    session.add_recording(fixture("errors")[name])
    with pytest.raises(PlatformUnavailable) as info:
        conn.fetch(MENTIONS, None)
    assert info.value.status == status


def test_malformed_body(session):
    conn = logged_in(session)
    session.add_recording(fixture("errors")["malformed"])
    with pytest.raises(MalformedResponse, match="not the JSON expected"):
        conn.fetch(MENTIONS, None)


def test_unexpected_structure(session):
    conn = logged_in(session)
    session.add("GET", r"listNotifications", body={"notifications": {"uri": "x"}})
    with pytest.raises(MalformedResponse, match="list of notifications"):
        conn.fetch(MENTIONS, None)


def test_timeout_is_transient(session):
    session.add("POST", r"createSession", exc=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(PlatformUnavailable, match="Bluesky did not answer in time"):
        bluesky(session).test_connection()
