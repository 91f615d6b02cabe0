"""The consent funnel's stages, in order, in plain Python.

A person moves forward on real events and never back: the funnel keeps the
furthest stage reached. Whether they may be contacted for marketing is a
separate flag (it follows their consent, which can be withdrawn).
"""

STAGES = [
    ("anonymous", "Anonymous"),
    ("engaged", "Engaged"),
    ("follower", "Follower or fan"),
    ("consented", "Consented"),
    ("lead", "Lead"),
    ("customer", "Customer"),
]
RANK = {stage: rank for rank, (stage, _label) in enumerate(STAGES)}

#: what moved someone forward
SOURCES = [
    ("reply_sent", "We replied"),
    ("reply_received", "They replied to us"),
    ("follow", "They follow us"),
    ("reaction", "They reacted or commented"),
    ("consent", "Consent given"),
    ("lead", "Lead created"),
    ("won", "Lead won"),
    ("sale", "Confirmed sale"),
]


def is_further(current, new):
    """Does ``new`` lie beyond ``current`` (None counts as anonymous)?

    >>> is_further("engaged", "lead"), is_further("lead", "engaged")
    (True, False)
    """
    return RANK[new] > RANK.get(current or "anonymous", 0)


def skipped(current, new):
    """The stages passed over when jumping from ``current`` to ``new``.

    >>> skipped("anonymous", "consented")
    ['engaged', 'follower']
    """
    low, high = RANK.get(current or "anonymous", 0), RANK[new]
    return [stage for stage, _label in STAGES[low + 1 : high]]


# --------------------------------------------------------------------------
# Consent: an append-only list of grant and withdraw events per person and
# purpose; the current status is read from the latest one.
# --------------------------------------------------------------------------
PURPOSES = [
    ("commercial", "Commercial messages"),
    ("content_reuse", "Reuse of their content"),
    ("profile_enrichment", "Profile enrichment"),
]
CONSENT_STATUSES = [
    ("none", "Not asked"),
    ("granted", "Granted"),
    ("withdrawn", "Withdrawn"),
    ("expired", "Expired"),
]


def consent_status(latest_event, expires_at, now):
    """The status a person's latest consent event for one purpose gives.

    ``latest_event`` is ``"grant"``, ``"withdraw"`` or None (never asked);
    ``expires_at`` is the grant's expiry (None: no expiry).

    >>> from datetime import datetime
    >>> now = datetime(2026, 1, 2)
    >>> consent_status("grant", None, now), consent_status("withdraw", None, now)
    ('granted', 'withdrawn')
    >>> consent_status("grant", datetime(2026, 1, 1), now), consent_status(None, None, now)
    ('expired', 'none')
    """
    if latest_event == "withdraw":
        return "withdrawn"
    if latest_event == "grant":
        return "expired" if expires_at and expires_at <= now else "granted"
    return "none"


def latest_per_key(events):
    """The newest of ``events`` for each key.

    ``events`` are ``(key, when, sequence, value)`` tuples; the newest is the
    latest ``when``, then the highest ``sequence`` (a database id), so two
    events in the same second are still told apart.

    >>> latest_per_key([("a", 1, 1, "grant"), ("a", 1, 2, "withdraw"), ("b", 0, 3, "grant")])
    {'a': 'withdraw', 'b': 'grant'}
    """
    newest = {}
    for key, when, sequence, value in events:
        if key not in newest or (when, sequence) > newest[key][0]:
            newest[key] = ((when, sequence), value)
    return {key: value for key, (_order, value) in newest.items()}
