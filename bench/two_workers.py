"""Two Odoo processes on one database share a burst: no duplicates, no lost cursor.

    .venv/bin/python bench/two_workers.py [--template social_crm_test] [--posts 20000]
        [--streams 8] [--accounts 4] [--page 100] [--processes 1,2]

Needs a database with social_crm installed (``--template``; it is copied,
never changed: ``createdb -T``, no filestore needed) and the Odoo tree at
$ODOO_PATH. For each run (1 process, then 2 processes) on a fresh copy:

- ``--accounts`` demo-platform accounts get ``--streams`` streams between
  them, served by the bench-only connector of
  ``bench/addons/social_crm_bench_fake`` (loaded server-wide, never
  installed): ``--posts`` posts in all, in pages of ``--page``;
- every scheduled action but the four stream shards is switched off;
- the processes start (``--workers 0 --max-cron-threads 2`` each, ports
  8230+); once they answer ``/web/health`` every stream is made due and the
  shards are woken: the clock starts;
- the clock stops when every post is stored and every stream's cursor is
  at its last page.

Checked after each run: posts stored = expected, no duplicate
(platform, external id, company), every cursor at its end, no stream error;
and how many pages each process pulled. Printed: posts/s of each run and
the ratio of 2 processes to 1. The processes are stopped and the scratch
databases dropped at the end.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _procs import (
    SYNC_SHARDS,
    Server,
    connect,
    drop_db,
    fresh_db,
    make_bench_streams,
    only_crons,
    q,
    wake_crons,
)  # noqa: E402

DB = "social_crm_bench_workers"


def run(args, processes, logdir):
    pages = args.posts // (args.streams * args.page)
    expected = pages * args.page * args.streams
    fresh_db(args.template, DB)
    servers = []
    try:
        make_bench_streams(DB, args.accounts, args.streams, pages, args.page)
        conn = connect(DB)
        shard_ids = only_crons(conn, SYNC_SHARDS)
        servers = [Server(DB, args.port + n, logdir) for n in range(processes)]
        for server in servers:
            server.wait_ready()
        bench = "s.query LIKE 'bench %%'"
        q(conn, f"UPDATE social_crm_stream s SET next_sync_at = NULL WHERE {bench}")
        q(
            conn,
            "UPDATE ir_cron SET nextcall = now() at time zone 'UTC' WHERE id = ANY(%s)",
            [shard_ids],
        )
        wake_crons(DB)
        start = time.monotonic()
        stored = 0
        deadline = start + args.timeout
        while time.monotonic() < deadline:
            stored, at_end = q(
                conn,
                f"""SELECT (SELECT count(*) FROM social_crm_message m
                             JOIN social_crm_stream s ON s.id = m.stream_id WHERE {bench}),
                           (SELECT count(*) FROM social_crm_stream s
                             WHERE {bench} AND (s.cursor->>'page')::int = %s)""",
                [pages],
            )[0]
            if stored >= expected and at_end == args.streams:
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - start
        duplicates = q(
            conn,
            """SELECT count(*) FROM (SELECT 1 FROM social_crm_message
                GROUP BY platform, external_id, company_id HAVING count(*) > 1) d""",
        )[0][0]
        cursors = q(conn, f"SELECT s.cursor FROM social_crm_stream s WHERE {bench} ORDER BY id")
        errors = q(
            conn,
            f"SELECT count(*) FROM social_crm_stream s"
            f" WHERE {bench} AND last_error_words IS NOT NULL",
        )[0][0]
        conn.close()
        for server in servers:
            server.stop()
        shares = [server.pages_pulled() for server in servers]
        conflicts = sum(server.log_count("could not serialize") for server in servers)
        return {
            "processes": processes,
            "settings": servers[0].settings,
            "expected": expected,
            "stored": stored,
            "seconds": round(elapsed, 1),
            "posts_per_s": round(stored / elapsed, 1) if elapsed else 0,
            "duplicates": duplicates,
            "cursors_at_end": sum(1 for (c,) in cursors if c and c.get("page") == pages),
            "streams": args.streams,
            "stream_errors": errors,
            "serialization_conflicts_logged": conflicts,
            "pages_per_process": shares,
        }
    finally:
        for server in servers:
            server.stop()
        drop_db(DB)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", default="social_crm_test")
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--streams", type=int, default=8)
    parser.add_argument("--accounts", type=int, default=4)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--port", type=int, default=8230)
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args()
    results = []
    for processes in [int(p) for p in args.processes.split(",")]:
        logdir = tempfile.mkdtemp(prefix=f"social_crm_bench_workers_logs_{processes}_")
        result = run(args, processes, logdir)
        results.append(result)
        print(json.dumps(result), flush=True)
        ok = (
            result["stored"] == result["expected"]
            and not result["duplicates"]
            and result["cursors_at_end"] == result["streams"]
        )
        print(f"  checks {'passed' if ok else 'FAILED'}; logs in {logdir}", flush=True)
    if len(results) >= 2 and results[0]["posts_per_s"]:
        ratio = results[-1]["posts_per_s"] / results[0]["posts_per_s"]
        print(
            f"{results[-1]['processes']} processes vs {results[0]['processes']}: "
            f"{results[-1]['posts_per_s']} vs {results[0]['posts_per_s']} posts/s, "
            f"ratio {ratio:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
