"""Workflow and assignment rules without a database."""

from datetime import datetime, timedelta

from social_crm.triage import (
    Agent,
    Facts,
    PostFacts,
    conversation_priority,
    plan_assignment,
    waiting_minutes,
    workflow_values,
)

T0 = datetime(2026, 11, 16, 9, 0)


def post(id_, direction="in", minutes=0, **kw):
    when = T0 + timedelta(minutes=minutes)
    return PostFacts(id=id_, direction=direction, posted_at=when, received_at=when, **kw)


def test_first_incoming_posts_open_the_wait_and_take_the_strongest_intent():
    posts = [
        post(1, minutes=5, intent="praise", sentiment="positive", author_identity_id=7),
        post(2, minutes=2, intent="complaint", sentiment="negative", author_identity_id=8),
    ]
    vals = workflow_values(Facts(), posts)
    assert vals == {
        "last_message_at": T0 + timedelta(minutes=5),
        "intent": "complaint",
        "sentiment": "positive",  # of the latest post
        "identity_id": 7,  # the batch's first incoming post
        "first_inbound_at": T0 + timedelta(minutes=2),
        "awaiting_since": T0 + timedelta(minutes=2),
    }


def test_a_weaker_intent_does_not_lower_the_conversation():
    facts = Facts(state="open", intent="question", sentiment="negative", identity_id=7)
    facts.first_inbound_at = facts.awaiting_since = facts.last_message_at = T0
    vals = workflow_values(facts, [post(3, minutes=9, intent="praise")])
    assert vals["intent"] == "question"
    assert vals["sentiment"] == "negative"  # the post has none: kept
    assert "awaiting_since" not in vals  # still waiting since the first post
    assert "identity_id" not in vals and "first_inbound_at" not in vals


def test_a_new_post_reopens_a_replied_or_closed_conversation():
    for state in ("replied", "closed"):
        facts = Facts(state=state, first_inbound_at=T0, last_message_at=T0, identity_id=7)
        vals = workflow_values(facts, [post(4, minutes=60, intent="question")])
        assert vals["state"] == "open"
        assert vals["awaiting_since"] == T0 + timedelta(minutes=60)


def test_our_reply_answers_the_posts_before_it():
    facts = Facts(state="open", first_inbound_at=T0, awaiting_since=T0, last_message_at=T0)
    vals = workflow_values(facts, [post(5, "out", minutes=20)])
    assert vals == {
        "last_message_at": T0 + timedelta(minutes=20),
        "state": "replied",
        "first_response_at": T0 + timedelta(minutes=20),
        "awaiting_since": False,
        "reply_lock_user_id": False,
        "reply_lock_until": False,
    }
    # a second answer keeps the first response time
    facts.first_response_at = T0 + timedelta(minutes=20)
    assert "first_response_at" not in workflow_values(facts, [post(6, "out", minutes=40)])


def test_a_post_after_our_reply_in_the_same_batch_keeps_the_wait():
    facts = Facts(state="open", first_inbound_at=T0, awaiting_since=T0, last_message_at=T0)
    vals = workflow_values(facts, [post(7, "out", minutes=20), post(8, minutes=30)])
    assert vals["state"] == "replied"
    assert vals["awaiting_since"] == T0 + timedelta(minutes=30)
    # ... but one our reply answers ends it
    vals = workflow_values(facts, [post(9, minutes=10), post(10, "out", minutes=20)])
    assert vals["awaiting_since"] is False


def test_assignment_takes_the_highest_priority_first_then_the_oldest():
    pending = [("a", 10.0, T0), ("b", 50.0, T0 + timedelta(hours=1)), ("c", 50.0, T0)]
    agents = [Agent(1, capacity=5), Agent(2, capacity=5)]
    assert plan_assignment(pending, agents) == [("c", 1), ("b", 2), ("a", 1)]


def test_assignment_round_robin_order_and_full_capacity():
    agents = [
        Agent(1, capacity=2, open_count=1, last_assigned=5.0),
        Agent(2, capacity=2, open_count=1, last_assigned=3.0),
        Agent(3, capacity=1, open_count=1),  # full already
        Agent(4, capacity=9, online=False),
    ]
    pending = [(k, 20.0, T0 + timedelta(minutes=n)) for n, k in enumerate("wxyz")]
    # equal load: who waited longest (agent 2) first; then nobody has room
    assert plan_assignment(pending, agents) == [("w", 2), ("x", 1), ("y", None), ("z", None)]
    assert plan_assignment([], agents) == []


def test_conversation_priority_waits_only_while_unanswered():
    facts = Facts(state="open", intent="complaint", sentiment="negative", awaiting_since=T0)
    hour = T0 + timedelta(hours=1)
    assert waiting_minutes(facts, hour) == 60
    score, reasons = conversation_priority(facts, hour, followers=999)
    assert reasons == "intent 35, sentiment 10, reach 10, waiting 10"
    assert score == 65
    # answered (no wait) or closed: no waiting points
    closed = Facts(**{**facts.__dict__, "state": "closed"})
    for answered in (Facts(state="replied", intent="complaint"), closed):
        assert waiting_minutes(answered, hour) == 0
        assert "waiting" not in conversation_priority(answered, hour)[1]
    # a linked customer with sales outranks the same post from a stranger
    assert conversation_priority(facts, hour, linked=True, value=50_000)[0] > score
