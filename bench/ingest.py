"""Ingestion speed and memory, against bare ORM create() of the same rows.

    .venv/bin/python bench/ingest.py [-d social_crm_dev] [--posts 2000] [--batch 100]

Needs a database with social_crm installed (``make test`` leaves
``social_crm_test``; the README's dev database works too) and the Odoo tree
at $ODOO_PATH (default /opt/odoo18). Everything happens in one transaction
that is rolled back: the database is left as it was.

Measured in the same run, on the same machine:

- baseline: ``social_crm.message.create()`` of the rows ingestion would
  store (same texts, one conversation and author, values precomputed);
- ``_ingest()`` of the same number of new posts, ``--batch`` at a time, the
  way a stream page arrives: identities upserted, conversations found or
  started, every post classified and prioritised, logged in the chatter,
  photo-campaign entries collected, rights answers checked;
- ``_ingest()`` of the same pages again (nothing new: the idempotent path);
- with ``social_crm.ingest_deferred`` (when the code has it): the page's
  store-and-show part, then the follow-up job's enrichment (funnel,
  matching, photo campaigns, spread), timed apart;
- the queries of one page of 50, 100 and 200 new posts.

Run another checkout's code against the same database (before/after in one
sitting): ``SOCIAL_CRM_CODE=/tmp/main_checkout python bench/ingest.py``.

Figures are posts per second and the ratio to the baseline; memory is the
peak Python allocation (tracemalloc) during one batch, measured on five more
batches after the timing (tracemalloc slows Python down several times).
"""

import argparse
import os
import sys
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the addon's code to measure (e.g. an older checkout, for a before/after run)
CODE = Path(os.environ.get("SOCIAL_CRM_CODE", ROOT))
ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo18"))
sys.path.insert(0, str(ODOO_PATH))
sys.path.insert(0, str(CODE))

from bench_texts import TEXTS  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

from social_crm.connectors.base import Post, Profile  # noqa: E402


def posts(count, prefix):
    now = datetime.now()
    authors = [
        Profile(f"bench-{i}", handle=f"bench_user_{i}", followers=i * 37) for i in range(200)
    ]
    made = []
    for i in range(count):
        text = TEXTS[i % len(TEXTS)]
        made.append(
            Post(
                f"{prefix}-{i}",
                f"{text} ({i})",
                author=authors[i % len(authors)],
                posted_at=now - timedelta(seconds=count - i),
                media_urls=["https://files.example/p.jpg"] if "#benchlooks" in text else [],
                parent_external_id=f"{prefix}-{i - 1}" if i % 5 == 4 else "",
                conversation_key=f"{prefix}-{i - 1}" if i % 5 == 4 else f"{prefix}-{i}",
            )
        )
    return made


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", default="social_crm_dev")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    addons = [str(ODOO_PATH / "odoo" / "addons"), str(CODE)]
    if (ODOO_PATH / "addons").is_dir():
        addons.insert(1, str(ODOO_PATH / "addons"))
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", ",".join(addons), "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": False})
        Message = env["social_crm.message"]
        account = env["social_crm.account"].create(
            {"name": "Bench", "platform": "demo", "external_user_id": "demo-bench"}
        )
        campaign = env["social_crm.content.campaign"].create(
            {"name": "Bench", "hashtag": "benchlooks", "account_ids": [(6, 0, account.ids)]}
        )
        campaign.write({"state": "running"})
        n, size = args.posts, args.batch

        # baseline: the same rows through bare create(), batch by batch
        [seed] = Message._ingest(account, posts(1, "seed"))
        base_pages = {prefix: posts(n, prefix) for prefix in ("base", "base2")}

        def bare(prefix):
            base_posts = base_pages[prefix]
            for start in range(0, n, size):
                Message.create(
                    [
                        {
                            "conversation_id": seed.conversation_id.id,
                            "account_id": account.id,
                            "platform": "demo",
                            "external_id": p.external_id,
                            "author_identity_id": seed.author_identity_id.id,
                            "text": p.text,
                            "posted_at": p.posted_at,
                            "direction": "in",
                            "sentiment": "neutral",
                            "intent": "other",
                        }
                        for p in base_posts[start : start + size]
                    ]
                )
                env.flush_all()

        first_base, _ = timed(lambda: bare("base"))

        pages = posts(n, "ing")

        def ingest():
            created = 0
            for start in range(0, n, size):
                created += len(Message._ingest(account, pages[start : start + size]))
                env.flush_all()
            return created

        # timed without tracemalloc (it slows Python down several times)
        ingest_time, created = timed(ingest)
        entries = env["social_crm.content"].search_count([("campaign_id", "=", campaign.id)])

        # deferred enrichment (this branch): store and show first, then the job
        deferred = None
        if "social_crm.ingest.retry" in env:
            env["ir.config_parameter"].set_param("social_crm.ingest_deferred", "1")
            later = posts(n, "later")

            def ingest_deferred():
                for start in range(0, n, size):
                    Message._ingest(account, later[start : start + size])
                    env.flush_all()

            def enrich():
                Retry = env["social_crm.ingest.retry"]
                while Retry.search_count([("state", "=", "pending")]):
                    Retry._cron_retry(limit=20)
                    env.flush_all()

            deferred = (timed(ingest_deferred)[0], timed(enrich)[0])
            env["ir.config_parameter"].set_param("social_crm.ingest_deferred", "")

        # queries of one page of new posts, as the page grows
        queries = {}
        for count in (50, 100, 200):
            page = posts(count, f"q{count}")
            env.flush_all()
            before = cr.sql_log_count
            Message._ingest(account, page)
            env.flush_all()
            queries[count] = cr.sql_log_count - before
        peaks = []
        more = posts(min(n, 5 * size), "mem")
        for start in range(0, len(more), size):
            tracemalloc.start()
            Message._ingest(account, more[start : start + size])
            env.flush_all()
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        again_time, _ = timed(
            lambda: [Message._ingest(account, pages[s : s + size]) for s in range(0, n, size)]
        )
        # the baseline again at the end: the mean of both evens out a load
        # that changed during the run (other processes on the machine)
        base_time = (first_base + timed(lambda: bare("base2"))[0]) / 2
        cr.rollback()

    base_rate = n / base_time
    print(f"{n} posts, batches of {size}, database {args.database} (rolled back), code {CODE}")
    print(f"  bare create():        {base_rate:8,.0f} posts/s (baseline)")
    print(
        f"  _ingest(), new:       {created / ingest_time:8,.0f} posts/s "
        f"({ingest_time / base_time:.1f}x the baseline's time; {created} stored, "
        f"{entries} photo entries)"
    )
    if deferred:
        hot, job = deferred
        print(
            f"  _ingest(), deferred:  {n / hot:8,.0f} posts/s "
            f"({hot / base_time:.1f}x the baseline's time; stored and shown), "
            f"then the enrichment job {n / job:,.0f} posts/s "
            f"(together {(hot + job) / base_time:.1f}x)"
        )
    print(
        "  queries per page of new posts: "
        + ", ".join(f"{count} posts: {q}" for count, q in queries.items())
    )
    print(
        f"  _ingest(), again:     {n / again_time:8,.0f} posts/s "
        f"({again_time / base_time:.2f}x the baseline's time; nothing stored)"
    )
    print(
        f"  peak Python memory per batch (5 more batches, traced): {max(peaks) / 2**20:.1f} MiB "
        f"(median {sorted(peaks)[len(peaks) // 2] / 2**20:.1f} MiB)"
    )


if __name__ == "__main__":
    main()
