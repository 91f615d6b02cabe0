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
