"""Service-level rules without a database: deadlines, state, notices."""

from datetime import datetime, timedelta

from social_crm.triage import (
    Facts,
    SlaTargets,
    business_hours_between,
    plan_business_hours,
    sla_notice,
    sla_values,
)

T0 = datetime(2026, 11, 16, 9, 0)  # a Monday, 09:00 UTC
TARGETS = SlaTargets(
    first_response_hours=1, next_response_hours=2, resolution_hours=8, warning_percent=80
)


def wall_deadline(start, hours):
    return start + timedelta(hours=hours)


def wall_hours(start, end):
    return (end - start).total_seconds() / 3600


def values(facts, now, targets=TARGETS, **kw):
    return sla_values(facts, targets, now, wall_deadline, wall_hours, **kw)


def waiting(**kw):
    base = {"state": "new", "first_inbound_at": T0, "awaiting_since": T0}
    return Facts(**{**base, **kw})


def test_no_policy_or_no_post_means_no_target():
    assert values(waiting(), T0, targets=None) == {"sla_state": "none", "sla_deadline": False}
    assert values(Facts(), T0) == {"sla_state": "none", "sla_deadline": False}


def test_first_post_sets_first_and_resolution_deadlines():
    vals = values(waiting(), T0)
    assert vals == {
        "sla_first_deadline": T0 + timedelta(hours=1),
        "sla_resolution_deadline": T0 + timedelta(hours=8),
        "sla_deadline": T0 + timedelta(hours=1),
        "sla_state": "running",
    }


def test_deadlines_are_kept_unless_the_policy_changed():
    kept = waiting(sla_first_deadline=T0 + timedelta(hours=5), sla_resolution_deadline=T0)
    vals = values(kept, T0)
    assert "sla_first_deadline" not in vals
    assert vals["sla_deadline"] == T0 + timedelta(hours=5)
    vals = values(kept, T0, policy_changed=True)
    assert vals["sla_first_deadline"] == T0 + timedelta(hours=1)


def test_warning_percent_boundary():
    # 80 % of one hour used = 12 minutes left: at risk from that moment on
    assert values(waiting(), T0 + timedelta(minutes=47))["sla_state"] == "running"
    assert values(waiting(), T0 + timedelta(minutes=48))["sla_state"] == "warning"
    assert values(waiting(), T0 + timedelta(minutes=60))["sla_state"] == "warning"
    assert values(waiting(), T0 + timedelta(minutes=61))["sla_state"] == "breached"
    # warn at 100 %: only the very last moment is "at risk"
    late = SlaTargets(1, 2, 8, warning_percent=100)
    assert values(waiting(), T0 + timedelta(minutes=59), targets=late)["sla_state"] == "running"
    assert values(waiting(), T0 + timedelta(minutes=60), targets=late)["sla_state"] == "warning"


def test_answered_cycle_is_judged_once_met_or_breached():
    due = T0 + timedelta(hours=1)
    answered = Facts(
        state="replied",
        first_inbound_at=T0,
        first_response_at=T0 + timedelta(minutes=30),
        sla_first_deadline=due,
        sla_resolution_deadline=T0 + timedelta(hours=8),
        sla_deadline=due,
        sla_state="running",
    )
    assert values(answered, T0 + timedelta(minutes=30)) == {
        "sla_deadline": False,
        "sla_state": "met",
    }
    assert values(answered, T0 + timedelta(minutes=90))["sla_state"] == "breached"
    # later runs keep the verdict of the ended cycle
    for verdict in ("met", "breached"):
        judged = Facts(**{**answered.__dict__, "sla_deadline": False, "sla_state": verdict})
        assert values(judged, T0 + timedelta(hours=3))["sla_state"] == verdict
    judged = Facts(**{**answered.__dict__, "sla_deadline": False, "sla_state": "warning"})
    assert values(judged, T0 + timedelta(hours=3))["sla_state"] == "met"


def test_next_cycle_after_an_answer_runs_on_the_next_response_target():
    again = waiting(
        state="open",
        first_response_at=T0 + timedelta(minutes=30),
        awaiting_since=T0 + timedelta(hours=2),
        sla_first_deadline=T0 + timedelta(hours=1),
        sla_resolution_deadline=T0 + timedelta(hours=8),
    )
    vals = values(again, T0 + timedelta(hours=2))
    assert vals == {"sla_deadline": T0 + timedelta(hours=4), "sla_state": "running"}
    # 80 % of two hours used: 24 minutes left
    assert values(again, T0 + timedelta(hours=3, minutes=36))["sla_state"] == "warning"
    assert values(again, T0 + timedelta(hours=4, minutes=1))["sla_state"] == "breached"
    # a deadline already set is kept, not moved by a later post
    fixed = Facts(**{**again.__dict__, "sla_deadline": T0 + timedelta(hours=3)})
    assert values(fixed, T0 + timedelta(hours=2))["sla_deadline"] == T0 + timedelta(hours=3)


def test_breach_after_resolution_deadline_even_when_answered_but_not_when_closed():
    base = {
        "first_inbound_at": T0,
        "first_response_at": T0 + timedelta(minutes=10),
        "sla_first_deadline": T0 + timedelta(hours=1),
        "sla_resolution_deadline": T0 + timedelta(hours=8),
        "sla_state": "met",
    }
    answered = Facts(state="replied", **base)
    assert values(answered, T0 + timedelta(hours=8))["sla_state"] == "met"
    assert values(answered, T0 + timedelta(hours=8, seconds=1))["sla_state"] == "breached"
    closed = Facts(state="closed", **base)
    assert values(closed, T0 + timedelta(hours=9))["sla_state"] == "met"
    # closed while a response was due: judged against that deadline
    closed_late = Facts(**{**closed.__dict__, "sla_deadline": T0 + timedelta(hours=1)})
    assert values(closed_late, T0 + timedelta(hours=2)) == {
        "sla_deadline": False,
        "sla_state": "breached",
    }


def test_business_hours_clock_skips_the_weekend():
    """The same rules on a calendar clock: 08:00-16:00, Monday to Friday."""
    days = [datetime(2026, 11, 16) + timedelta(days=n) for n in range(21)]
    intervals = [(d + timedelta(hours=8), d + timedelta(hours=16)) for d in days if d.weekday() < 5]

    def deadline(start, hours):
        return plan_business_hours(intervals, start, hours)

    def between(start, end):
        if end < start:
            return -business_hours_between(intervals, end, start)
        return business_hours_between(intervals, start, end)

    friday = datetime(2026, 11, 20, 15, 30)
    facts = Facts(state="new", first_inbound_at=friday, awaiting_since=friday)
    vals = sla_values(facts, TARGETS, friday, deadline, between)
    assert vals["sla_first_deadline"] == datetime(2026, 11, 23, 8, 30)
    # Saturday noon: still 30 business minutes left of 60 -> on time
    saturday = datetime(2026, 11, 21, 12)
    assert sla_values(facts, TARGETS, saturday, deadline, between)["sla_state"] == "running"
    monday = datetime(2026, 11, 23, 8, 20)
    assert sla_values(facts, TARGETS, monday, deadline, between)["sla_state"] == "warning"


def notice_facts(**kw):
    base = {"state": "open", "sla_deadline": T0, "sla_resolution_deadline": T0 + timedelta(hours=8)}
    return Facts(**{**base, **kw})


def test_notice_once_per_deadline():
    assert sla_notice(notice_facts(sla_state="running"), T0) is None
    assert sla_notice(notice_facts(sla_state="warning"), T0) == ("warning", T0)
    assert sla_notice(notice_facts(sla_state="warning", sla_warned_for=T0), T0) is None
    assert sla_notice(notice_facts(sla_state="breached", sla_warned_for=T0), T0) == (
        "breached",
        T0,
    )
    assert sla_notice(notice_facts(sla_state="breached", sla_breach_notified_for=T0), T0) is None
    # a new deadline warns again
    later = T0 + timedelta(hours=2)
    assert sla_notice(
        notice_facts(sla_state="warning", sla_deadline=later, sla_warned_for=T0), T0
    ) == ("warning", later)


def test_notice_for_the_resolution_deadline_of_an_answered_conversation():
    resolution = T0 + timedelta(hours=8)
    answered = notice_facts(sla_deadline=False, sla_state="breached", state="replied")
    assert sla_notice(answered, resolution) is None  # not past yet
    assert sla_notice(answered, resolution + timedelta(seconds=1)) == ("breached", resolution)
    closed = notice_facts(sla_deadline=False, sla_state="breached", state="closed")
    assert sla_notice(closed, resolution + timedelta(hours=1)) is None
    assert sla_notice(notice_facts(sla_deadline=False, sla_resolution_deadline=False), T0) is None
