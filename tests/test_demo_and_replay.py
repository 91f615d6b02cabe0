from datetime import datetime
from pathlib import Path

import pytest
import requests

from social_crm.connectors import StreamSpec, TimeoutSession, get_connector
from social_crm.connectors.demo import load_sample
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
    end = conn.fetch(spec, {"offset": 999})
    assert end.posts == [] and end.cursor == {"offset": 999}


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
