"""Spread tracking: ``fetch_metrics`` of every connector, replayed.

Real recordings where they exist (tweepy's ``GET /2/tweets?ids=`` lookup,
Mastodon.py's statuses of mastodon.social and its 404, the atproto SDK's
post view), else the self-written ``metrics.json`` fixtures, labelled as
such, that follow the platforms' documented answers.
"""

import pytest

from social_crm.connectors import AccessLevelError, Metrics, RateLimitError, get_connector
from social_crm.connectors.base import DEFAULT_TIMEOUT
from social_crm.connectors.testing import local_recording, shared_recording

X_IDS = ["1293593516040269825", "1293595870563381249"]
THREAD_URI = "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22"
ANNA_URI = "at://did:plc:hollandia2customer7anna/app.bsky.feed.post/3lbqzk2xyz22a"


@pytest.fixture
def session(session):
    session.default_timeout = None  # every call must carry the connector's own
    return session


def timed(session):
    return session.calls and all(c["timeout"] for c in session.calls)


# ----------------------------------------------------------------------
# X: GET /2/tweets, 100 ids a call, billed per post
# ----------------------------------------------------------------------
def x(session):
    # tweepy passes no timeout: the injected session's default applies
    session.default_timeout = DEFAULT_TIMEOUT
    return get_connector("x", {"bearer_token": "AAAA-test-bearer"}, session)


def test_x_lookup_real_recording_asks_public_metrics(session, x_recording):
    """The real recording of GET /2/tweets?ids= (asked without
    public_metrics): the request carries both ids and the field; posts the
    answer gives no counts for are left out, not counted as zero."""
    session.add_recording(x_recording("test_client_get_tweets")[0])
    found = x(session).fetch_metrics(X_IDS)
    assert found == {}
    (call,) = session.calls
    assert call["url"].startswith("https://api.twitter.com/2/tweets?")
    assert call["params"]["ids"] == ",".join(X_IDS)
    assert call["params"]["tweet.fields"] == "public_metrics"
    assert call["headers"]["Authorization"] == "Bearer AAAA-test-bearer"
    assert timed(session)


def test_x_public_metrics_mapped_and_missing_post_left_out(session):
    session.add_recording(local_recording("x", "metrics.json")["lookup"])
    found = x(session).fetch_metrics([*X_IDS, "1578516295611748399", "dm:1"])
    assert found == {
        X_IDS[0]: Metrics(reposts=12, quotes=3, likes=40, replies=7),
        X_IDS[1]: Metrics(reposts=0, quotes=0, likes=2, replies=1),
    }
    # the DM is never asked for
    assert session.calls[0]["params"]["ids"].split(",") == [*X_IDS, "1578516295611748399"]


def test_x_batch_of_100_billed_per_post(session):
    connector = x(session)
    assert connector.metrics_batch == 100
    assert connector.metrics_calls(250) == 250  # the post cap counts posts
    session.add_recording(local_recording("x", "metrics.json")["lookup"])
    connector.fetch_metrics([str(10**18 + i) for i in range(150)])
    assert len(session.calls[0]["params"]["ids"].split(",")) == 100


def test_x_rate_limit_raises_rate_limit_error(session):
    session.add_recording(local_recording("x", "metrics.json")["rate_limited"])
    with pytest.raises(RateLimitError) as caught:
        x(session).fetch_metrics(X_IDS)
    assert caught.value.retry_at and caught.value.scope == "window"


# ----------------------------------------------------------------------
# Mastodon: GET /api/v1/statuses/:id (real recordings)
# ----------------------------------------------------------------------
def mastodon(session, url="https://mastodon.social"):
    return get_connector("mastodon", {"instance_url": url, "access_token": "tok"}, session)


def test_mastodon_counts_from_real_statuses(session):
    exchanges = shared_recording(
        "mastodon", "decoded", "entity_tests_mastodon_social", "test_entity_status.json"
    )
    for exchange in exchanges:
        session.add_recording(exchange)
    ids = ["110446223051565765", "110446183735368325"]
    found = mastodon(session).fetch_metrics(ids)
    assert found == {
        ids[0]: Metrics(reposts=0, likes=1, replies=0),
        ids[1]: Metrics(),
    }
    assert [c["url"] for c in session.calls] == [
        f"https://mastodon.social/api/v1/statuses/{i}" for i in ids
    ]
    assert all(c["timeout"] == DEFAULT_TIMEOUT for c in session.calls)
    assert all(c["headers"]["Authorization"] == "Bearer tok" for c in session.calls)


def test_mastodon_deleted_status_left_out(session):
    # real 404 of a dev instance (localhost: the URL policy is tested elsewhere)
    session.url_policy = False
    session.add_recording(shared_recording("mastodon", "decoded", "test_status_missing.json")[0])
    assert mastodon(session, "http://localhost:3000").fetch_metrics(["0"]) == {}


def test_mastodon_one_call_per_post():
    connector = mastodon(None)
    assert (connector.metrics_batch, connector.metrics_calls(3)) == (20, 3)


# ----------------------------------------------------------------------
# Bluesky: app.bsky.feed.getPosts, 25 uris a call
# ----------------------------------------------------------------------
def bluesky(session):
    session.add_recording(local_recording("bluesky", "session.json")["create_session"])
    creds = {"handle": "warenhuishollandia.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
    return get_connector("bluesky", creds, session)


def test_bluesky_real_post_view_in_get_posts(session):
    """The real recorded post view (getPostThread's post) in getPosts'
    documented envelope: its counts are read as they come (0 each)."""
    view = shared_recording("bluesky", "test_data", "thread_view_post_with_embed_media.json")
    session.add(
        "GET", r"/xrpc/app\.bsky\.feed\.getPosts(\?|$)", body={"posts": [view["thread"]["post"]]}
    )
    found = bluesky(session).fetch_metrics([THREAD_URI])
    assert found == {THREAD_URI: Metrics()}
    call = session.calls[-1]
    assert call["params"]["uris"] == THREAD_URI
    assert call["timeout"] == DEFAULT_TIMEOUT


def test_bluesky_counts_and_25_uris_a_call(session):
    session.add_recording(local_recording("bluesky", "metrics.json")["get_posts"])
    connector = bluesky(session)
    uris = [THREAD_URI, ANNA_URI] + [f"at://did:plc:x/app.bsky.feed.post/{i}" for i in range(30)]
    found = connector.fetch_metrics([*uris, "dm:abc"])
    assert found == {
        THREAD_URI: Metrics(reposts=9, quotes=2, likes=31, replies=4),
        ANNA_URI: Metrics(reposts=1),
    }
    url = session.calls[-1]["url"]
    assert url.count("uris=") == 25 and "dm%3Aabc" not in url
    assert connector.metrics_calls(26) == 2


def test_bluesky_rate_limit(session):
    session.add_recording(local_recording("bluesky", "metrics.json")["rate_limited"])
    with pytest.raises(RateLimitError):
        bluesky(session).fetch_metrics([THREAD_URI])


# ----------------------------------------------------------------------
# Meta: comment and reaction counts, a multiple-id read
# ----------------------------------------------------------------------
META = {"page_id": "1234567890321", "page_access_token": "EAAB-page", "app_secret": "s3cret"}


def test_facebook_comment_and_reaction_counts(session):
    session.add_recording(local_recording("meta", "metrics.json")["counts"])
    connector = get_connector("facebook", META, session)
    ids = ["1234567890321_987654321", "987654321_111222333", "gone_1"]
    found = connector.fetch_metrics([*ids, "dm:42"])
    assert found == {
        ids[0]: Metrics(likes=57, replies=14),
        ids[1]: Metrics(likes=0, replies=2),
    }
    (call,) = session.calls
    assert call["params"]["ids"] == ",".join(ids)
    assert "comments.limit(0).summary(total_count)" in call["params"]["fields"]
    assert "reactions.limit(0).summary(total_count)" in call["params"]["fields"]
    assert call["params"]["access_token"] == "EAAB-page" and call["params"]["appsecret_proof"]
    assert call["timeout"] == DEFAULT_TIMEOUT


def test_instagram_and_demo_offer_no_counts(session):
    connector = get_connector("instagram", META, session)
    assert connector.metrics_batch == 0 and connector.metrics_calls(5) == 0
    with pytest.raises(AccessLevelError):
        connector.fetch_metrics(["1"])
    assert not session.calls
