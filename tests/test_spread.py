"""social_crm.spread: which posts are watched, when, how fast they spread,
and when that is a spreading complaint (plain Python)."""

from social_crm import spread
from social_crm.connectors import Metrics


def test_which_posts_are_tracked():
    assert spread.should_track("complaint", "neutral", 10)
    assert spread.should_track("question", "negative", 10)
    assert not spread.should_track("question", "neutral", 500, large_account=10000)
    assert spread.should_track("praise", "positive", 25000, large_account=10000)
    assert not spread.should_track("praise", "positive", 25000, large_account=0)
    # our own replies never
    assert not spread.should_track("complaint", "negative", 0, direction="out")


def test_schedule_grows_then_stops_after_a_day():
    steps, age = [], 0
    while (step := spread.next_check(age)) is not None:
        steps.append(step)
        age = step
    assert steps == [10, 20, 40, 80, 160, 320, 640, 1280]
    assert all(b == 2 * a for a, b in zip(steps, steps[1:], strict=False))
    assert steps[-1] < spread.WINDOW_MINUTES
    # a post that arrives an hour late joins at its next step
    assert spread.next_check(61) == 80
    assert spread.next_check(1300) is None


def test_velocity_over_the_last_interval():
    series = spread.add_point([], 10, Metrics(reposts=1, likes=2))  # 3 + 2 = 5 weighted
    assert series == [[10, 1, 0, 2, 0]]
    assert spread.velocity(series) == 30.0  # 5 in 10 minutes since posting
    series = spread.add_point(series, 20, {"reposts": 11, "likes": 12, "replies": 5})
    # 33 + 12 + 10 = 55 weighted; +50 in 10 minutes = 300 an hour
    assert spread.velocity(series) == 300.0
    series = spread.add_point(series, 40, Metrics(reposts=11, likes=12, replies=5))
    assert spread.velocity(series) == 0.0
    # a drop (a deleted repost) is no growth, not negative speed
    series = spread.add_point(series, 80, Metrics(reposts=10, likes=12, replies=5))
    assert spread.velocity(series) == 0.0
    assert spread.velocity([]) == 0.0


def test_series_stays_small_and_same_minute_replaces():
    series = []
    for minute in range(20):
        series = spread.add_point(series, minute + 1, Metrics(likes=minute))
    assert len(series) == spread.MAX_POINTS and series[-1] == [20, 0, 0, 19, 0]
    series = spread.add_point(series, 20, Metrics(likes=25))
    assert len(series) == spread.MAX_POINTS and series[-1] == [20, 0, 0, 25, 0]
    # garbage from a hand-edited value is dropped, never raised on
    assert spread.add_point(["x", [1, 2]], 5, Metrics()) == [[5, 0, 0, 0, 0]]


def test_sparkline_starts_at_the_post():
    series = [[10, 1, 0, 2, 0], [20, 2, 0, 2, 1]]
    assert spread.sparkline(series) == [[0, 0.0], [10, 5.0], [20, 10.0]]
    assert spread.sparkline([]) == []


def test_alert_decision():
    assert spread.should_alert(60, 50, "complaint", "neutral")
    assert spread.should_alert(50, 50, "other", "negative")
    assert not spread.should_alert(60, 50, "complaint", "neutral", alerted=True)
    assert not spread.should_alert(49.9, 50, "complaint", "negative")
    # a large account's praise spreads too, but is no spreading complaint
    assert not spread.should_alert(500, 50, "praise", "positive")
    assert not spread.should_alert(500, 0, "complaint", "negative")


def test_budget_planning():
    due = list(range(130))
    # X: billed per post, 100 ids a call
    assert spread.plan_batch(due, 100, 500, per_post=True) == (due[:100], [], 100)
    taken, skipped, cost = spread.plan_batch(due, 100, 30, per_post=True)
    assert (len(taken), skipped, cost) == (30, [], 30)
    assert spread.plan_batch(due, 100, 0, per_post=True) == ([], due, 0)
    # Bluesky: 25 uris a call, billed per call
    assert spread.plan_batch(due, 25, 1) == (due[:25], [], 1)
    assert spread.plan_batch(due, 25, 0) == ([], due, 0)
    # a platform without counts takes nothing
    assert spread.plan_batch(due, 0, 100) == ([], due, 0)
    assert spread.calls_for(26, 25) == 2 and spread.calls_for(26, 25, per_post=True) == 26
