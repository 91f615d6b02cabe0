"""Profile URLs and handles from a spreadsheet (issue 14, handle import)."""

import pytest

from social_crm.social_handles import HandleError, key, parse, parse_platform


@pytest.mark.parametrize(
    ("platform", "value", "expected"),
    [
        ("X", "@YesICan", ("x", "YesICan", "https://x.com/YesICan")),
        ("twitter", "YesICan", ("x", "YesICan", "https://x.com/YesICan")),
        ("", "https://x.com/YesICan", ("x", "YesICan", "https://x.com/YesICan")),
        ("", "https://twitter.com/YesICan/", ("x", "YesICan", "https://twitter.com/YesICan/")),
        ("X (Twitter)", "x.com/yesican?s=20", ("x", "yesican", "https://x.com/yesican?s=20")),
        (
            "",
            "https://mobile.twitter.com/jan_b",
            ("x", "jan_b", "https://mobile.twitter.com/jan_b"),
        ),
        (
            "",
            "https://mastodon.social/@Gargron",
            ("mastodon", "Gargron@mastodon.social", "https://mastodon.social/@Gargron"),
        ),
        (
            "Mastodon",
            "@jan@Fosstodon.org",
            ("mastodon", "jan@fosstodon.org", "https://fosstodon.org/@jan"),
        ),
        (
            "",
            "https://mastodon.nl/@piet@mastodon.social",
            ("mastodon", "piet@mastodon.social", "https://mastodon.nl/@piet@mastodon.social"),
        ),
        (
            "",
            "https://bsky.app/profile/Jay.bsky.team",
            ("bluesky", "jay.bsky.team", "https://bsky.app/profile/Jay.bsky.team"),
        ),
        (
            "bsky",
            "@anna.bsky.social",
            ("bluesky", "anna.bsky.social", "https://bsky.app/profile/anna.bsky.social"),
        ),
        (
            "",
            "https://www.facebook.com/warenhuis.hollandia",
            ("facebook", "warenhuis.hollandia", "https://www.facebook.com/warenhuis.hollandia"),
        ),
        (
            "Facebook",
            "https://facebook.com/profile.php?id=100012345",
            ("facebook", "100012345", "https://facebook.com/profile.php?id=100012345"),
        ),
        (
            "",
            "instagram.com/anna_b.nl/",
            ("instagram", "anna_b.nl", "https://instagram.com/anna_b.nl/"),
        ),
        ("IG", "@anna_b.nl", ("instagram", "anna_b.nl", "https://www.instagram.com/anna_b.nl")),
    ],
)
def test_parse(platform, value, expected):
    assert parse(platform, value) == expected


@pytest.mark.parametrize(
    ("platform", "value", "words"),
    [
        ("MySpace", "@tom", "Unknown platform 'MySpace'"),
        ("X", "@this_name_is_far_too_long", "not a valid X name"),
        ("X", "@jan-de-vries", "not a valid X name"),
        ("Instagram", "anna..b", "not a valid Instagram name"),
        ("Facebook", "abc", "not a valid Facebook name"),
        ("Bluesky", "anna", "not a valid Bluesky handle"),
        ("Mastodon", "@jan", "not a full Mastodon address"),
        ("Mastodon", "@jan@not a host", "not a valid Mastodon address"),
        ("", "@jan", "Which platform"),
        ("X", "https://www.instagram.com/anna", "is an address on Instagram, but the platform"),
        ("", "https://example.com/jan", "not a profile URL of X"),
        ("", "https://x.com/search?q=hollandia", "not the address of a person"),
        ("", "https://bsky.app/search", "not a Bluesky profile"),
        ("Bluesky", "", "No handle or profile URL for Bluesky"),
    ],
)
def test_bad_rows_say_why(platform, value, words):
    with pytest.raises(HandleError) as error:
        parse(platform, value)
    assert words in str(error.value)


def test_empty_row_is_nothing():
    assert parse("", "") is None
    assert parse(None, "  ") is None
    assert parse_platform(" ") == ""


def test_key_ignores_case_and_at():
    assert key("x", "@YesICan") == key("x", "yesican")
    assert key("x", "yesican") != key("mastodon", "yesican")
