"""Helpers of the two-process benches (two_workers.py, webhook_load.py): a
scratch database copied from a template, bench accounts and streams made
through the installed addon, Odoo servers started and stopped.

Nothing here is shipped; the scratch database is dropped at the end.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo18"))
PYTHON = os.environ.get("BENCH_PYTHON", sys.executable)
ADDONS = ",".join(
    str(p)
    for p in (ODOO_PATH / "odoo" / "addons", ODOO_PATH / "addons", ROOT, ROOT / "bench" / "addons")
    if p.exists()
)
SYNC_SHARDS = [f"ir_cron_social_crm_sync{s}" for s in ("", "_shard_2", "_shard_3", "_shard_4")]
WEBHOOK_SHARDS = ["ir_cron_social_crm_webhooks", "ir_cron_social_crm_webhooks_shard_2"]


def sh(*args):
    subprocess.run(args, check=True, capture_output=True)


def fresh_db(template, name):
    drop_db(name)
    sh("createdb", "-T", template, name)


def drop_db(name):
    subprocess.run(["dropdb", "--if-exists", name], check=False, capture_output=True)


def connect(db):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    return conn


def q(conn, sql, params=None):
    with conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall() if cr.description else None


def odoo_shell(db, code):
    """Run ``code`` in ``odoo-bin shell`` (``env`` at hand); it commits."""
    script = f"{code}\nenv.cr.commit()\n"
    result = subprocess.run(
        [
            PYTHON,
            str(ODOO_PATH / "odoo-bin"),
            "shell",
            f"--addons-path={ADDONS}",
            "-d",
            db,
            "--no-http",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        input=script,
        text=True,
        capture_output=True,
        check=False,
    )
    if result.returncode or "Traceback" in result.stderr:
        raise RuntimeError(f"odoo shell failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def make_bench_streams(db, accounts, streams, pages, page_size):
    """``accounts`` demo-platform accounts with ``streams`` streams between
    them, each serving ``pages`` pages (bench/addons/social_crm_bench_fake);
    not due yet. Every other stream is switched off."""
    odoo_shell(
        db,
        f"""
env["social_crm.stream"].search([]).write({{"active": False}})
Account = env["social_crm.account"]
accounts = Account.create([
    {{"name": f"Bench store {{a}}", "platform": "demo", "handle": f"bench{{a}}",
      "external_user_id": f"demo-bench{{a}}", "state": "connected"}}
    for a in range({accounts})
])
env["social_crm.stream"].create([
    {{"account_id": accounts[s % {accounts}].id, "kind": "keyword",
      "query": f"bench {{s}} {pages}", "page_size": {page_size}, "interval_minutes": 60,
      "next_sync_at": "2099-01-01 00:00:00"}}
    for s in range({streams})
])
""",
    )


def wake_crons(db):
    """Wake the cron threads now: they listen on the ``postgres`` database
    (as ``ir.cron._notifydb`` does), not on ``db``."""
    conn = connect("postgres")
    q(conn, "SELECT pg_notify('cron_trigger', %s)", [db])
    conn.close()


def only_crons(conn, xmlids):
    """Switch off every scheduled action but ``xmlids`` (social_crm's)."""
    ids = [
        r[0]
        for r in q(
            conn,
            "SELECT res_id FROM ir_model_data WHERE module = 'social_crm' AND name = ANY(%s)",
            [xmlids],
        )
    ]
    q(conn, "UPDATE ir_cron SET active = (id = ANY(%s))", [ids])
    q(conn, "DELETE FROM ir_cron_trigger")
    return ids


class Server:
    """One ``odoo-bin`` process on the scratch database."""

    def __init__(self, db, port, logdir, workers=0, cron_threads=2, extra=()):
        self.db, self.port = db, port
        self.log = Path(logdir) / f"odoo-{port}.log"
        self.settings = f"--workers {workers} --max-cron-threads {cron_threads}"
        args = [
            PYTHON,
            str(ODOO_PATH / "odoo-bin"),
            f"--addons-path={ADDONS}",
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--workers={workers}",
            f"--max-cron-threads={cron_threads}",
            f"--http-port={port}",
            f"--gevent-port={port + 5}",
            "--load=base,web,social_crm_bench_fake",
            f"--logfile={self.log}",
            "--log-level=info",
            *extra,
        ]
        self.proc = subprocess.Popen(args, start_new_session=True)

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url("/web/health"), timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"odoo on port {self.port} stopped; see {self.log}")
            time.sleep(0.5)
        raise RuntimeError(f"odoo on port {self.port} not ready; see {self.log}")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def pages_pulled(self):
        """Stream pages this process pulled (the cron framework's log lines)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return sum(
            1
            for line in text.splitlines()
            if "Social CRM: pull streams" in line and "processed 1 records" in line
        )

    def log_count(self, needle):
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text.count(needle)
