"""Instagram photos for photo campaigns: ``/{ig-user-id}/tags``, mentioned
media, replies through ``/{ig-user-id}/mentions`` and hashtag search.

The mentioned-media and media bodies are RestFB's real recordings (bundled,
meta/instagram); the rest is self-written from the Graph API reference
(tests/fixtures/meta/instagram_media.json, labelled)."""

from datetime import datetime, timedelta

import pytest

from social_crm.connectors import (
    AccessLevelError,
    AuthenticationError,
    MalformedResponse,
    RateLimitError,
    RequestRefused,
    StreamSpec,
    get_connector,
)
from social_crm.connectors.base import DEFAULT_TIMEOUT
from social_crm.connectors.instagram_media import (
    HASHTAG_MEDIA_FIELDS,
    MEDIA_FIELDS,
    check_hashtag_budget,
    hashtag_budget,
    media_post,
    mentions_account,
)
from social_crm.connectors.testing import local_recording, shared_recording

IG = "17841405309211844"
TOKEN = "EAAGm0PX4ZCpsBAPageTokenForTests"
TAGS = StreamSpec(kind="ig_tags", page_size=2)


@pytest.fixture
def session(session):
    session.default_timeout = None
    return session


def fx(name):
    return local_recording("meta", "instagram_media.json")[name]


def ig(session):
    creds = {"page_id": IG, "page_access_token": TOKEN, "app_secret": ""}
    return get_connector("instagram", creds, session)


def test_fixture_is_labelled_self_written():
    assert "self-written" in local_recording("meta", "instagram_media.json")["_comment"]


def test_tags_pages_with_after_then_a_new_walk_stops_at_what_was_seen(session):
    session.add_recording(fx("tags_page1")).add_recording(fx("tags_page2"))
    connector = ig(session)
    first = connector.fetch(TAGS, None)
    assert [p.external_id for p in first.posts] == ["17895695668004550", "17895695668004551"]
    assert first.has_more and first.cursor["after"] == "QVFIUkRlaW1vUVRqc2hUNWNo"
    post = first.posts[0]
    assert post.author.handle == "sanne.fotografeert" and post.author.user_id == ""
    assert post.media_urls[0].startswith("https://scontent.cdninstagram.com/")
    assert post.url.startswith("https://www.instagram.com/p/")
    assert post.posted_at == datetime(2026, 6, 3, 10, 15)
    second = connector.fetch(TAGS, first.cursor)
    assert not second.has_more
    assert second.cursor == {"seen_until": "2026-06-03T10:15:00"}
    assert second.posts[1].text == "[video]"  # no caption: a plain stand-in
    call1, call2 = session.calls
    assert call1["url"].startswith(f"https://graph.facebook.com/v21.0/{IG}/tags?")
    assert call1["params"]["fields"] == MEDIA_FIELDS and call1["params"]["limit"] == "2"
    assert "after" not in call1["params"] and call2["params"]["after"] == first.cursor["after"]
    assert all(c["timeout"] == DEFAULT_TIMEOUT for c in session.calls)
    # the next walk starts from the newest again and stops at the seen media
    session.add_recording(fx("tags_newer"))
    third = connector.fetch(TAGS, second.cursor)
    assert [p.external_id for p in third.posts] == ["17895695668004560"]
    assert not third.has_more and "after" not in session.calls[-1]["params"]
    assert third.cursor == {"seen_until": "2026-06-05T09:00:00"}


def test_real_recorded_media_objects_map():
    image = media_post(shared_recording("meta", "instagram", "media-image.json"))
    assert image.external_id == "123456789" and image.text == "a great picture"
    assert image.author.handle == "fake_username"
    assert image.media_urls == []  # "<image url>" is no URL: never embedded
    assert media_post({"caption": "no id"}) is None


def test_mentioned_media_real_recording_and_documented_fields(session):
    real = shared_recording("meta", "instagram", "mentioned-media.json")
    session.add("GET", rf"/v21.0/{IG}(\?|$)", body=real)
    post = ig(session).mentioned_media("17873440459141021")
    assert post.external_id == "17873440459141021"
    assert post.text == "metricsaurus headquarters!" and post.author is None
    fields = session.calls[0]["params"]["fields"]
    assert fields == f"mentioned_media.media_id(17873440459141021){{{MEDIA_FIELDS}}}"
    session.add_recording(fx("mentioned_media"))
    post = ig(session).mentioned_media("17895695668004570")
    assert post.author.handle == "femke.dekker" and post.media_urls


def test_reply_to_mention_posts_to_the_mentions_edge(session):
    session.add_recording(fx("mention_reply"))
    post = ig(session).reply_to_mention("Mogen we je foto tonen?", "17895695668004550")
    assert post.external_id == "17873440459141099"
    assert post.conversation_key == "17895695668004550"
    call = session.calls[0]
    assert call["method"] == "POST" and call["url"].startswith(
        f"https://graph.facebook.com/v21.0/{IG}/mentions"
    )
    assert "media_id=17895695668004550" in call["body"] and "message=" in call["body"]


def test_reply_to_a_media_that_does_not_mention_us_is_refused(session):
    session.add_recording(fx("not_mentioned"))
    with pytest.raises(RequestRefused) as caught:
        ig(session).reply_to_mention("Hoi", "17895695668004551")
    assert caught.value.code == "100/33"
    with pytest.raises(RequestRefused):
        ig(session).reply_to_mention("Hoi", "")


def test_hashtag_search_then_recent_media_without_author(session):
    session.add_recording(fx("hashtag_search")).add_recording(fx("recent_media"))
    spec = StreamSpec(kind="hashtag", query="#HollandiaStijl", page_size=50)
    result = ig(session).fetch(spec, None)
    (post,) = result.posts
    assert post.author is None and post.media_urls
    assert result.cursor["hashtag_id"] == "17843857450040591"
    assert result.cursor["tag"] == "hollandiastijl"
    search, recent = session.calls
    assert search["params"] == {
        "user_id": IG,
        "q": "hollandiastijl",
        "access_token": TOKEN,
    }
    assert recent["params"]["fields"] == HASHTAG_MEDIA_FIELDS
    assert "username" not in HASHTAG_MEDIA_FIELDS
    # the id is kept: the next pull searches no hashtag again
    session.add_recording(fx("recent_media"))
    ig(session).fetch(spec, result.cursor)
    assert len(session.calls) == 3 and "/recent_media" in session.calls[-1]["url"]


def test_hashtag_not_found_and_quota(session):
    session.add_recording(fx("hashtag_search_empty")).add_recording(fx("hashtag_quota"))
    spec = StreamSpec(kind="hashtag", query="nietbestaand")
    with pytest.raises(RequestRefused, match="no hashtag #nietbestaand"):
        ig(session).fetch(spec, None)
    with pytest.raises(RequestRefused) as caught:
        ig(session).fetch(spec, None)
    assert caught.value.code == "24/2207024"


@pytest.mark.parametrize(
    "name, error",
    [("token_expired", AuthenticationError), ("missing_permission", AccessLevelError)],
)
def test_tags_errors(session, name, error):
    session.add_recording(fx(name))
    with pytest.raises(error) as caught:
        ig(session).fetch(TAGS, {"after": "X"})
    assert "Session has expired" not in str(caught.value)  # Meta's words: the log only


@pytest.mark.parametrize("name", ["app_limit", "user_limit", "page_limit", "action_limit"])
def test_tags_rate_limits(session, name):
    session.add_recording(fx(name))
    with pytest.raises(RateLimitError) as caught:
        ig(session).fetch(TAGS, None)
    assert caught.value.retry_at
    if name == "page_limit":  # Meta's estimated_time_to_regain_access: 30 minutes
        assert caught.value.retry_at > datetime.utcnow().replace(microsecond=0)


def test_page_without_data_is_malformed(session):
    session.add("GET", rf"/{IG}/tags", body={"paging": {}})
    with pytest.raises(MalformedResponse):
        ig(session).fetch(TAGS, None)


def test_caption_mentions_account():
    assert mentions_account("Zomerjurk! @hollandia.store #x", "@Hollandia.Store")
    assert mentions_account("bij @hollandia.store.", "hollandia.store")
    assert not mentions_account("bij @hollandia.stores", "hollandia.store")
    assert not mentions_account("mail a@hollandia.store", "hollandia.store")
    assert not mentions_account("@hollandia.store", "")


def test_hashtag_budget_30_unique_per_7_days():
    now = datetime(2026, 6, 10, 12, 0)
    searches = [(f"tag{i}", now - timedelta(days=1, hours=i)) for i in range(30)]
    searches += [("TAG0", now - timedelta(hours=1)), ("old", now - timedelta(days=8))]
    used, free_at = hashtag_budget(searches, now)
    assert used == 30 and free_at == now - timedelta(days=1, hours=29) + timedelta(days=7)
    check_hashtag_budget(searches, "#Tag3", now)  # searched already: free
    with pytest.raises(RateLimitError) as caught:
        check_hashtag_budget(searches, "hollandiastijl", now)
    assert caught.value.retry_at == free_at and caught.value.key == "ig_hashtag_budget"
    assert "30 different hashtag searches" in str(caught.value)
    check_hashtag_budget(searches[:29], "hollandiastijl", now)
