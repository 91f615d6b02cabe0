"""Triage rules without a database: priority, round-robin, spikes."""

import doctest

from social_crm import triage
from social_crm.triage import Agent, assign, negative_spike, priority_score, spike


def test_doctests():
    assert doctest.testmod(triage).failed == 0


def test_complaint_outranks_question_outranks_praise():
    complaint = priority_score("complaint", "negative")[0]
    question = priority_score("question", "neutral")[0]
    praise = priority_score("praise", "positive")[0]
    assert complaint > question > praise


def test_reach_customer_value_and_waiting_raise_the_score():
    base = priority_score("question", "neutral")[0]
    assert priority_score("question", "neutral", followers=20_000)[0] > base
    assert priority_score("question", "neutral", linked=True)[0] > base
    linked = priority_score("question", "neutral", linked=True)[0]
    assert priority_score("question", "neutral", linked=True, value=2_000_000)[0] > linked
    assert priority_score("question", "neutral", waiting_minutes=60)[0] > base
    # waiting points stop growing after two hours
    assert (
        priority_score("question", waiting_minutes=120)[0]
        == priority_score("question", waiting_minutes=10_000)[0]
    )


def test_a_waiting_question_from_a_big_account_beats_fresh_praise():
    score, parts = priority_score("praise", "positive", followers=10)
    assert score < priority_score("question", followers=5_000, waiting_minutes=30)[0]
    assert set(parts) == {"intent", "sentiment", "reach", "customer", "waiting"}


def test_score_is_capped_and_tolerates_missing_facts():
    score, _parts = priority_score(
        "complaint", "negative", 10**9, True, True, 10**9, waiting_minutes=10**6
    )
    assert score <= 100
    assert priority_score(None, None, None, None, False, None, None)[0] == 5.0


def test_round_robin_respects_capacity_and_presence():
    agents = [
        Agent(1, capacity=2),
        Agent(2, capacity=2),
        Agent(3, capacity=1),
        Agent(4, capacity=5, online=False),
    ]
    result = assign(agents, 7)
    assert sorted(r for r in result if r) == [1, 1, 2, 2, 3]
    assert result[5:] == [None, None]
    assert 4 not in result


def test_round_robin_counts_work_already_open_and_rotates():
    agents = [Agent(1, 3, open_count=2), Agent(2, 3, open_count=0), Agent(3, 3, open_count=0)]
    assert assign(agents, 4) == [2, 3, 2, 3]
    # everybody now has 2 open: whoever waited longest goes first
    assert assign(agents, 4) == [1, 2, 3, None]


def test_round_robin_with_nobody_available():
    assert assign([Agent(1, 0), Agent(2, 3, online=False)], 2) == [None, None]
    assert assign([], 1) == [None]


def test_spike_needs_a_minimum_and_a_factor():
    assert not spike(9, 0)  # below the minimum count
    assert spike(10, 0)  # a quiet hour last week counts as 1
    assert not spike(25, 10)
    assert spike(30, 10)


def test_negative_share_spike():
    # usual 10 % negative; now 12 of 20 are negative
    assert negative_spike(12, 20, 10, 100)
    # many posts, the usual share of negatives: no alert
    assert not negative_spike(12, 120, 10, 100)
    # too few negatives to matter
    assert not negative_spike(3, 4, 0, 100)
