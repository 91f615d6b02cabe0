"""Triage rules in plain Python: priority score, round-robin choice, spikes.

No Odoo here: the models gather the facts (intent, reach, customer value,
waiting time, open conversations per agent, post counts per hour) and these
functions decide. Each returns its reasons, so the inbox can say *why*.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

# Points for what the post says: a complaint outranks a question, which
# outranks praise; an angry tone adds to any of them.
INTENT_POINTS = {"complaint": 35, "question": 25, "praise": 5, "other": 5}
SENTIMENT_POINTS = {"negative": 10, "neutral": 0, "positive": 0}
REACH_MAX = 20  # 1,000,000 followers or more
VERIFIED_POINTS = 3
CUSTOMER_POINTS = 8  # any linked contact
VALUE_MAX = 7  # value 100,000 or more (company currency)
WAIT_MAX = 20
WAIT_FULL_MINUTES = 120  # waiting this long earns all waiting points


def reach_points(followers, verified=False):
    """0..REACH_MAX on a log scale: 100 followers 6.7, 10,000 13.3."""
    points = REACH_MAX * min(math.log10(max(followers or 0, 0) + 1) / 6, 1.0)
    return points + (VERIFIED_POINTS if verified else 0)


def value_points(linked, value=0.0):
    """A linked contact counts; their sales or invoiced value adds to it."""
    if not linked:
        return 0.0
    return CUSTOMER_POINTS + VALUE_MAX * min(math.log10(max(value or 0, 0) + 1) / 5, 1.0)


def wait_points(minutes):
    """Grows linearly while the post is unanswered, capped after two hours."""
    return WAIT_MAX * min(max(minutes or 0, 0) / WAIT_FULL_MINUTES, 1.0)


def priority_score(
    intent=None,
    sentiment=None,
    followers=0,
    verified=False,
    linked=False,
    value=0.0,
    waiting_minutes=0,
):
    """A score from 0 to 100 and its parts, rounded to one decimal.

    >>> priority_score("complaint", "negative", followers=50_000)[0]
    60.7
    """
    parts = {
        "intent": INTENT_POINTS.get(intent, INTENT_POINTS["other"]),
        "sentiment": SENTIMENT_POINTS.get(sentiment, 0),
        "reach": reach_points(followers, verified),
        "customer": value_points(linked, value),
        "waiting": wait_points(waiting_minutes),
    }
    parts = {key: round(val, 1) for key, val in parts.items()}
    return round(min(sum(parts.values()), 100.0), 1), parts


# --------------------------------------------------------------------------
# Round-robin with a capacity per agent
# --------------------------------------------------------------------------
@dataclass
class Agent:
    user_id: int
    capacity: int
    open_count: int = 0
    online: bool = True
    last_assigned: float = 0.0  # a timestamp; 0 = never


def assign(agents, count):
    """Who gets each of ``count`` new conversations, in order.

    Only online agents below their capacity take work; the one with the
    fewest open conversations goes first, and among equals the one who
    waited longest since their last assignment. Conversations left over
    when everybody is full get ``None``: they stay unassigned.
    """
    pool = [a for a in agents if a.online and a.capacity > a.open_count]
    result = []
    tick = max([a.last_assigned for a in agents] + [0.0])
    for _ in range(count):
        pool = [a for a in pool if a.capacity > a.open_count]
        if not pool:
            result.append(None)
            continue
        agent = min(pool, key=lambda a: (a.open_count, a.last_assigned, a.user_id))
        agent.open_count += 1
        tick += 1
        agent.last_assigned = tick
        result.append(agent.user_id)
    return result


# --------------------------------------------------------------------------
# Spikes
# --------------------------------------------------------------------------
def spike(count, baseline, factor=3.0, min_count=10):
    """Is ``count`` well above ``baseline`` (e.g. the same hour last week)?

    A spike needs at least ``min_count`` posts, so three posts instead of one
    at night do not wake anybody, and ``factor`` times the baseline (a
    baseline of 0 counts as 1).
    """
    return count >= min_count and count >= factor * max(baseline, 1)


def negative_spike(negative, total, baseline_negative, baseline_total, factor=3.0, min_count=10):
    """Is the negative share well above its baseline, with enough posts?

    The baseline share gets a floor of 10 %, so a week with no complaints
    does not make two angry posts a crisis.
    """
    if negative < min_count or not total:
        return False
    share = negative / total
    base = baseline_negative / baseline_total if baseline_total else 0.0
    return share >= min(factor * max(base, 0.10), 1.0) or spike(
        negative, baseline_negative, factor, min_count
    )


# --------------------------------------------------------------------------
# Business time over work intervals (naive UTC (start, end) pairs, in order)
# --------------------------------------------------------------------------
def plan_business_hours(intervals, start, hours):
    """The moment ``hours`` of business time after ``start``, walking the
    ``intervals`` (an iterable, possibly endless); None when they run out.

    >>> from datetime import datetime as dt
    >>> friday = (dt(2026, 11, 20, 8), dt(2026, 11, 20, 16))
    >>> monday = (dt(2026, 11, 23, 8), dt(2026, 11, 23, 16))
    >>> plan_business_hours([friday, monday], dt(2026, 11, 20, 15, 30), 1)
    datetime.datetime(2026, 11, 23, 8, 30)
    >>> plan_business_hours([friday, monday], dt(2026, 11, 20, 7), 0)
    datetime.datetime(2026, 11, 20, 8, 0)
    """
    left = max(hours, 0) * 3600
    for begin, end in intervals:
        if end <= start:
            continue
        begin = max(begin, start)
        span = (end - begin).total_seconds()
        if left <= span:
            return begin + timedelta(seconds=left)
        left -= span
    return None


def business_hours_between(intervals, start, end):
    """Hours of the ``intervals`` between ``start`` and ``end`` (>= start).

    >>> from datetime import datetime as dt
    >>> day = [(dt(2026, 11, 20, 8), dt(2026, 11, 20, 16))]
    >>> business_hours_between(day, dt(2026, 11, 20, 15), dt(2026, 11, 21))
    1.0
    """
    total = 0.0
    for begin, stop in intervals:
        overlap = (min(stop, end) - max(begin, start)).total_seconds()
        if overlap > 0:
            total += overlap
    return total / 3600


# --------------------------------------------------------------------------
# A conversation's facts, as the models read them (naive UTC datetimes;
# False or None where Odoo has no value)
# --------------------------------------------------------------------------
# the strongest intent of a conversation's posts is the conversation's
INTENT_RANK = {"complaint": 3, "question": 2, "praise": 1, "other": 0}


@dataclass
class Facts:
    """What the workflow, SLA and notification rules need of a conversation."""

    state: str = "new"
    intent: str = False
    sentiment: str = False
    identity_id: int = False
    last_message_at: object = False
    first_inbound_at: object = False
    first_response_at: object = False
    awaiting_since: object = False
    sla_state: str = "none"
    sla_first_deadline: object = False
    sla_deadline: object = False
    sla_resolution_deadline: object = False
    sla_warned_for: object = False
    sla_breach_notified_for: object = False


@dataclass
class PostFacts:
    """One stored post of a conversation."""

    id: int
    direction: str  # "in" or "out"
    posted_at: object
    received_at: object = False
    intent: str = False
    sentiment: str = False
    author_identity_id: int = False


# --------------------------------------------------------------------------
# Workflow: state, times, intent and sentiment after new posts
# --------------------------------------------------------------------------
def workflow_values(facts, posts):
    """Field values after new ``posts`` (PostFacts, in the order the batch
    holds them, at least one) arrive in the conversation of ``facts``.

    An incoming post reopens an answered or closed conversation and starts
    the wait (from the oldest unanswered post); our reply marks it replied,
    sets the first response once and ends the wait when it answers every
    incoming post of the batch; the strongest intent wins, the latest
    incoming post gives the sentiment.
    """
    incoming = [p for p in posts if p.direction == "in"]
    outgoing = [p for p in posts if p.direction != "in"]
    vals = {
        "last_message_at": max(
            [facts.last_message_at or posts[0].posted_at] + [p.posted_at for p in posts]
        )
    }
    if incoming:
        latest = max(incoming, key=lambda p: (p.posted_at, p.id))
        intents = [facts.intent or "other"] + [p.intent or "other" for p in incoming]
        vals.update(
            intent=max(intents, key=INTENT_RANK.get),
            sentiment=latest.sentiment or facts.sentiment,
        )
        if not facts.identity_id:
            vals["identity_id"] = incoming[0].author_identity_id
        if not facts.first_inbound_at:
            vals["first_inbound_at"] = min(p.posted_at for p in incoming)
        if facts.state in ("replied", "closed"):
            vals["state"] = "open"
        if not facts.awaiting_since or outgoing:
            vals["awaiting_since"] = min(p.posted_at for p in incoming)
    if outgoing:
        answered = max(p.received_at for p in outgoing)
        vals["state"] = "replied"
        if not facts.first_response_at:
            vals["first_response_at"] = min(p.received_at for p in outgoing)
        if not incoming or max(p.posted_at for p in incoming) <= answered:
            vals["awaiting_since"] = False
        vals["reply_lock_user_id"] = vals["reply_lock_until"] = False
    return vals


# --------------------------------------------------------------------------
# Service level: deadlines, state, and who hears about it
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class SlaTargets:
    """A policy's targets, in business hours."""

    first_response_hours: float
    next_response_hours: float
    resolution_hours: float
    warning_percent: float = 80


def sla_values(facts, targets, now, deadline, business_hours, policy_changed=False):
    """SLA deadlines and state of a conversation as of ``now``.

    ``targets`` is None when no policy applies. ``deadline(start, hours)``
    gives the moment ``hours`` business hours after ``start``;
    ``business_hours(start, end)`` the business hours between them
    (negative when ``end`` is earlier). ``policy_changed``: the deadlines
    are set anew from the first post. Returns the field values to write.

    - waiting for our first answer: due at the first-response deadline;
      after an answer a new post is due ``next_response_hours`` later;
    - "warning" once ``warning_percent`` of that time is used, "breached"
      when it is past;
    - answered or closed: the cycle that ended is "met" or "breached", once;
    - past the resolution deadline and not closed: "breached", answered or not.
    """
    if not targets or not facts.first_inbound_at:
        return {"sla_state": "none", "sla_deadline": False}
    vals = {}
    if policy_changed or not facts.sla_first_deadline:
        vals["sla_first_deadline"] = deadline(facts.first_inbound_at, targets.first_response_hours)
        vals["sla_resolution_deadline"] = deadline(facts.first_inbound_at, targets.resolution_hours)
    first_due = vals.get("sla_first_deadline", facts.sla_first_deadline)
    if facts.state == "closed" or not facts.awaiting_since:
        # answered (or closed): judge the cycle that just ended, once
        due = False
        if facts.sla_deadline:
            state = "met" if now <= facts.sla_deadline else "breached"
        else:
            state = facts.sla_state if facts.sla_state in ("met", "breached") else "met"
    else:
        if facts.first_response_at:
            hours = targets.next_response_hours
            due = facts.sla_deadline or deadline(facts.awaiting_since, hours)
        else:
            due, hours = first_due, targets.first_response_hours
        left = business_hours(now, due)
        if left < 0:
            state = "breached"
        elif left <= hours * (100 - targets.warning_percent) / 100:
            state = "warning"
        else:
            state = "running"
    resolution_due = vals.get("sla_resolution_deadline", facts.sla_resolution_deadline)
    if facts.state != "closed" and resolution_due and now > resolution_due:
        state = "breached"  # not resolved in time, answered or not
    vals.update(sla_deadline=due, sla_state=state)
    return vals


def sla_notice(facts, now):
    """Which SLA message a conversation's people get now, once per deadline:
    ``("breached", due)`` for the assignee and the team lead, ``("warning",
    due)`` for the assignee, or None. An answered but unresolved
    conversation past its resolution deadline counts against that deadline.
    """
    due = facts.sla_deadline
    resolution_due = facts.sla_resolution_deadline
    if not due and facts.state != "closed" and resolution_due and now > resolution_due:
        due = resolution_due
    if not due:
        return None
    if facts.sla_state == "breached" and facts.sla_breach_notified_for != due:
        return "breached", due
    if facts.sla_state == "warning" and facts.sla_warned_for != due:
        return "warning", due
    return None


# --------------------------------------------------------------------------
# Assignment: which agent takes which waiting conversation
# --------------------------------------------------------------------------
def plan_assignment(pending, agents):
    """Pairs ``(key, user_id or None)``: the highest priority first (older
    first among equals), each going to the agent :func:`assign` picks.

    ``pending``: ``(key, priority_score, since)`` per conversation, ``since``
    a datetime (its first post, else its creation).
    """
    ordered = sorted(pending, key=lambda item: (-(item[1] or 0.0), item[2]))
    picks = assign(agents, len(ordered))
    return [(item[0], user_id) for item, user_id in zip(ordered, picks, strict=True)]


# --------------------------------------------------------------------------
# Priority of a conversation (once per conversation, as of ``now``)
# --------------------------------------------------------------------------
def waiting_minutes(facts, now):
    """Minutes the conversation has waited for us; 0 when answered or closed."""
    if not facts.awaiting_since or facts.state == "closed":
        return 0
    return (now - facts.awaiting_since).total_seconds() / 60


def reasons_text(parts):
    """The parts of a score that count, as the inbox shows them:
    ``"intent 35, sentiment 10, waiting 5"``."""
    return ", ".join(f"{key} {value:g}" for key, value in parts.items() if value)


def conversation_priority(facts, now, followers=0, verified=False, linked=False, value=0.0):
    """``(priority_score, priority_reasons)`` of a conversation: its intent
    and sentiment (``facts``), its author's reach, the customer's value and
    how long it has waited as of ``now``."""
    score, parts = priority_score(
        facts.intent,
        facts.sentiment,
        followers,
        verified,
        linked,
        value,
        waiting_minutes(facts, now),
    )
    return score, reasons_text(parts)
