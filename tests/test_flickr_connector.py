"""The Flickr connector against real recorded api.flickr.com answers (the
Flickr Foundation's cassettes, bundled in tests/fixtures/recorded/flickr)
and self-written fixtures for what has no recording: the tag search (from
the documentation), a 429, a 503, malformed bodies."""

import base64
import hashlib
import hmac
from datetime import datetime
from urllib.parse import parse_qsl, quote, unquote

import pytest

from social_crm.connectors import (
    AccessLevelError,
    AuthenticationError,
    CursorExpired,
    MalformedResponse,
    PlatformUnavailable,
    RateLimitError,
    RequestRefused,
    StreamSpec,
    get_connector,
)
from social_crm.connectors.base import DEFAULT_TIMEOUT
from social_crm.connectors.flickr import EXTRAS, RESULT_CAP, FlickrPost
from social_crm.connectors.testing import local_recording, shared_recording

API = r"^https://api\.flickr\.com/services/rest/"
KEYS = {"api_key": "test-key", "api_secret": "test-secret"}
OAUTH = {**KEYS, "oauth_token": "72157-token", "oauth_token_secret": "token-secret"}
TAG = StreamSpec("hashtag", "#hollandiastijl", page_size=100)


@pytest.fixture
def session(session):
    session.default_timeout = None  # every request must carry the connector's own
    return session


def recorded(name):
    return shared_recording("flickr", "decoded", f"{name}.json")


def searches(name):
    return local_recording("flickr", "search.json")[name]


def errors(name):
    return local_recording("flickr", "errors.json")[name]


def queue(session, exchange, **params):
    return session.add(
        exchange["method"],
        API,
        status=exchange["status"],
        raw=exchange["raw"],
        headers=exchange.get("headers"),
        params=params or None,
    )


def flickr(session, creds=KEYS):
    return get_connector("flickr", creds, session)


def timed(session):
    return session.calls and all(c["timeout"] == DEFAULT_TIMEOUT for c in session.calls)


# ----------------------------------------------------------------------
# Tag search, windows and the 4,000-results cap
# ----------------------------------------------------------------------
def test_tag_search_sends_the_documented_arguments_and_maps_photos(session):
    queue(session, searches("search_tag"), method="flickr.photos.search")
    result = flickr(session).fetch(TAG, {"min_upload_date": 1794999000, "page": 1})
    params = session.calls[0]["params"]
    assert params["tags"] == "hollandiastijl"
    assert params["min_upload_date"] == "1794999000"
    assert params["sort"] == "date-posted-asc"
    assert params["per_page"] == "100" and params["page"] == "1"
    assert params["api_key"] == "test-key"
    for extra in ("owner_name", "url_l", "url_m", "license", "date_upload", "date_taken"):
        assert extra in params["extras"].split(",")
    assert timed(session)
    first = result.posts[0]
    assert isinstance(first, FlickrPost)
    assert first.external_id == "54001000001"
    assert first.licence_id == "4"
    assert first.title == "Grachten in de herfst" and first.owner_name == "Anna de Vries"
    assert "#hollandiastijl" in first.text.split()
    assert first.media_urls == ["https://live.staticflickr.com/65535/54001000001_abc123def0_b.jpg"]
    assert first.url == "https://www.flickr.com/photos/annadevries/54001000001/"
    assert first.author.user_id == "12345678@N01" and first.author.handle == "annadevries"
    assert first.posted_at == datetime(2026, 11, 18, 11, 6, 40)
    assert [p.licence_id for p in result.posts] == ["4", "0", "2", "13"]
    # a short page ends the run; the next window starts at the newest upload
    assert result.cursor == {"min_upload_date": 1795000300, "page": 1}
    assert not result.has_more


def test_page_size_is_capped_at_500(session):
    queue(session, searches("search_empty"), method="flickr.photos.search")
    result = flickr(session).fetch(StreamSpec("tag", "tulips", page_size=2000), None)
    assert session.calls[0]["params"]["per_page"] == "500"
    assert result.posts == [] and not result.has_more
    # the first pull of a stream looks back 30 days, not to Flickr's beginning
    since = int(session.calls[0]["params"]["min_upload_date"])
    assert since == result.cursor["min_upload_date"]


def test_a_full_page_opens_the_next_upload_date_window(session):
    """10,000 results (over the 4,000 cap): the stream never pages deep, it
    starts a new window at the newest upload second of each full page."""
    queue(session, searches("search_full_window"), method="flickr.photos.search")
    result = flickr(session).fetch(
        StreamSpec("hashtag", "hollandiastijl", page_size=2), {"min_upload_date": 1795099000}
    )
    assert result.has_more
    assert result.cursor == {"min_upload_date": 1795100001, "page": 1}


def test_a_page_within_one_second_pages_on_and_the_cap_skips_the_second(session):
    spec = StreamSpec("hashtag", "hollandiastijl", page_size=2)
    queue(session, searches("search_same_second"), method="flickr.photos.search")
    result = flickr(session).fetch(spec, {"min_upload_date": 1795200000, "page": 1})
    assert result.cursor == {"min_upload_date": 1795200000, "page": 2} and result.has_more
    # beyond page 2,000 of 2 Flickr would refuse (4,000 cap): next second instead
    queue(session, searches("search_empty"), method="flickr.photos.search")
    flickr(session).fetch(spec, {"min_upload_date": 1795200000, "page": RESULT_CAP // 2 + 1})
    assert session.calls[-1]["params"]["min_upload_date"] == "1795200001"
    assert session.calls[-1]["params"]["page"] == "1"


def test_excessive_offset_restarts_from_the_next_second(session):
    queue(session, errors("search_offset"), method="flickr.photos.search")
    with pytest.raises(CursorExpired) as caught:
        flickr(session).fetch(TAG, {"min_upload_date": 1795000000, "page": 9})
    assert caught.value.cursor == {"min_upload_date": 1795000001, "page": 1}


def test_a_mention_stream_is_refused_without_a_call(session):
    with pytest.raises(Exception, match="cannot listen for 'mention'"):
        flickr(session).fetch(StreamSpec("mention"), None)
    assert not session.calls


def test_real_photo_list_maps_with_its_licence(session):
    """The real getPublicPhotos answer (the same photo-list format and
    extras as a search) maps photo by photo."""
    exchange = recorded("test_get_public_photos_by_user")[2]
    queue(session, exchange, method="flickr.photos.search")
    result = flickr(session).fetch(
        StreamSpec("keyword", "maritime", page_size=10), {"min_upload_date": 1}
    )
    assert session.calls[0]["params"]["text"] == "maritime"
    assert len(result.posts) == 10 and result.has_more
    post = result.posts[1]
    assert post.external_id == "53614830885" and post.licence_id == "0"
    assert post.title == "Day Out: Maritime Museum & Lifeboats"
    assert post.owner_name == "George Oates" and post.author.handle == "george"
    assert "life buoy" in post.text
    assert post.media_urls == ["https://live.staticflickr.com/65535/53614830885_e82739e8d5_b.jpg"]


def test_real_licence_list_is_the_table(session):
    """flickr.photos.licenses.getInfo as recorded: ids 0 to 16 with the
    names and addresses of our table."""
    from social_crm.licences import FLICKR_LICENCES  # noqa: PLC0415

    queue(session, recorded("test_get_public_photos_by_user")[3])
    listed = flickr(session).licences()
    assert sorted(listed, key=int) == [str(i) for i in range(17)]
    for id_, (name, url) in listed.items():
        assert FLICKR_LICENCES[id_].name == name, id_
        assert FLICKR_LICENCES[id_].url == url, id_


def test_real_photo_info_gives_the_current_licence(session):
    queue(session, recorded("TestGetSinglePhoto.test_get_single_photo")[0])
    photo = flickr(session).get_photo("32812033543")
    assert photo.external_id == "32812033543"
    assert photo.licence_id and photo.author.user_id
    assert session.calls[0]["params"]["method"] == "flickr.photos.getInfo"


# ----------------------------------------------------------------------
# Owner profiles
# ----------------------------------------------------------------------
def test_real_owner_profile(session):
    queue(session, recorded("TestGetUser.test_get_user_by_id")[0])
    profile = flickr(session).get_profile(user_id="199258389@N04")
    assert profile.user_id == "199258389@N04"
    assert profile.handle == "alexwlchan" and profile.display_name == "Alex Chan"
    assert profile.profile_url == "https://www.flickr.com/people/alexwlchan/"
    assert profile.bio == "Tech lead at the Flickr Foundation."
    assert profile.avatar_url.endswith("/buddyicons/199258389@N04.jpg")
    assert timed(session)


def test_real_deleted_user_is_refused_in_our_words(session):
    """stat="fail" comes with HTTP 200: still an error, with Flickr's words
    kept for the log only."""
    queue(session, recorded("TestGetUser.test_get_deleted_user_id")[0])
    with pytest.raises(RequestRefused) as caught:
        flickr(session).get_profile(user_id="48143042@N05")
    assert caught.value.code == "flickr-5"
    assert "User deleted" not in str(caught.value)
    assert caught.value.detail == "User deleted"


# ----------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("exchange", "error"),
    [
        (lambda: recorded("test_it_throws_if_bad_auth")[0], AuthenticationError),
        (lambda: recorded("test_a_persistent_error_201_is_raised")[0], PlatformUnavailable),
        (lambda: recorded("test_a_persistent_5xx_error_is_raised")[0], PlatformUnavailable),
        (lambda: errors("search_unavailable"), PlatformUnavailable),
        (lambda: errors("rate_limited"), RateLimitError),
        (lambda: errors("unavailable"), PlatformUnavailable),
        (lambda: errors("malformed"), MalformedResponse),
        (lambda: errors("entity_bomb"), MalformedResponse),
    ],
)
def test_errors_become_connector_errors(session, exchange, error):
    queue(session, exchange())
    with pytest.raises(error) as caught:
        flickr(session).fetch(TAG, {"min_upload_date": 1})
    assert "<" not in str(caught.value)  # never the platform's body
    if error is RateLimitError:
        assert caught.value.retry_at and caught.value.transient


def test_no_api_key_no_request(session):
    with pytest.raises(AuthenticationError):
        flickr(session, {}).fetch(TAG, None)
    assert not session.calls


# ----------------------------------------------------------------------
# Comments: the reply channel, OAuth 1.0a
# ----------------------------------------------------------------------
def _oauth_params(header):
    header = header.decode() if isinstance(header, bytes) else header
    assert header.startswith("OAuth ")
    pairs = [part.strip().split("=", 1) for part in header[6:].split(",")]
    return {k: unquote(v.strip('"')) for k, v in pairs}


def _enc(value):
    return quote(str(value), safe="~")


def test_real_comment_is_posted_signed_with_hmac_sha1(session):
    queue(session, recorded("TestPostComment.test_can_successfully_post_a_comment")[0])
    text = "This is a comment posted by the Flickypedia unit tests"
    post = flickr(session, OAUTH).reply(text, in_reply_to="53373661077")
    assert post.external_id == "199226260-53373661077-72157720318042413"
    assert post.conversation_key == "53373661077" and post.parent_external_id == "53373661077"
    assert post.text == text and post.author.handle == "flickypedia"
    call = session.calls[0]
    assert call["method"] == "POST" and timed(session)
    raw = call["body"]
    body = dict(parse_qsl(raw.decode() if isinstance(raw, bytes) else raw))
    assert body == {
        "method": "flickr.photos.comments.addComment",
        "photo_id": "53373661077",
        "comment_text": text,
    }
    oauth = _oauth_params(call["headers"]["Authorization"])
    assert oauth["oauth_signature_method"] == "HMAC-SHA1"
    assert oauth["oauth_consumer_key"] == "test-key" and oauth["oauth_token"] == "72157-token"
    # recompute the RFC 5849 signature by hand (section 3.4): base string
    # of method, URL and all parameters, key "consumer secret&token secret"
    signature = oauth.pop("oauth_signature")
    params = sorted((_enc(k), _enc(v)) for k, v in [*body.items(), *oauth.items()])
    normalized = "&".join(f"{k}={v}" for k, v in params)
    base = "&".join(["POST", _enc("https://api.flickr.com/services/rest/"), _enc(normalized)])
    key = f"{_enc('test-secret')}&{_enc('token-secret')}".encode()
    expected = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()
    assert signature == expected


def test_real_comment_refusals(session):
    queue(session, recorded("TestPostComment.test_throws_if_not_allowed_to_post_comment")[0])
    with pytest.raises(AccessLevelError) as caught:
        flickr(session, OAUTH).reply("Mogen wij je foto gebruiken?", "53374767803")
    assert caught.value.code == "flickr-99"
    queue(session, recorded("TestPostComment.test_throws_if_invalid_oauth_signature")[0])
    with pytest.raises(AuthenticationError) as caught:
        flickr(session, OAUTH).reply("Mogen wij je foto gebruiken?", "53374767803")
    assert caught.value.code == "signature_invalid"
    assert "oauth_consumer_key" not in str(caught.value)


def test_comment_without_a_token_is_refused_before_sending(session):
    with pytest.raises(AuthenticationError, match="OAuth"):
        flickr(session, KEYS).reply("hi", "1")
    assert not session.calls


def test_real_comments_list_is_the_photo_conversation(session):
    queue(session, recorded("TestListAllComments.test_if_no_realname_then_empty")[0])
    comments = flickr(session).comments("40373414385")
    assert len(comments) == 1
    comment = comments[0]
    assert comment.conversation_key == "40373414385"
    assert comment.author.user_id == "47201412@N02" and comment.author.handle == "pellethepoet"
    assert comment.author.display_name == "pellethepoet"  # no real name: the user name
    assert comment.posted_at == datetime(2018, 5, 13, 14, 20, 40)


def test_connection_with_a_token_asks_flickr_who_we_are(session):
    queue(session, errors("test_login"))
    queue(session, recorded("TestGetUser.test_get_user_by_id")[0], method="flickr.people.getInfo")
    profile = flickr(session, OAUTH).test_connection()
    assert profile.handle == "alexwlchan"
    assert session.calls[0]["method"] == "POST"
    assert "oauth_signature" in _oauth_params(session.calls[0]["headers"]["Authorization"])


def test_extras_ask_what_the_campaign_needs():
    for extra in ("owner_name", "license", "date_upload", "date_taken", "tags", "url_l"):
        assert extra in EXTRAS.split(",")


# ----------------------------------------------------------------------
# Connect: the OAuth 1.0a three-legged flow
# ----------------------------------------------------------------------
def oauth_step(name):
    return local_recording("flickr", "oauth.json")[name]


def _verify_signature(call, consumer_secret, token_secret=""):
    """Recompute the HMAC-SHA1 signature (RFC 5849, 3.4) of a call."""
    oauth = _oauth_params(call["headers"]["Authorization"])
    signature = oauth.pop("oauth_signature")
    params = sorted((_enc(k), _enc(v)) for k, v in oauth.items())
    normalized = "&".join(f"{k}={v}" for k, v in params)
    base = "&".join([call["method"], _enc(call["url"].split("?")[0]), _enc(normalized)])
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    expected = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()
    assert signature == expected
    return oauth


def test_oauth_three_steps(session):
    from social_crm.connectors import flickr as fl  # noqa: PLC0415

    callback = "https://odoo.example/social_crm/oauth/callback?state=abc"
    session.add(
        "POST",
        r"^https://www\.flickr\.com/services/oauth/request_token$",
        raw=oauth_step("request_token")["raw"],
    )
    request = fl.oauth_request_token(session, "test-key", "test-secret", callback)
    assert request.token == "72157626737672178-022bbd2f4c2f3432"
    assert request.secret == "fccb68c4e6103197"
    sent = _verify_signature(session.calls[0], "test-secret")
    assert sent["oauth_callback"] == callback and "oauth_token" not in sent
    url = fl.oauth_authorize_url(request.token)
    assert url == (
        "https://www.flickr.com/services/oauth/authorize"
        "?oauth_token=72157626737672178-022bbd2f4c2f3432&perms=write"
    )
    session.add(
        "POST",
        r"^https://www\.flickr\.com/services/oauth/access_token$",
        raw=oauth_step("access_token")["raw"],
    )
    access = fl.oauth_access_token(
        session, "test-key", "test-secret", request.token, request.secret, "5d1b96a26b494074"
    )
    assert access == fl.OAuth1Token(
        "72157626318069415-087bfc7b5816092c", "a202d1f853ec69de", "21207597@N07", "jamalfanaian"
    )
    sent = _verify_signature(session.calls[1], "test-secret", request.secret)
    assert sent["oauth_verifier"] == "5d1b96a26b494074" and sent["oauth_token"] == request.token
    assert timed(session)


def test_oauth_refusal_is_an_authentication_error(session):
    from social_crm.connectors import flickr as fl  # noqa: PLC0415

    exchange = oauth_step("token_rejected")
    session.add("POST", r"/services/oauth/access_token$", status=401, raw=exchange["raw"])
    with pytest.raises(AuthenticationError) as caught:
        fl.oauth_access_token(session, "k", "s", "t", "ts", "v")
    assert caught.value.code == "token_rejected"
