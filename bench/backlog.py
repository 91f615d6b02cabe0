"""A 20,000-post backlog drained in 100-post pages, the way the stream cron
does it (one transaction per page, committed), with a complaint from a large
account arriving in the middle.

    createdb -T social_crm_dev sc_backlog      # a throwaway copy: this commits
    .venv/bin/python bench/backlog.py -d sc_backlog [--posts 20000] [--deferred]
    dropdb sc_backlog

Measured in the same run:

- baseline: bare ``social_crm.message.create()`` of the same number of rows,
  page by page, in a transaction that is rolled back;
- the drain: ``_ingest()`` page by page, each page committed; every page
  repeats the last 10 posts of the previous one (streams overlap), so
  duplicates would show; with ``--deferred`` the enrichment hooks run in the
  follow-up job, drained after the backlog and timed apart;
- the complaint (500,000 followers, negative, "charged twice") arrives when
  half the backlog is drained: it comes in the next page, and the time is
  from its arrival to the moment the inbox (its default order, the "To
  answer" filter, the first 80) shows it first, in a new transaction as an
  agent's browser would read it;
- memory: tracemalloc's current and peak Python allocation during the first
  and the last 10 pages (traced pages are not in the timing);
- duplicates: stored rows per external id, after the drain.

The accounts and campaign the run creates stay in the throwaway copy.
"""

import argparse
import os
import sys
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("SOCIAL_CRM_CODE", ROOT))
ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo18"))
sys.path.insert(0, str(ODOO_PATH))
sys.path.insert(0, str(CODE))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import TEXTS  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

from social_crm.connectors.base import Post, Profile  # noqa: E402

PAGE = 100
OVERLAP = 10


def backlog(count, prefix):
    # a burst arriving now: the backlog's posts are from the last 10 minutes
    # (waiting time raises priority: hours-old complaints would rank first)
    start = datetime.now() - timedelta(minutes=10)
    step = timedelta(minutes=10) / max(count, 1)
    authors = [Profile(f"{prefix}-u{i}", handle=f"{prefix}_u{i}", followers=i) for i in range(2000)]
    return [
        Post(
            f"{prefix}-{i}",
            f"{TEXTS[i % len(TEXTS)]} ({i})",
            author=authors[i % len(authors)],
            posted_at=start + step * i,
            media_urls=["https://files.example/p.jpg"] if "#benchlooks" in TEXTS[i % 8] else [],
            parent_external_id=f"{prefix}-{i - 1}" if i % 5 == 4 else "",
            conversation_key=f"{prefix}-{i - 1}" if i % 5 == 4 else f"{prefix}-{i}",
        )
        for i in range(count)
    ]


def pages(posts):
    """100-post pages, each repeating the previous page's last 10 posts."""
    step = PAGE - OVERLAP
    return [posts[max(0, s - OVERLAP) : s + step] for s in range(0, len(posts), step)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--deferred", action="store_true")
    args = parser.parse_args()

    addons = [str(ODOO_PATH / "odoo" / "addons"), str(CODE)]
    if (ODOO_PATH / "addons").is_dir():
        addons.insert(1, str(ODOO_PATH / "addons"))
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", ",".join(addons), "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    n = args.posts
    tag = datetime.now().strftime("%H%M%S")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        account = env["social_crm.account"].create(
            {"name": f"Backlog {tag}", "platform": "demo", "external_user_id": f"demo-bl-{tag}"}
        )
        campaign = env["social_crm.content.campaign"].create(
            {"name": "Backlog", "hashtag": "benchlooks", "account_ids": [(6, 0, account.ids)]}
        )
        campaign.write({"state": "running"})
        if "social_crm.ingest.retry" in env:
            param = "1" if args.deferred else ""
            env["ir.config_parameter"].set_param("social_crm.ingest_deferred", param)
        account_id = account.id
        [seed] = env["social_crm.message"]._ingest(account, backlog(1, f"seed{tag}"))
        seed_ids = (seed.conversation_id.id, seed.author_identity_id.id)
        cr.commit()

    # baseline: bare create() of as many rows, page by page, rolled back
    base_posts = backlog(n, f"base{tag}")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Message = env["social_crm.message"]
        start = time.perf_counter()
        for first in range(0, n, PAGE):
            Message.create(
                [
                    {
                        "conversation_id": seed_ids[0],
                        "account_id": account_id,
                        "platform": "demo",
                        "external_id": p.external_id,
                        "author_identity_id": seed_ids[1],
                        "text": p.text,
                        "posted_at": p.posted_at,
                        "direction": "in",
                        "sentiment": "neutral",
                        "intent": "other",
                    }
                    for p in base_posts[first : first + PAGE]
                ]
            )
            env.flush_all()
        base_time = time.perf_counter() - start
        cr.rollback()

    posts = backlog(n, f"bl{tag}")
    todo = pages(posts)
    middle = len(todo) // 2
    complaint = Post(
        f"vip{tag}",
        "Terrible: charged twice for one order and no reply from @shop. Disgraceful!",
        author=Profile(f"vip{tag}", handle=f"famous_{tag}", followers=500_000, verified=True),
        posted_at=datetime.now(),
        conversation_key=f"vip{tag}",
    )
    traced = set(range(10)) | set(range(len(todo) - 10, len(todo)))
    memory = {}
    drain = 0.0
    timed_new = 0
    arrived = on_top = None
    rank = None
    for index, page in enumerate(todo):
        if index == middle:
            arrived = time.perf_counter()
        if index == middle + 1:
            page = [complaint] + page
        trace = index in traced
        if trace:
            tracemalloc.start()
        start = time.perf_counter()
        with registry.cursor() as cr:  # one transaction per page, committed
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = env["social_crm.account"].browse(account_id)
            env["social_crm.message"]._ingest(account, page)
        if not trace:
            drain += time.perf_counter() - start
            timed_new += len(page) - (OVERLAP if index else 0)
        else:
            memory[index] = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        if index == middle + 1:
            # an agent's inbox: the default order, "To answer", the first 80
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                inbox = env["social_crm.conversation"].search(
                    [("state", "in", ("new", "open")), ("account_id", "=", account_id)],
                    limit=80,
                )
                keys = inbox.mapped("conversation_key")
                rank = (
                    keys.index(complaint.external_id) + 1 if complaint.external_id in keys else None
                )
            on_top = time.perf_counter()

    enrich = 0.0
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.deferred and "social_crm.ingest.retry" in env:
            Retry = env["social_crm.ingest.retry"]
            start = time.perf_counter()
            while Retry.search_count([("state", "=", "pending")]):
                Retry._cron_retry(limit=20)
                cr.commit()
            enrich = time.perf_counter() - start
        cr.execute(
            "SELECT count(*), count(DISTINCT external_id) FROM social_crm_message "
            "WHERE account_id = %s",
            [account_id],
        )
        stored, distinct = cr.fetchone()
        entries = env["social_crm.content"].search_count(
            [("message_id.account_id", "=", account_id)]
        )

    rate = timed_new / drain
    print(
        f"backlog of {n} posts in {len(todo)} pages of {PAGE} ({OVERLAP} repeated), "
        f"database {args.database}, code {CODE}, deferred={args.deferred}"
    )
    print(f"  bare create():       {n / base_time:8,.0f} posts/s (baseline)")
    print(
        f"  drain, _ingest():    {rate:8,.0f} posts/s ({(n / rate) / base_time:.1f}x the "
        f"baseline's time; {len(traced)} traced pages left out of the timing)"
    )
    if enrich:
        print(
            f"  enrichment job:      {n / enrich:8,.0f} posts/s "
            f"(drain and job together {(n / rate + enrich) / base_time:.1f}x)"
        )
    print(
        f"  stored: {stored} rows, {distinct} distinct external ids "
        f"(expected {n + 2}: the posts, the seed, the complaint); {entries} photo entries"
    )
    print(
        f"  complaint (500k followers) from arrival to inbox rank {rank}: "
        f"{on_top - arrived:.2f} s (pages of {PAGE} take {drain / (len(todo) - len(traced)):.2f} s)"
    )
    first = [memory[i] for i in sorted(memory)[:10]]
    last = [memory[i] for i in sorted(memory)[-10:]]
    print(
        "  Python memory per page (tracemalloc, current/peak MiB): first 10 pages "
        f"{sum(c for c, _ in first) / 10 / 2**20:.1f}/{max(p for _, p in first) / 2**20:.1f}, "
        f"last 10 pages {sum(c for c, _ in last) / 10 / 2**20:.1f}/"
        f"{max(p for _, p in last) / 2**20:.1f}"
    )


if __name__ == "__main__":
    main()
