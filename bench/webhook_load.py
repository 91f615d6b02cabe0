"""Meta's webhook under load: 10,000 signed deliveries while a backlog drains.

    .venv/bin/python bench/webhook_load.py [--template social_crm_test] [--deliveries 10000]
        [--backlog 20000] [--clients 4] [--workers 2] [--cron-threads 1] [--repeats 500]

Needs a database with social_crm installed (``--template``, copied with
``createdb -T``, never changed) and the Odoo tree at $ODOO_PATH. On the copy:

- a backlog of ``--backlog`` posts waits in 8 streams of 4 demo-platform
  accounts (served by the bench-only connector of
  ``bench/addons/social_crm_bench_fake``), and a Facebook Page account
  has the app secret the deliveries are signed with;
- only the stream and webhook shard crons are active;
- one Odoo server runs with ``--workers 2 --max-cron-threads 1`` (prefork:
  two HTTP workers, one cron worker), port 8235;
- the backlog is made due and the cron worker starts on it; then
  ``--clients`` threads (one ``requests.Session`` each) send the
  deliveries to ``/social_crm/webhook/meta``: each a distinct body like the
  recorded ``messaging-message-basic.json`` (own message id, sender and
  text), signed ``X-Hub-Signature-256`` with the app secret, as Meta does.
  After every fifth delivery the same thread times ``GET /web/health``,
  the baseline of the same run (same server, same load). Then
  ``--repeats`` deliveries already sent are sent again (Meta's retries).

Printed: p50/p95/max of both, deliveries per second, how many posts of the
backlog were stored meanwhile (the cron worker was busy), and the checks:
every delivery answered 200, stored once (distinct bodies = deliveries,
the repeats stored nothing new).
"""

import argparse
import hashlib
import hmac
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _procs import (  # noqa: E402
    ROOT,
    SYNC_SHARDS,
    WEBHOOK_SHARDS,
    Server,
    connect,
    drop_db,
    fresh_db,
    make_bench_streams,
    odoo_shell,
    only_crons,
    q,
    wake_crons,
)

DB = "social_crm_bench_webhook"
SECRET = "bench-app-secret"
PAGE_ID = 12345654332
RECORDED = ROOT / "social_crm/tests/fixtures/recorded/meta/webhooks/messaging-message-basic.json"


def delivery(n):
    """The n-th delivery: the recorded body with its own ids and text."""
    body = json.loads(RECORDED.read_text())
    entry = body["entry"][0]
    entry["time"] = 1457764198246 + n
    event = entry["messaging"][0]
    event["sender"]["id"] = 900000000000 + n % 500
    event["timestamp"] = 1457764197627 + n
    event["message"] = {"mid": f"mid.bench.{n}", "seq": n, "text": f"Waar blijft order {n}?"}
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, signature


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(values):
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(pct(ms, 95), 1),
        "max_ms": round(max(ms), 1),
    }


def send_all(server, numbers, clients):
    """Send the deliveries ``numbers``; time them and /web/health."""
    hook, health, statuses = [], [], []
    lock = threading.Lock()

    def client(mine):
        session = requests.Session()
        my_hook, my_health, my_status = [], [], []
        for i, n in enumerate(mine):
            raw, signature = delivery(n)
            start = time.perf_counter()
            answer = session.post(
                server.url("/social_crm/webhook/meta"),
                data=raw,
                headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"},
                timeout=30,
            )
            my_hook.append(time.perf_counter() - start)
            my_status.append(answer.status_code)
            if i % 5 == 0:
                start = time.perf_counter()
                session.get(server.url("/web/health"), timeout=30).raise_for_status()
                my_health.append(time.perf_counter() - start)
        with lock:
            hook.extend(my_hook)
            health.extend(my_health)
            statuses.extend(my_status)

    threads = [threading.Thread(target=client, args=(numbers[c::clients],)) for c in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return hook, health, statuses, time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", default="social_crm_test")
    parser.add_argument("--deliveries", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=500)
    parser.add_argument("--backlog", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cron-threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8235)
    args = parser.parse_args()
    streams, page = 8, 100
    pages = max(1, args.backlog // (streams * page))
    fresh_db(args.template, DB)
    server = None
    try:
        make_bench_streams(DB, 4, streams, pages, page)
        odoo_shell(
            DB,
            f"""
env["social_crm.account"].create({{
    "name": "Bench Page", "platform": "facebook", "external_user_id": "{PAGE_ID}",
    "meta_app_secret": "{SECRET}", "meta_verify_token": "bench",
}})
""",
        )
        conn = connect(DB)
        only_crons(conn, SYNC_SHARDS + WEBHOOK_SHARDS)
        logdir = tempfile.mkdtemp(prefix="social_crm_bench_webhook_logs_")
        server = Server(
            DB,
            args.port,
            logdir,
            workers=args.workers,
            cron_threads=args.cron_threads,
            extra=["--limit-time-real=600"],
        )
        server.wait_ready()
        bench = "s.query LIKE 'bench %%'"
        backlog_sql = f"""SELECT count(*) FROM social_crm_message m
                            JOIN social_crm_stream s ON s.id = m.stream_id WHERE {bench}"""
        q(conn, f"UPDATE social_crm_stream s SET next_sync_at = NULL WHERE {bench}")
        q(conn, "UPDATE ir_cron SET nextcall = now() at time zone 'UTC' WHERE active")
        wake_crons(DB)
        time.sleep(3)  # the cron worker is on the backlog
        backlog_before = q(conn, backlog_sql)[0][0]
        numbers = list(range(args.deliveries))
        hook, health, statuses, seconds = send_all(server, numbers, args.clients)
        backlog_after = q(conn, backlog_sql)[0][0]
        repeats = numbers[: args.repeats]
        _, _, repeat_statuses, _ = send_all(server, repeats, args.clients)
        stored, distinct, processed = q(
            conn,
            """SELECT count(*), count(DISTINCT body_hash), count(*) FILTER (WHERE state = 'done')
                 FROM social_crm_webhook_event""",
        )[0]
        conn.close()
        result = {
            "settings": f"{server.settings}, {args.clients} client threads",
            "deliveries": args.deliveries,
            "deliveries_per_s": round(args.deliveries / seconds, 1),
            "webhook": summary(hook),
            "web_health": summary(health),
            "answered_200": statuses.count(200),
            "repeats_sent": len(repeats),
            "repeats_answered_200": repeat_statuses.count(200),
            "events_stored": stored,
            "distinct_bodies": distinct,
            "events_processed_by_then": processed,
            "backlog_posts_stored_during_the_run": backlog_after - backlog_before,
        }
        print(json.dumps(result, indent=1), flush=True)
        ok = (
            result["answered_200"] == args.deliveries
            and result["repeats_answered_200"] == len(repeats)
            and stored == distinct == args.deliveries
        )
        print(
            f"checks {'passed' if ok else 'FAILED'}; webhook p95 "
            f"{result['webhook']['p95_ms']} ms (target < 50 ms) vs /web/health p95 "
            f"{result['web_health']['p95_ms']} ms; log {server.log}",
            flush=True,
        )
    finally:
        if server:
            server.stop()
        drop_db(DB)


if __name__ == "__main__":
    main()
