"""What spread tracking costs a day, batched as the cron does, against one
call per reading (the baseline, measured in the same run).

    .venv/bin/python bench/spread_budget.py [--posts 300] [--cron 10] [--seed 7]

No database: it replays the schedule of :mod:`social_crm.spread` over a
simulated day. ``--posts`` watched posts arrive at random times over 24
hours (seeded); the cron runs every ``--cron`` minutes and looks up, per
platform, every reading due since its last run in batches of the
platform's ``metrics_batch``. Printed per platform: readings, lookups
batched, lookups one by one, their ratio, what the budget counts (X bills
each post: its budget counts posts, not calls) and the mean lateness of a
reading caused by the cron's period.
"""

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from social_crm import spread  # noqa: E402
from social_crm.connectors import CONNECTORS  # noqa: E402

PLATFORMS = ("x", "bluesky", "mastodon", "facebook")


def simulate(posts, cron, batch, per_post, seed):
    rng = random.Random(seed)
    arrivals = sorted(rng.uniform(0, 24 * 60) for _ in range(posts))
    # (due minute, arrival) of every reading of every post
    due = sorted((arrival + step, arrival) for arrival in arrivals for step in spread.SCHEDULE)
    readings = len(due)
    batched = budget = 0
    lateness = 0.0
    index = 0
    tick = 0.0
    while index < readings:
        tick += cron
        now_due = []
        while index < readings and due[index][0] <= tick:
            now_due.append(due[index])
            index += 1
        if not now_due:
            continue
        lateness += sum(tick - at for at, _arrival in now_due)
        calls = -(-len(now_due) // batch)  # HTTP calls
        batched += calls
        budget += spread.calls_for(len(now_due), batch, per_post)
    return readings, batched, budget, lateness / readings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=300, help="watched posts a day")
    parser.add_argument("--cron", type=float, default=10.0, help="cron period, minutes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(
        f"{args.posts} watched posts a day, cron every {args.cron:g} min, "
        f"{len(spread.SCHEDULE)} readings each (at {', '.join(map(str, spread.SCHEDULE))} min)"
    )
    print(
        f"{'platform':<10}{'batch':>6}{'readings':>10}{'calls batched':>15}"
        f"{'calls 1-by-1':>14}{'ratio':>8}{'budget units':>14}{'mean late':>11}"
    )
    for platform in PLATFORMS:
        connector = CONNECTORS[platform]
        batch, per_post = connector.metrics_batch, connector.metrics_cost_per_post
        if platform == "mastodon":
            batch_http = 1  # one GET per status
        else:
            batch_http = batch
        readings, calls, budget, late = simulate(
            args.posts, args.cron, batch_http, per_post, args.seed
        )
        if per_post:
            budget = readings
        print(
            f"{platform:<10}{batch:>6}{readings:>10}{calls:>15}{readings:>14}"
            f"{readings / calls:>8.1f}{budget:>14}{late:>9.1f} m"
        )


if __name__ == "__main__":
    main()
