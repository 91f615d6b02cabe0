"""Advocate scores in plain Python: who speaks up for us, and who is this
month's top advocate (the "mayor" who gets a ticket).

No Odoo here: the models gather what each person did (praise, positive
posts, complaints, photos shared with a campaign hashtag, rights granted,
following us) and these functions score it. Recent deeds count most (a
half-life of 30 days); a complaint counts against; reach amplifies a
positive score but never makes one. Each score comes with its reasons.
"""

import math

HALF_LIFE_DAYS = 30
WINDOW_DAYS = 90
POINTS = {
    "praise": 4.0,  # a post praising us
    "positive": 1.5,  # any other positive post
    "photo": 3.0,  # a photo shared with a campaign hashtag
    "rights": 5.0,  # and the rights to it, granted
    "complaint": -3.0,  # a complaint counts against
}
LABELS = {
    "praise": "praise",
    "positive": "positive posts",
    "photo": "photos",
    "rights": "rights granted",
    "complaint": "complaints",
}
#: how a count of one reads
SINGULAR = {"positive posts": "positive post", "photos": "photo", "complaints": "complaint"}
FOLLOWER_POINTS = 4.0  # follows one of our accounts
REACH_BOOST = 0.5  # up to 1.5x for 1,000,000 followers
SCALE = 25.0  # raw points at which the score reaches 63
#: the least score of a top advocate worth crowning
MAYOR_MINIMUM = 40.0


def decay(age_days):
    """The weight of a deed ``age_days`` old: 1 today, 0.5 after 30 days,
    0 beyond the 90-day window.

    >>> decay(0), decay(30), decay(91)
    (1.0, 0.5, 0.0)
    """
    age = max(age_days or 0.0, 0.0)
    if age > WINDOW_DAYS:
        return 0.0
    return 0.5 ** (age / HALF_LIFE_DAYS)


def advocate_score(activities, followers=0, follows_us=False):
    """(score 0..100, reasons) for ``activities``: (kind, age in days) pairs
    with a kind of POINTS. Reasons count each kind within the window.

    >>> advocate_score([("praise", 0), ("photo", 2), ("rights", 1)], follows_us=True)[0]
    46.7
    >>> advocate_score([("complaint", 0), ("complaint", 1), ("praise", 0)])
    (0.0, {'complaints': 2, 'praise': 1})
    """
    raw, counts = 0.0, {}
    for kind, age in activities:
        weight = decay(age)
        if kind not in POINTS or not weight:
            continue
        raw += POINTS[kind] * weight
        counts[LABELS[kind]] = counts.get(LABELS[kind], 0) + 1
    if follows_us:
        raw += FOLLOWER_POINTS
        counts["follows us"] = 1
    if raw <= 0:
        return 0.0, counts
    raw *= 1 + REACH_BOOST * min(math.log10(max(followers or 0, 0) + 1) / 6, 1.0)
    return round(100 * (1 - math.exp(-raw / SCALE)), 1), counts


def describe(reasons):
    """Reasons as a line for people.

    >>> describe({"praise": 3, "photos": 1, "complaints": 2, "follows us": 1})
    '3 praise, 1 photo, 2 complaints, follows us'
    """
    return ", ".join(
        label
        if label == "follows us"
        else f"{count} {SINGULAR.get(label, label) if count == 1 else label}"
        for label, count in reasons.items()
    )


def pick_mayor(candidates, minimum=MAYOR_MINIMUM):
    """The top advocate among ``candidates``: (key, score, last active as a
    sortable value) triples. Ties go to the most recently active, then the
    smaller key; below ``minimum`` nobody is crowned.

    >>> pick_mayor([("a", 50.0, 3), ("b", 50.0, 5), ("c", 20.0, 9)])
    'b'
    >>> pick_mayor([("c", 20.0, 9)]) is None
    True
    """
    eligible = [c for c in candidates if c[1] >= minimum]
    if not eligible:
        return None
    return min(eligible, key=lambda c: (-c[1], _negated(c[2]), c[0]))[0]


def _negated(value):
    """Sort the latest first, whatever the value's type (datetime, number)."""
    return -value.timestamp() if hasattr(value, "timestamp") else -value
