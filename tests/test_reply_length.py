"""Reply length limits, counted the way each platform counts."""

import pytest

from social_crm.connectors import get_connector
from social_crm.connectors.length import graphemes, text_length


def test_each_platform_has_its_limit():
    limits = {
        platform: (get_connector(platform, {}).max_length, get_connector(platform, {}).length_rule)
        for platform in ("x", "mastodon", "bluesky", "facebook", "instagram", "demo")
    }
    assert limits["x"] == (280, "x")
    assert limits["mastodon"] == (500, "mastodon")
    assert limits["bluesky"] == (300, "graphemes")
    assert limits["facebook"][0] >= 8000
    assert limits["instagram"][0] >= 2200


def test_images_go_out_where_the_api_allows():
    media = {
        platform: get_connector(platform, {}).supports_media
        for platform in ("x", "mastodon", "bluesky", "facebook", "instagram", "demo")
    }
    assert media == {
        "x": True,
        "mastodon": True,
        "bluesky": True,
        "facebook": True,
        "instagram": False,  # comments take no image (tests/test_media_out.py)
        "demo": True,
    }


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        ("hello", "chars", 5),
        ("héllo", "graphemes", 5),
        ("he\u0301llo", "graphemes", 5),  # e + combining accent is one
        ("👍🏽", "graphemes", 1),  # emoji + skin tone
        ("👩‍👩‍👧", "graphemes", 1),  # ZWJ family
        ("🇳🇱🇧🇪", "graphemes", 2),  # two flags
        ("hi 👍", "x", 5),  # an emoji weighs 2 on X
        ("日本", "x", 4),  # so does CJK
        ("see https://example.com/a/very/long/path/indeed ok", "x", 4 + 23 + 3),
        ("see https://example.com/a/very/long/path/indeed ok", "mastodon", 4 + 23 + 3),
        ("see https://example.com/a/very/long/path/indeed ok", "chars", 50),
    ],
)
def test_length_rules(text, rule, expected):
    assert text_length(text, rule) == expected


def test_graphemes_keep_every_code_point():
    text = "a\u0301👩‍👩‍👧🇳🇱x"
    assert "".join(graphemes(text)) == text
