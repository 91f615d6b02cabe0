from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from social_crm.connectors import Connector, StreamSpec, TimeoutSession, get_connector
from social_crm.connectors.demo import DemoConnector, load_sample
from social_crm.connectors.testing import ReplaySession, UnexpectedRequest


def test_demo_sample_is_varied():
    sample = load_sample()
    langs = {p["lang"] for p in sample["posts"]}
    assert {"nl", "en"} <= langs
    assert all(p["author"] in sample["authors"] for p in sample["posts"])
    assert len({p["id"] for p in sample["posts"]}) == len(sample["posts"])


def test_demo_fetch_releases_the_stream_in_order():
    now = datetime(2026, 11, 22, 12, 0)
    conn = get_connector("demo")
    conn._now = now
    spec = StreamSpec("mention", page_size=4)
    first = conn.fetch(spec, None)
    second = conn.fetch(spec, first.cursor)
    assert [p.external_id for p in first.posts] == [
        "demo-1001",
        "demo-1002",
        "demo-1003",
        "demo-1004",
    ]
    assert second.posts[0].external_id == "demo-1005"
    assert all(p.posted_at < now for p in first.posts)
    # past the end of the sample, it plays again as a new round
    end = conn.fetch(spec, {"offset": 999})
    assert [p.external_id for p in end.posts][:2] == ["demo-1001-r1", "demo-1002-r1"]
    assert end.cursor == {"round": 1, "offset": 4}


def test_demo_keyword_stream_filters():
    result = get_connector("demo").fetch(StreamSpec("hashtag", query="#review", page_size=10), None)
    assert [p.external_id for p in result.posts] == ["demo-1005"]


def test_demo_photo_posts_carry_media_on_the_odoo_server():
    connector = get_connector("demo", {"media_base": "http://odoo.test/social_crm"})
    spec = StreamSpec("hashtag", query="#hollandiastijl", page_size=10)
    posts = connector.fetch(spec, None).posts
    assert len(posts) == 3 and all(p.media_urls for p in posts)
    assert posts[0].media_urls == ["http://odoo.test/social_crm/static/img/demo_photo_coat.svg"]
    # the pictures exist in the addon
    addon = Path(__file__).resolve().parent.parent / "social_crm"
    for post in posts:
        assert (addon / post.media_urls[0].split("/social_crm/", 1)[1]).is_file()


def test_demo_reply_threads_under_parent():
    post = get_connector("demo").reply("Dank je!", "demo-1002")
    assert post.parent_external_id == "demo-1002"
    assert post.external_id.startswith("demo-reply-")


def pulls(connector, spec, count, cursor=None):
    """``count`` pulls in a row, as the scheduled action makes them."""
    for _pull in range(count):
        result = connector.fetch(spec, cursor)
        cursor = result.cursor
        yield result


def test_demo_never_runs_dry():
    sample = load_sample()
    conn = get_connector("demo")
    spec = StreamSpec("mention", page_size=4)
    posts = []
    for result in pulls(conn, spec, 10 * len(sample["posts"])):  # many rounds
        assert len(result.posts) == 4, "a pull found nothing"
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        assert all(p.posted_at <= now for p in result.posts), "never in the future"
        posts += result.posts
    ids = [p.external_id for p in posts]
    assert len(set(ids)) == len(ids), "every replayed post has a fresh id"
    # the known customer speaks up at least every 8th post (every two
    # minutes at the demo stream's 4 posts a minute), with varied words
    gaps, gap = [], 0
    for post in posts:
        gap = 0 if post.author.handle == "yesican" else gap + 1
        gaps.append(gap)
    assert max(gaps) < 8
    his = {p.text for p in posts if p.author.handle == "yesican"}
    assert len(his) >= 4


def test_demo_replay_is_idempotent_per_round_and_position():
    conn = get_connector("demo")
    spec = StreamSpec("mention", page_size=4)
    cursor = {"round": 3, "offset": 8}
    first, again = conn.fetch(spec, cursor), conn.fetch(spec, cursor)
    assert [p.external_id for p in first.posts] == [p.external_id for p in again.posts]
    assert first.cursor == again.cursor == {"round": 3, "offset": 12}
    assert all(p.external_id.endswith("-r3") for p in first.posts)


def test_demo_replies_thread_within_their_round():
    conn = get_connector("demo")
    spec = StreamSpec("mention", page_size=100)
    posts = {p.external_id: p for p in conn.fetch(spec, {"round": 2, "offset": 0}).posts}
    follow_up = posts["demo-1009-r2"]
    assert follow_up.parent_external_id == "demo-1001-r2" in posts
    assert follow_up.conversation_key == "demo-1001-r2"
    # his slipped-in posts that answer his first post join it as well
    his = [p for p in posts.values() if p.author.handle == "yesican"]
    assert all(p.conversation_key in ("demo-1001-r2", p.external_id) for p in his)
    # a new round is a new conversation, as a new post would be
    assert posts["demo-1002-r2"].conversation_key == "demo-1002-r2"


def test_demo_photo_stream_replays_too():
    conn = get_connector("demo", {"media_base": "http://odoo.test/social_crm"})
    spec = StreamSpec("hashtag", query="#hollandiastijl", page_size=100)
    first, second = pulls(conn, spec, 2)
    assert len(first.posts) == len(second.posts) == 3
    assert [p.external_id for p in second.posts][0] == "demo-1017-r1"
    assert all(p.media_urls for p in second.posts)


def test_demo_reset_starts_a_new_round():
    assert DemoConnector.restart_cursor(None) == {"round": 1, "offset": 0}
    assert DemoConnector.restart_cursor({"offset": 19}) == {"round": 1, "offset": 0}
    assert DemoConnector.restart_cursor({"round": 4, "offset": 7}) == {"round": 5, "offset": 0}
    # real platforms: the next pull starts from the latest posts
    assert Connector.restart_cursor({"since_id": "9"}) is None
    conn = get_connector("demo")
    spec = StreamSpec("mention", page_size=4)
    restarted = conn.fetch(spec, DemoConnector.restart_cursor({"round": 4, "offset": 7}))
    assert restarted.posts[0].external_id == "demo-1001-r5"


def test_demo_followers_are_each_author_once():
    sample = load_sample()
    result = get_connector("demo").fetch_followers(None)
    handles = [p.handle for p in result.profiles]
    assert sorted(handles) == sorted(sample["authors"]) and not result.has_more
    assert sample["recurring"]["author"] in handles


def test_timeout_session_sets_default_timeout():
    seen = {}

    class Probe(TimeoutSession):
        def send(self, request, **kwargs):
            seen.update(kwargs)
            raise requests.ConnectionError("stop")

    with pytest.raises(requests.ConnectionError):
        Probe().get("http://127.0.0.1:9/")
    assert seen["timeout"] == (5, 30)


def test_replay_refuses_unknown_requests():
    with pytest.raises(UnexpectedRequest):
        ReplaySession().get("https://api.twitter.com/2/users/me")
