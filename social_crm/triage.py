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
