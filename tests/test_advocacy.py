"""Advocate scores (social_crm.advocacy), without a database."""

import doctest
from datetime import datetime

from social_crm import advocacy


def test_doctests():
    assert doctest.testmod(advocacy).failed == 0


def score(activities, **kwargs):
    return advocacy.advocate_score(activities, **kwargs)[0]


def test_praise_and_photos_make_an_advocate_complaints_count_against():
    fan = score([("praise", 1), ("praise", 5), ("photo", 2), ("rights", 2)], follows_us=True)
    critic = score([("complaint", 1), ("complaint", 3), ("praise", 4)])
    quiet = score([])
    assert fan > 50 > critic == quiet == 0.0


def test_recent_deeds_count_most_and_old_ones_not_at_all():
    assert score([("praise", 0)]) > score([("praise", 30)]) > score([("praise", 89)]) > 0
    assert score([("praise", 91)]) == 0.0
    assert advocacy.advocate_score([("praise", 120)])[1] == {}


def test_reach_amplifies_a_positive_score_but_never_makes_one():
    assert score([("praise", 0)], followers=100_000) > score([("praise", 0)], followers=10)
    assert score([("complaint", 0)], followers=1_000_000) == 0.0
    assert score([("praise", 0)] * 40, followers=10**9) <= 100.0


def test_unknown_kinds_are_ignored():
    assert advocacy.advocate_score([("retweet", 0)]) == (0.0, {})


def test_the_mayor_is_the_top_advocate_above_the_minimum():
    now = datetime(2026, 12, 1)
    earlier = datetime(2026, 11, 20)
    assert advocacy.pick_mayor([(1, 60.0, earlier), (2, 70.0, earlier)]) == 2
    # a tie goes to the one active most recently
    assert advocacy.pick_mayor([(1, 60.0, earlier), (2, 60.0, now)]) == 2
    assert advocacy.pick_mayor([(1, 39.9, now)]) is None
    assert advocacy.pick_mayor([]) is None
    assert advocacy.pick_mayor([(1, 10.0, now)], minimum=5) == 1
