"""Candidate lookup and matching at 100,000 and 1,000,000 partners, on the
installed addon's schema.

    .venv/bin/python bench/match_lookup.py [-t social_crm_test] [--sizes 100000 1000000]
        [--queries 1000]

For each size, copies the template (a database with social_crm installed) to
a scratch database ``social_crm_bench`` and bulk-loads the seeded development
set with COPY into the real ``res_partner`` and ``social_crm_identity`` tables
(their NOT NULL columns, the stored name keys ``res.partner`` computes, the
contact link as Odoo stores a company_dependent field: jsonb keyed by company
id), plus as many more identities as partners / 2 (people who posted,
4 in 10 of them linked to a random contact). The bench creates no index: ``pg_indexes`` is compared
before and after, and it stops if one was added. Every index used is the
addon's own (``matching_sql.INDEX_NAMES``, ``index=`` on fields).

Timed, each next to a baseline measured in the same run on the same tables
(the p95 of a primary-key lookup of one partner):

- the addon's candidate query (``social_crm.matching_sql``) and the engine;
- the identity lookup the ORM runs for every new author (``_upsert_profiles``:
  ``[('platform', '=', p), ('handle', '=ilike', h)]``), its SQL taken from the
  ORM itself;
- the candidate query's website part (``website ILIKE ANY``), for domains
  of the 5 % of partners given a website and for absent ones;
- the candidate query's social part (the identities linked to the
  candidates), today's form beside the form before issue 15, on the same
  candidates, with how often PostgreSQL JIT-compiled each (``--before``
  lookups);
- all again without the three indexes issue 15 added (what a real install
  had before), to show what they are for.

The scratch database is dropped at the end.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg2  # noqa: E402
from match_devset import FIRST, make, plain, rare_surname  # noqa: E402
from scratch import (  # noqa: E402
    assert_no_new_index,
    copy_rows,
    indexes,
    odoo_registry,
    reserve_ids,
    scratch_db,
)

from social_crm import matching, matching_sql  # noqa: E402

DB = "social_crm_bench"
#: the indexes issue 15 added to the addon (dropped for the "before" round)
NEW_INDEXES = (
    "social_crm_identity_platform_handle",
    "social_crm_identity_handle_trgm",
    "res_partner_social_crm_website_trgm",
)

PARTNER_COLUMNS = [
    "id",
    "name",
    "complete_name",
    "email",
    "email_normalized",
    "phone",
    "mobile",
    "city",
    "ref",
    "is_company",
    "active",
    "type",
    "lang",
    "commercial_partner_id",
    "partner_share",
    "autopost_bills",
    "website",
    "invoice_warn",
    "sale_warn",
    "color",
    "supplier_rank",
    "customer_rank",
    "message_bounce",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
    *matching_sql.KEY_COLUMNS,
]
IDENTITY_COLUMNS = [
    "id",
    "platform",
    "handle",
    "user_id",
    "name",
    "partner_id",
    "create_date",
    "write_date",
]


def p95(samples):
    return statistics.quantiles(samples, n=20)[18]


def poster_handle(rng, j):
    """A made-up handle of someone who posted: name-like, numbered or random."""
    first = plain(rng.choice(FIRST)).lower()
    style = rng.random()
    if style < 0.4:
        return f"{first}{plain(rare_surname(rng)).lower().replace(' ', '')}{j}"
    if style < 0.7:
        return f"{first}_{rng.randint(1, 9999)}_{j}"
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) + str(j)


def website_of(partner):
    surname = plain(partner["name"].split()[-1]).lower()
    return f"https://www.{surname}{partner['id']}.nl"


def setup(cr, partners, profiles, company, extra_identities):
    """COPY the dev set into the installed tables; dev-set partner ids (1..n)
    become ids from the table's own sequence (labels follow)."""
    first = reserve_ids(cr, "res_partner", len(partners))
    now = datetime.now()

    def partner_rows():
        for p in partners:
            pid = first + p["id"] - 1
            if p["id"] % 20 == 0:  # a shop or a freelancer: a website
                p["website"] = website_of(p)
            surname_key, name_key = matching.partner_keys(p["name"], p["is_company"])
            yield (
                pid,
                p["name"],
                p["name"],
                p["email"],
                (p["email"] or "").lower() or None,
                p["phone"],
                p["mobile"],
                p["city"],
                p["ref"],
                p["is_company"],
                True,
                "contact",
                "en_US",
                pid,
                True,
                "ask",
                p["website"],
                "no-message",
                "no-message",
                0,
                0,
                0,
                0,
                now,
                now,
                1,
                1,
                surname_key,
                name_key,
            )

    copy_rows(cr, "res_partner", PARTNER_COLUMNS, partner_rows())
    linked = [(first + p["id"] - 1, e) for p in partners for e in p["social"]]
    first_identity = reserve_ids(cr, "social_crm_identity", len(linked) + extra_identities)

    def identity_rows():
        for i, (pid, entry) in enumerate(linked):
            # a handle stored on the contact: no platform user id yet
            link = f'{{"{company}": {pid}}}'
            name = f"@{entry['handle']}"
            yield (
                first_identity + i,
                entry["platform"],
                entry["handle"],
                None,
                name,
                link,
                now,
                now,
            )
        rng = random.Random(extra_identities)
        for j in range(extra_identities):
            handle = poster_handle(rng, j)
            # 4 in 10 linked to a contact by an agent or the matcher
            other = first + rng.randrange(len(partners)) if rng.random() < 0.4 else None
            yield (
                first_identity + len(linked) + j,
                "x" if j % 2 else "instagram",
                handle,
                str(10**9 + j),
                f"@{handle}",
                f'{{"{company}": {other}}}' if other else None,
                now,
                now,
            )

    copy_rows(cr, "social_crm_identity", IDENTITY_COLUMNS, identity_rows())
    for row in profiles:
        if row["label"] is not None:
            row["label"] = first + row["label"] - 1
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE social_crm_identity")
    return first, len(linked) + extra_identities


def vacuum(database):
    """As autovacuum leaves a live database: hint bits and visibility map set."""
    connection = psycopg2.connect(dbname=database)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            cr.execute("VACUUM ANALYZE res_partner")
            cr.execute("VACUUM ANALYZE social_crm_identity")
    finally:
        connection.close()


def handle_lookup_sql(env):
    """The SQL the ORM runs for ``_upsert_profiles``' handle lookup (one handle)."""
    query = env["social_crm.identity"]._search(
        [("platform", "=", "x"), ("handle", "=ilike", "HANDLE")]
    )
    code, params = query.select().code, query.select().params
    return code, params.index("HANDLE")


def old_social_query(partner_ids, company_ids):
    """The social part as it was before issue 15 (one GIN probe per pair, in a
    join PostgreSQL costs above its JIT threshold on large tables)."""
    sql = (
        "SELECT (i.partner_id->>c.id::text)::int, i.platform, i.handle, i.user_id "
        "FROM unnest(%(partners)s::int[]) AS p(id) "
        "CROSS JOIN unnest(%(companies)s::int[]) AS c(id) "
        "JOIN social_crm_identity i ON i.partner_id @> jsonb_build_object(c.id::text, p.id)"
    )
    return sql, {"partners": list(partner_ids), "companies": list(company_ids)}


def social_timings(cr, profiles, company):
    """The candidate query's social part, today's form and the old one, on
    the same candidates; and whether PostgreSQL JIT-compiled each."""
    now, before, jit = [], [], {"now": 0, "before": 0}
    for row in profiles:
        profile = matching.Profile.from_dict(row)
        evidence = matching.extract(profile)
        cr.execute(*matching_sql.candidate_query(evidence, profile, [company]))
        ids = [r[0] for r in cr.fetchall()]
        if not ids:
            continue
        for label, make_query, samples in (
            ("now", matching_sql.social_query, now),
            ("before", old_social_query, before),
        ):
            sql, params = make_query(ids, [company])
            start = time.perf_counter()
            cr.execute(sql, params)
            cr.fetchall()
            samples.append(time.perf_counter() - start)
            cr.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            jit[label] += "JIT" in cr.fetchone()[0][0]
    return now, before, jit


def timings(cr, profiles, company, handle_sql, ids):
    """Each lookup right after a primary-key lookup (the baseline), so both
    see the same moment of a busy machine."""
    lookups, totals, handles, baseline, found = [], [], [], [], 0
    code, platform_at, handle_at, params = handle_sql
    for row, pid in zip(profiles, ids, strict=False):
        start = time.perf_counter()
        cr.execute(
            "SELECT id, name, email, phone, city, ref FROM res_partner WHERE id = %s", (pid,)
        )
        cr.fetchall()
        baseline.append(time.perf_counter() - start)
        profile = matching.Profile.from_dict(row)
        start = time.perf_counter()
        evidence = matching.extract(profile)
        candidates = matching_sql.fetch_candidates(cr, evidence, profile, [company])
        looked_up = time.perf_counter()
        result = matching.match(profile, matching.PartnerIndex(candidates))
        done = time.perf_counter()
        lookups.append(looked_up - start)
        totals.append(done - start)
        found += row["label"] is not None and row["label"] in [
            c.partner_id for c in result.candidates[:3]
        ]
        values = list(params)
        values[platform_at], values[handle_at] = profile.platform, profile.handle or "-"
        start = time.perf_counter()
        cr.execute(code, values)
        cr.fetchall()
        handles.append(time.perf_counter() - start)
    return lookups, totals, handles, baseline, found


def website_timings(cr, partners):
    """The candidate query's website part, as it runs when a bio names a
    domain: one found, one not, in turn."""
    samples = []
    with_site = [p for p in partners if p.get("website")][:500]
    for i, partner in enumerate(with_site):
        domain = website_of(partner).split("www.")[1]
        if i % 2:
            domain = domain.replace(".nl", "-shop.com")
        start = time.perf_counter()
        cr.execute("SELECT id FROM res_partner WHERE website ILIKE ANY(%s)", ([f"%{domain}%"],))
        cr.fetchall()
        samples.append(time.perf_counter() - start)
    return samples


def run(cr, size, profiles, first, company, handle_sql, partners, before_queries):
    ids = [first + (i * 7919) % size for i in range(len(profiles))]
    lookups, totals, handles, baseline, found = timings(cr, profiles, company, handle_sql, ids)
    base = p95(baseline)
    sites = website_timings(cr, partners)
    print(
        f"{size:>9,} partners | candidate lookup p50 {statistics.median(lookups) * 1e3:5.2f} ms, "
        f"p95 {p95(lookups) * 1e3:6.2f} ms "
        f"({p95(lookups) / base:5.1f}x pk lookup p95 {base * 1e3:.3f} ms) | "
        f"lookup+match p95 {p95(totals) * 1e3:6.2f} ms, "
        f"{len(totals) / sum(totals):6.0f} identities/s | "
        f"customers in top 3: {found} | "
        f"ORM handle lookup p95 {p95(handles) * 1e3:6.2f} ms ({p95(handles) / base:5.1f}x) | "
        f"website lookup p95 {p95(sites) * 1e3:6.2f} ms ({p95(sites) / base:5.1f}x)"
    )
    now, before, jit = social_timings(cr, profiles[:before_queries], company)
    print(
        f"{'':>9}   social part of the candidate query ({len(now)} lookups): today p95 "
        f"{p95(now) * 1e3:6.2f} ms ({p95(now) / base:5.1f}x), JIT-compiled {jit['now']} times | "
        f"old form p95 {p95(before) * 1e3:6.2f} ms ({p95(before) / base:5.1f}x), "
        f"JIT-compiled {jit['before']} times"
    )
    saved = {}
    for name in NEW_INDEXES:
        cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (name,))
        saved[name] = cr.fetchone()[0]
        cr.execute(f"DROP INDEX {name}")
    lookups, totals, handles, _base, _found = timings(
        cr, profiles[:before_queries], company, handle_sql, ids
    )
    sites = website_timings(cr, partners)[:before_queries]
    print(
        f"{'':>9}   without the 3 new indexes (a real install before; {len(lookups)} queries): "
        f"candidate lookup "
        f"p95 {p95(lookups) * 1e3:6.2f} ms ({p95(lookups) / base:5.1f}x) | "
        f"ORM handle lookup p95 {p95(handles) * 1e3:6.2f} ms ({p95(handles) / base:5.1f}x) | "
        f"website lookup p95 {p95(sites) * 1e3:6.2f} ms ({p95(sites) / base:5.1f}x)"
    )
    for definition in saved.values():  # as the addon made them
        cr.execute(definition)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--template", default="social_crm_test")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument(
        "--before", type=int, default=200, help="queries of the round without the new indexes"
    )
    args = parser.parse_args()
    print("target: p95 candidate lookup under 20 ms per identity at 1,000,000 partners")
    for size in args.sizes:
        with scratch_db(args.template, DB) as name:
            registry = odoo_registry(name)
            import odoo  # noqa: PLC0415

            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                company = env.company.id
                query = env["social_crm.identity"]._search(
                    [("platform", "=", "PLATFORM"), ("handle", "=ilike", "HANDLE")]
                )
                sql = query.select()
                params = list(sql.params)
                handle_sql = (sql.code, params.index("PLATFORM"), params.index("HANDLE"), params)
                if size == args.sizes[0]:
                    print(f"ORM handle lookup: {sql.code}")
                before = indexes(cr)
                start = time.perf_counter()
                partners, profiles = make(size, args.queries, seed=7)
                first, n_identities = setup(cr._obj, partners, profiles, company, size // 2)
                cr.commit()
                vacuum(name)
                total = assert_no_new_index(before, indexes(cr))
                print(
                    f"{size:>9,} partners, {n_identities:,} identities | generated and loaded "
                    f"by COPY into the installed tables in {time.perf_counter() - start:.0f} s | "
                    f"{total} indexes before and after (none added by the bench)"
                )
                run(cr._obj, size, profiles, first, company, handle_sql, partners, args.before)
                cr.commit()
                assert_no_new_index(before, indexes(cr))


if __name__ == "__main__":
    main()
