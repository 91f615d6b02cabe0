"""Follower sync: the Connector interface, and X's ``get_users_followers``
against the real recording (bundled) plus self-written error fixtures."""

from datetime import datetime

import pytest

from social_crm.connectors import (
    CONNECTORS,
    AccessLevelError,
    Connector,
    FollowersResult,
    RateLimitError,
    get_connector,
)
from social_crm.connectors.testing import local_recording

READ = {"bearer_token": "AAAA-test-bearer"}


def x(session, creds=READ):
    return get_connector("x", creds, session)


def test_which_connectors_list_followers():
    assert {name for name, cls in CONNECTORS.items() if cls.supports_followers} == {
        "x",
        "mastodon",
        "bluesky",
        "demo",
    }


def test_default_is_a_plain_refusal(session):
    plain = Connector(session=session)
    with pytest.raises(AccessLevelError, match="This platform gives no list of followers."):
        plain.fetch_followers(None)
    assert session.calls == []


def test_demo_followers_are_the_sample_authors(session):
    result = get_connector("demo", session=session).fetch_followers(None)
    assert not result.has_more
    assert "yesican" in {p.handle for p in result.profiles}
    assert session.calls == []


def test_x_followers_first_page_from_recording(session, x_recording):
    session.add_recording(x_recording("test_client_get_users_followers")[0])
    result = x(session).fetch_followers(None, account_user_id="783214")
    assert isinstance(result, FollowersResult)
    assert len(result.profiles) == 100
    first = result.profiles[0]
    assert (first.user_id, first.handle, first.display_name) == (
        "1376998163739987969",
        "Zamari97491661",
        "Za\u2019mari",
    )
    assert first.profile_url == "https://x.com/Zamari97491661"
    assert result.has_more
    assert result.cursor == {"next_token": "5CS0O0C6II61EZZZ"}
    call = session.calls[0]
    assert call["params"]["max_results"] == "100"
    assert "public_metrics" in call["params"]["user.fields"]
    assert "pagination_token" not in call["params"]
    assert call["headers"]["Authorization"] == "Bearer AAAA-test-bearer"
    assert call["timeout"]


def test_x_followers_sweep_ends_on_last_page(session, x_recording):
    session.add_recording(x_recording("test_client_get_users_followers")[0])
    session.add_recording(
        local_recording("x", "followers.json")["last_page"],
        url_pattern=r"/2/users/783214/followers\?.*pagination_token=5CS0O0C6II61EZZZ",
    )
    conn = x(session)
    page1 = conn.fetch_followers(None, account_user_id="783214", page_size=100)
    page2 = conn.fetch_followers(page1.cursor, account_user_id="783214", page_size=100)
    assert not page2.has_more
    assert page2.cursor == {"next_token": None}
    yesican, joris = page2.profiles
    assert (yesican.handle, yesican.followers, yesican.location) == ("yesican", 412, "Amsterdam")
    assert joris.bio == "" and joris.followers == 0


def test_x_followers_finds_our_user_id_by_handle(session, x_recording):
    session.add_recording(
        x_recording("test_client_get_user")[0], url_pattern=r"/2/users/by/username/Twitter"
    )
    session.add_recording(x_recording("test_client_get_users_followers")[0])
    result = x(session, dict(READ, handle="Twitter")).fetch_followers(None, page_size=1000)
    assert len(result.profiles) == 100
    assert session.calls[1]["params"]["max_results"] == "1000"


@pytest.mark.parametrize("name", ["forbidden", "forbidden_tier"])
def test_x_followers_403_means_the_plan(session, name):
    session.add_recording(local_recording("x", "followers.json")[name])
    with pytest.raises(AccessLevelError, match="X API plan does not permit reading followers"):
        x(session).fetch_followers(None, account_user_id="783214")


def test_x_followers_rate_limit(session):
    session.add_recording(local_recording("x", "followers.json")["rate_limited"])
    with pytest.raises(RateLimitError) as info:
        x(session).fetch_followers({"next_token": "abc"}, account_user_id="783214")
    assert info.value.retry_at == datetime(2030, 1, 1, 0, 0)
    assert session.calls[0]["params"]["pagination_token"] == "abc"
