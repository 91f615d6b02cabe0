"""Who becomes a fan, and when fans drop out, without a database."""

import doctest
from datetime import datetime

from social_crm import fans


def test_doctests():
    assert doctest.testmod(fans).failed == 0


def test_instagram_has_no_likers_only_commenters_mentioners_and_senders():
    assert not fans.reaction_makes_fan("instagram", "like")
    assert not fans.reaction_makes_fan("instagram", "dm_reaction:love")
    for private, reply in ((False, True), (False, False), (True, False)):
        assert fans.post_makes_fan("instagram", private=private, reply=reply)


def test_facebook_reactions_and_comments_but_not_messages():
    assert fans.reaction_makes_fan("facebook", "reaction:haha")
    assert not fans.reaction_makes_fan("facebook", "dm_reaction")
    assert fans.post_makes_fan("facebook", private=False, reply=True)
    assert not fans.post_makes_fan("facebook", private=False, reply=False)  # a review, a post
    assert not fans.post_makes_fan("facebook", private=True, reply=False)


def test_other_platforms_have_follower_lists_not_fans():
    for platform in ("x", "mastodon", "bluesky", "flickr"):
        assert not fans.reaction_makes_fan(platform, "like")
        assert not fans.post_makes_fan(platform, private=False, reply=True)


def test_drop_out_is_counted_in_calendar_months():
    now = datetime(2026, 12, 3, 11, 0)
    assert fans.drop_out_before(now, 12) == datetime(2025, 12, 3, 11, 0)
    assert fans.drop_out_before(now, -1) is None
