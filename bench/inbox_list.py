"""The inbox list among 200,000 conversations and 1,000,000 posts, server time.

    .venv/bin/python bench/inbox_list.py [-t social_crm_test] [--conversations 200000]
        [--posts 1000000] [--runs 50]

Copies the template (a database with social_crm installed) to a scratch
database, adds two companies with an account each and an agent, bulk-loads
conversations and posts with COPY into the addon's own tables (spread over
the companies, states, priority scores, agents and a year of dates), and
checks it created no index (``pg_indexes`` before and after).

Then, as the agent, with record rules applied, times what the inbox's list
view asks for when it opens: ``web_search_read`` of the list view's fields,
the action's default filter ("To answer": state new or open), the model's
default order (``priority_score desc, last_message_at desc, id desc``),
limit 80, ``count_limit`` 10001 as the web client sends. Baseline in the same
run: the same ``web_search_read`` of the same 80 records selected by id.

The query's plan (EXPLAIN ANALYZE) is printed: PostgreSQL walks the addon's
``priority_score`` index backwards (``index=True`` on the field) and sorts
each tie group on the other two columns, stopping at the 80th row. With
``--candidate-index``, the same is measured again with an index on all
three order columns, made on the scratch copy only and dropped again (the
addon does not make it: see the README for why). The scratch database is
dropped at the end.
"""

import argparse
import random
import time
from datetime import datetime, timedelta

from lxml import etree
from scratch import (
    assert_no_new_index,
    copy_rows,
    indexes,
    ms,
    odoo_registry,
    percentile,
    reserve_ids,
    scratch_db,
)

SCRATCH = "social_crm_bench_inbox"
CANDIDATE_INDEX = "bench_candidate_inbox_order"
TEXTS = [
    "Mijn pakket is nog steeds niet geleverd, wat is er aan de hand?",
    "Thanks, great service today!",
    "Is the store open on Sunday?",
    "Terrible: charged twice for one order and no reply",
    "Kan ik mijn bestelling nog wijzigen?",
    "De kassa was dicht en niemand hielp ons.",
]
STATES = [("new", 0.05), ("open", 0.10), ("replied", 0.25), ("closed", 0.60)]
INTENTS = ["complaint", "question", "praise", "other"]


def pick(rng, weighted):
    draw, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if draw < total:
            return value
    return weighted[-1][0]


def setup(env, n_identities):
    """Companies, accounts and agents through the ORM; identities by COPY."""
    companies = env.company | env["res.company"].create(
        [{"name": "Bench Noord"}, {"name": "Bench Zuid"}]
    )
    accounts = env["social_crm.account"].create(
        [
            {
                "name": f"Bench {c.name}",
                "platform": "demo",
                "external_user_id": f"bench-{c.id}",
                "company_id": c.id,
            }
            for c in companies
        ]
    )
    agent_group = env.ref("social_crm.group_social_crm_agent")
    agents = env["res.users"].create(
        [
            {
                "name": f"Bench agent {i}",
                "login": f"bench_agent_{i}",
                "company_id": companies[0].id,
                "company_ids": [(6, 0, companies.ids)],
                "groups_id": [(6, 0, agent_group.ids)],
            }
            for i in range(5)
        ]
    )
    env.flush_all()
    cr = env.cr
    first = reserve_ids(cr, "social_crm_identity", n_identities)
    now = datetime.now()
    copy_rows(
        cr._obj,
        "social_crm_identity",
        ["id", "platform", "user_id", "handle", "name", "create_date", "write_date"],
        (
            (first + i, "demo", f"bench-u{i}", f"bench_u{i}", f"@bench_u{i}", now, now)
            for i in range(n_identities)
        ),
    )
    return companies, accounts, agents, list(range(first, first + n_identities))


def load(cr, accounts, agents, identities, n_conversations, n_posts, seed=11):
    rng = random.Random(seed)
    now = datetime.now()
    weights = [0.6, 0.3, 0.1]
    first = reserve_ids(cr, "social_crm_conversation", n_conversations)
    conversations = []
    for i in range(n_conversations):
        account = pick(rng, list(zip(accounts, weights, strict=True)))
        state = pick(rng, STATES)
        last = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        score = round(min(100.0, rng.betavariate(1.5, 5) * 100), 1)
        conversations.append(
            (
                first + i,
                account.id,
                account.company_id.id,
                rng.choice(identities),
                rng.choice(agents).id if rng.random() < 0.3 else None,
                rng.choice(TEXTS)[:60],
                f"bench-c{i}",
                "demo",
                "private" if rng.random() < 0.2 else "public",
                state,
                "2" if score > 60 else "1",
                rng.choice(INTENTS),
                score,
                "none" if state in ("replied", "closed") else rng.choice(["running", "warning"]),
                last - timedelta(hours=rng.randint(0, 48)),
                last,
                last,
                last,
            )
        )
    copy_rows(
        cr._obj,
        "social_crm_conversation",
        [
            "id",
            "account_id",
            "company_id",
            "identity_id",
            "user_id",
            "name",
            "conversation_key",
            "platform",
            "channel",
            "state",
            "priority",
            "intent",
            "priority_score",
            "sla_state",
            "first_inbound_at",
            "last_message_at",
            "create_date",
            "write_date",
        ],
        conversations,
    )
    first_post = reserve_ids(cr, "social_crm_message", n_posts)

    def posts():
        for i in range(n_posts):
            conv = conversations[i % n_conversations]
            at = conv[15] - timedelta(minutes=(i // n_conversations) * 7)
            yield (
                first_post + i,
                conv[0],
                conv[1],
                conv[2],
                conv[3],
                "demo",
                f"bench-p{i}",
                rng.choice(TEXTS),
                "in" if i < n_conversations or rng.random() < 0.7 else "out",
                rng.choice(["negative", "neutral", "positive"]),
                conv[11],
                False,
                at,
                at,
                at,
            )

    copy_rows(
        cr._obj,
        "social_crm_message",
        [
            "id",
            "conversation_id",
            "account_id",
            "company_id",
            "author_identity_id",
            "platform",
            "external_id",
            "text",
            "direction",
            "sentiment",
            "intent",
            "erased",
            "posted_at",
            "create_date",
            "write_date",
        ],
        posts(),
    )
    for table in ("social_crm_identity", "social_crm_conversation", "social_crm_message"):
        cr.execute(f"ANALYZE {table}")


def list_specification(env):
    """What the web client asks for: the list view's fields (many2one: their name)."""
    Conversation = env["social_crm.conversation"]
    arch = Conversation.get_view(view_type="list")["arch"]
    spec = {}
    for node in etree.fromstring(arch).iterchildren("field"):
        name = node.get("name")
        field = Conversation._fields[name]
        spec[name] = {"fields": {"display_name": {}}} if field.type == "many2one" else {}
    return spec


def explain(env, domain):
    from odoo.tools import SQL  # noqa: PLC0415

    Conversation = env["social_crm.conversation"]
    query = Conversation._search(domain, limit=80, order=Conversation._order)
    env.cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) %s", query.select()))
    return [row[0] for row in env.cr.fetchall()]


def measure(env, agent, company, runs):
    Conversation = (
        env["social_crm.conversation"]
        .with_user(agent)
        .with_context(allowed_company_ids=[company.id], bin_size=True)
    )
    spec = list_specification(Conversation.env)
    domain = [("state", "in", ("new", "open"))]
    inbox, by_id, query, length = [], [], [], 0
    for _ in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        result = Conversation.web_search_read(domain, spec, limit=80, count_limit=10001)
        inbox.append(time.perf_counter() - start)
        ids = [r["id"] for r in result["records"]]
        length = result["length"]
        env.invalidate_all()
        start = time.perf_counter()
        Conversation.web_search_read([("id", "in", ids)], spec, limit=80)
        by_id.append(time.perf_counter() - start)
        env.invalidate_all()
        start = time.perf_counter()
        Conversation.search(domain, limit=80)
        Conversation.search_count(domain, limit=10001)
        query.append(time.perf_counter() - start)
    return inbox, by_id, query, length, ids, spec


def report(label, inbox, by_id, query):
    ratio = percentile(inbox, 0.95) / percentile(by_id, 0.95)
    print(
        f"  {label}: inbox {ms(inbox)} | baseline, the same 80 by id: {ms(by_id)} | "
        f"p95 ratio {ratio:4.2f}x | of which the 80 ids and the count: {ms(query)}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--template", default="social_crm_test")
    parser.add_argument("--conversations", type=int, default=200_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--identities", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--candidate-index", action="store_true")
    args = parser.parse_args()
    with scratch_db(args.template, SCRATCH) as name:
        registry = odoo_registry(name)
        import odoo  # noqa: PLC0415

        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            before = indexes(cr)
            start = time.perf_counter()
            companies, accounts, agents, identities = setup(env, args.identities)
            load(cr, accounts, agents, identities, args.conversations, args.posts)
            cr.commit()
            total = assert_no_new_index(before, indexes(cr))
            print(
                f"{args.conversations:,} conversations, {args.posts:,} posts, "
                f"{len(identities):,} identities over {len(companies)} companies, loaded by COPY "
                f"into the installed tables in {time.perf_counter() - start:.0f} s; "
                f"indexes: {total} before and after (none added by the bench)"
            )
            agent, company = agents[0], companies[0]
            Scoped = (
                env["social_crm.conversation"]
                .with_user(agent)
                .with_context(allowed_company_ids=[company.id])
            )
            domain = [("state", "in", ("new", "open"))]
            print("target: inbox list (80 by priority, as an agent) under 100 ms server time")
            rounds = [("with the addon's indexes", False)]
            if args.candidate_index:
                rounds.append(("with a candidate index on the 3 order columns", True))
            results = []
            for label, candidate in rounds:
                if candidate:
                    cr.execute(
                        f"CREATE INDEX {CANDIDATE_INDEX} ON social_crm_conversation "
                        "(priority_score DESC, last_message_at DESC, id DESC)"
                    )
                cr.execute("ANALYZE social_crm_conversation")
                inbox, by_id, query, length, ids, spec = measure(env, agent, company, args.runs)
                results.append((label, inbox, by_id, query, explain(Scoped.env, domain)))
                if candidate:
                    cr.execute(f"DROP INDEX {CANDIDATE_INDEX}")
            print(
                f"  {len(ids)} of {length:,} conversations to answer in {company.name} "
                f"(count capped at 10,001 as the web client asks); {args.runs} runs each; "
                f"fields: {', '.join(spec)}"
            )
            for label, inbox, by_id, query, _plan in results:
                report(label, inbox, by_id, query)
            for label, _inbox, _by_id, _query, plan in results:
                print(f"\nEXPLAIN ANALYZE, {label}:")
                print("\n".join(f"    {line}" for line in plan))
            assert_no_new_index(before, indexes(cr))
            cr.rollback()
        registry = None


if __name__ == "__main__":
    main()
