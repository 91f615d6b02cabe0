"""Spread tracking: how fast a post travels in its first day (no Odoo).

Which posts are watched (:func:`should_track`), when their public counts are
read again (:func:`next_check`: 10 minutes after posting, then 20, 40, 80 ...
until 24 hours), the series of readings kept per post (:func:`add_point`),
the spread velocity (:func:`velocity`: weighted interactions per hour over
the last interval) and whether it is a "spreading complaint" to alert on
(:func:`should_alert`). :func:`plan_batch` picks which due posts one account
may look up within its daily budget.

A series is a short list of points ``[minutes after posting, reposts,
quotes, likes, replies]``; the post itself is the point ``[0, 0, 0, 0, 0]``.
"""

import math

#: what one interaction weighs: a repost or quote carries the post to new
#: readers, a reply keeps it alive in the thread, a like only shows approval
WEIGHTS = (("reposts", 3.0), ("quotes", 3.0), ("likes", 1.0), ("replies", 2.0))
#: minutes after posting at which the counts are read: doubling from 10
SCHEDULE = (10, 20, 40, 80, 160, 320, 640, 1280)
#: tracking stops a day after posting
WINDOW_MINUTES = 24 * 60
#: a series never holds more points than this (one per check, plus spare)
MAX_POINTS = 12


def should_track(intent, sentiment, followers, large_account=0, direction="in"):
    """Whether an incoming post is worth watching: a complaint, a negative
    post, or a post by an account with at least ``large_account`` followers
    (0: no account counts as large)."""
    if direction != "in":
        return False
    if intent == "complaint" or sentiment == "negative":
        return True
    return bool(large_account) and (followers or 0) >= large_account


def next_check(age_minutes):
    """Minutes after posting of the next reading for a post ``age_minutes``
    old, or None when the tracking window is over. A post that arrives late
    (an hour old) joins the schedule at its next step."""
    for step in SCHEDULE:
        if step > age_minutes:
            return step
    return None


def weighted(point):
    """The weighted interactions of a point ``[minutes, reposts, quotes,
    likes, replies]``."""
    return sum(weight * (point[i + 1] or 0) for i, (_name, weight) in enumerate(WEIGHTS))


def add_point(series, minutes, metrics, max_points=MAX_POINTS):
    """``series`` with the reading ``metrics`` (an object or dict with
    reposts, quotes, likes, replies) at ``minutes`` after posting. A reading
    at the same minute replaces the last one; the oldest points go first
    once there are ``max_points``."""

    def get(name):
        value = metrics.get(name) if isinstance(metrics, dict) else getattr(metrics, name, 0)
        return max(int(value or 0), 0)

    point = [max(int(round(minutes)), 0)] + [get(name) for name, _weight in WEIGHTS]
    series = [list(p) for p in (series or []) if isinstance(p, (list, tuple)) and len(p) == 5]
    if series and series[-1][0] == point[0]:
        series[-1] = point
    else:
        series.append(point)
    return series[-max_points:]


def velocity(series):
    """Weighted interactions per hour over the last interval of ``series``:
    between its last two points, or since posting when there is one. A drop
    (a deleted repost) counts as no growth, never as negative speed."""
    points = [p for p in series or [] if isinstance(p, (list, tuple)) and len(p) == 5]
    if not points:
        return 0.0
    last = points[-1]
    previous = points[-2] if len(points) > 1 else [0, 0, 0, 0, 0]
    minutes = last[0] - previous[0]
    if minutes <= 0:
        return 0.0
    gained = max(weighted(last) - weighted(previous), 0.0)
    return round(gained * 60.0 / minutes, 2)


def sparkline(series):
    """``[[minutes, weighted interactions], ...]`` of a series, with the
    post itself as the first point: what the sparkline draws."""
    points = [p for p in series or [] if isinstance(p, (list, tuple)) and len(p) == 5]
    return [[0, 0.0]] + [[p[0], weighted(p)] for p in points] if points else []


def is_complaint(intent, sentiment):
    """A spreading *complaint* is a complaint or a negative post."""
    return intent == "complaint" or sentiment == "negative"


def should_alert(speed, threshold, intent, sentiment, alerted=False):
    """Alert once per post: a complaint (or negative post) whose velocity
    reaches ``threshold`` (0: never)."""
    if alerted or not threshold or threshold <= 0:
        return False
    return is_complaint(intent, sentiment) and speed >= threshold


def calls_for(number, batch, per_post=False):
    """What looking up ``number`` posts costs: one call per ``batch`` posts,
    or one unit per post where the platform bills posts (X's post cap)."""
    if number <= 0 or batch <= 0:
        return 0
    return number if per_post else math.ceil(number / batch)


def plan_batch(due, batch, left, per_post=False):
    """Which of the ``due`` posts (most urgent first) one lookup takes:
    ``(taken, skipped, cost)``. ``taken`` is at most one batch and costs at
    most ``left`` of the day's budget; when the budget cannot pay even one
    post, every due post is ``skipped``."""
    due = list(due)
    if batch <= 0:
        return [], due, 0
    taken = due[:batch]
    if per_post:
        taken = taken[: max(left, 0)]
    elif left < 1:
        taken = []
    if not taken:
        return [], due, 0
    return taken, [], calls_for(len(taken), batch, per_post)
