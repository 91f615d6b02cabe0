"""Pop-up latency: from a customer's post ingested to the pop-up arriving on
an agent's websocket.

    .venv/bin/python bench/popup_latency.py [-t social_crm_test] [--posts 50] [--port 8240]

Copies the template (a database with social_crm installed) to a scratch
database and adds, through the ORM: an agent (a user of the agent group,
password known), an account of the company without a team (so every agent
of the company gets the pop-up) and a customer: a contact with a customer
number and the identity the company linked to it.

Starts a real Odoo server on that copy (``odoo-bin --workers 0``: threaded,
the websocket at ``/websocket``, the bus delivering notifications after
commit), logs in as the agent (``/web/session/authenticate``, the session
cookie), opens the websocket and subscribes the way the web client's worker
does (``{"event_name": "subscribe", "data": {"channels": [], "last": <id>}}``:
the server adds the user's own partner channel, where ``res.users._bus_send``
goes).

Then, in this process, ``--posts`` times: a new post by the customer through
``social_crm.message._ingest`` (a new conversation each time) and a commit;
the pop-up (``social_crm/customer_post``, sent by
``social_crm.conversation._notify_customer_post``) is awaited on the socket,
matched on its ``message_id``. Reported: from the commit to the arrival, and
from the start of ``_ingest`` to the arrival (ingestion included).

Baselines in the same run, interleaved: a bare ``bus.bus._sendone`` to the
same agent and a commit, to its arrival on the same socket; and the round
trip of ``/web/health``. The server is stopped and the scratch database
dropped at the end.
"""

import argparse
import json
import queue
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import requests
import websocket
from scratch import ODOO_PATH, ROOT, ms, odoo_registry, percentile, scratch_db

SCRATCH = "social_crm_bench_popup"
PASSWORD = "bench-agent-pw"  # noqa: S105 (a scratch database's made-up user)
POPUP = "social_crm/customer_post"


def setup(env):
    company = env.company
    agent = env["res.users"].create(
        {
            "name": "Bench Agent",
            "login": "bench_agent",
            "password": PASSWORD,
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
            "groups_id": [(6, 0, env.ref("social_crm.group_social_crm_agent").ids)],
        }
    )
    account = env["social_crm.account"].create(
        {
            "name": "Bench pop-ups",
            "platform": "demo",
            "external_user_id": "demo-bench-popup",
            "company_id": company.id,
            "team_id": False,
        }
    )
    customer = env["res.partner"].create({"name": "Bench Klant", "ref": "K-4242"})
    identity = env["social_crm.identity"].create(
        {"platform": "demo", "user_id": "bench-customer", "handle": "bench_klant"}
    )
    identity.with_company(company).sudo().write({"partner_id": customer.id})
    return agent, account, customer


def start_server(database, port):
    addons = [str(ODOO_PATH / "odoo" / "addons"), str(ROOT)]
    if (ODOO_PATH / "addons").is_dir():
        addons.insert(1, str(ODOO_PATH / "addons"))
    command = [
        sys.executable,
        str(ODOO_PATH / "odoo-bin"),
        "-d",
        database,
        "--db-filter",
        f"^{database}$",
        "--addons-path",
        ",".join(addons),
        "--http-port",
        str(port),
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
        "--log-level",
        "warn",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"odoo-bin stopped (exit code {server.returncode})")
        try:
            if requests.get(f"{base}/web/health", timeout=5).ok:
                return server, base
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit("odoo-bin did not answer /web/health within 120 s")


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def connect(base, database, port, last_id):
    response = requests.post(
        f"{base}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": database, "login": "bench_agent", "password": PASSWORD},
        },
        timeout=30,
    )
    response.raise_for_status()
    if response.json().get("error"):
        raise SystemExit(f"login refused: {response.json()['error']}")
    session = response.cookies["session_id"]
    socket = websocket.create_connection(
        f"ws://127.0.0.1:{port}/websocket?version=18.0-4",
        header=[f"Origin: {base}"],
        cookie=f"session_id={session}",
        timeout=30,
    )
    socket.send(json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": last_id}}))
    return socket


def listen(socket, arrivals, stop):
    while not stop.is_set():
        try:
            frame = socket.recv()
        except websocket.WebSocketTimeoutException:
            continue
        except (websocket.WebSocketConnectionClosedException, OSError):
            return
        now = time.perf_counter()
        if not frame:
            continue
        for notification in json.loads(frame):
            message = notification.get("message", {})
            arrivals.put((now, message.get("type"), message.get("payload")))


def wait_for(arrivals, kind, match, timeout=10.0):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            at, got_kind, payload = arrivals.get(timeout=deadline - time.perf_counter())
        except queue.Empty:
            break
        if got_kind == kind and match(payload or {}):
            return at
    raise SystemExit(f"no {kind} notification within {timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--template", default="social_crm_test")
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--port", type=int, default=8240)
    args = parser.parse_args()
    with scratch_db(args.template, SCRATCH) as name:
        registry = odoo_registry(name)
        import odoo  # noqa: PLC0415

        from social_crm.connectors.base import Post, Profile  # noqa: PLC0415

        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            agent, account, customer = setup(env)
            cr.execute("SELECT coalesce(max(id), 0) FROM bus_bus")
            last_id = cr.fetchone()[0]
            cr.commit()
        server, base = start_server(name, args.port)
        socket, stop = None, threading.Event()
        try:
            socket = connect(base, name, args.port, last_id)
            socket.settimeout(1)
            arrivals = queue.Queue()
            listener = threading.Thread(target=listen, args=(socket, arrivals, stop), daemon=True)
            listener.start()
            time.sleep(1)  # let the subscription settle
            author = Profile("bench-customer", handle="bench_klant", display_name="Bench Klant")
            from_commit, from_ingest, bus_only, health = [], [], [], []
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                Message = env["social_crm.message"]
                account, agent = account.with_env(env), agent.with_env(env)
                for i in range(args.posts):
                    # the pop-up: a post by the linked customer, ingested and committed
                    start = time.perf_counter()
                    [post] = Message._ingest(
                        account,
                        [
                            Post(
                                f"bench-popup-{i}",
                                f"Mijn bestelling {i} is nog niet binnen, kunnen jullie kijken?",
                                posted_at=datetime.now(UTC).replace(microsecond=0, tzinfo=None),
                                author=author,
                            )
                        ],
                    )
                    post_id = post.id
                    cr.commit()
                    committed = time.perf_counter()
                    at = wait_for(arrivals, POPUP, lambda p, m=post_id: p.get("message_id") == m)
                    from_commit.append(at - committed)
                    from_ingest.append(at - start)
                    # baseline: a bare bus notification to the same agent, committed
                    env["bus.bus"]._sendone(agent.partner_id, "bench/ping", {"n": i})
                    cr.commit()
                    committed = time.perf_counter()
                    at = wait_for(arrivals, "bench/ping", lambda p, n=i: p.get("n") == n)
                    bus_only.append(at - committed)
                    # baseline: an HTTP round trip to the same server
                    start = time.perf_counter()
                    requests.get(f"{base}/web/health", timeout=10).raise_for_status()
                    health.append(time.perf_counter() - start)
            print(
                f"{args.posts} posts by a linked customer, one agent's websocket, "
                f"odoo-bin --workers 0 (threaded) on port {args.port}, database a scratch copy "
                f"of {args.template}"
            )
            print("target: pop-up p95 under 1 s")
            print(f"  pop-up, commit to arrival:            {ms(from_commit)}")
            print(f"  pop-up, _ingest() start to arrival:    {ms(from_ingest)}")
            print(f"  baseline bus._sendone, commit to arrival: {ms(bus_only)}")
            print(f"  baseline /web/health round trip:       {ms(health)}")
            print(
                f"  pop-up p95 (commit to arrival) / bus baseline p95: "
                f"{percentile(from_commit, 0.95) / percentile(bus_only, 0.95):.2f}x"
            )
        finally:
            stop.set()
            if socket:
                socket.close()
            stop_server(server)


if __name__ == "__main__":
    main()
