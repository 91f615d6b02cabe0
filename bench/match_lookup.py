"""Candidate lookup and matching against PostgreSQL at 100,000 and 1,000,000 partners.

    .venv/bin/python bench/match_lookup.py [--sizes 100000 1000000] [--queries 1000]

Builds a scratch database ``social_crm_bench`` holding a ``res_partner`` table
with the columns and indexes the addon uses (btree on the stored name keys,
expression indexes on e-mail, phone and customer number), fills it from the seeded
development-set generator, and runs the addon's own candidate query
(``social_crm.matching_sql``) plus the engine for the dev-set profiles.

Every figure is printed next to a baseline measured in the same run on the
same table: the p95 of a primary-key lookup of one partner, so the ratio
stays meaningful on a noisy machine. The scratch database is dropped at the end.
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_devset import make  # noqa: E402

from social_crm import matching, matching_sql  # noqa: E402

DB = "social_crm_bench"
#: the company whose links the bench looks up
COMPANY = 1

COLUMNS = [
    "id",
    "name",
    "email",
    "phone",
    "mobile",
    "city",
    "ref",
    "is_company",
    *matching_sql.KEY_COLUMNS,
]


def p95(samples):
    return statistics.quantiles(samples, n=20)[18]


def setup(cr, partners):
    cr.execute("DROP TABLE IF EXISTS res_partner, social_crm_identity")
    cr.execute(
        """CREATE TABLE res_partner (
            id integer PRIMARY KEY, name varchar, email varchar, phone varchar,
            mobile varchar, city varchar, zip varchar, street varchar, website varchar,
            ref varchar, is_company boolean, active boolean DEFAULT true, company_id integer,
            social_crm_surname_key varchar, social_crm_name_key varchar)"""
    )
    cr.execute(
        "CREATE TABLE social_crm_identity (partner_id jsonb, platform varchar, "
        "handle varchar, user_id varchar)"
    )
    buffer = io.StringIO()
    for p in partners:  # the keys the ORM stores (res.partner._compute_social_crm_keys)
        p["social_crm_surname_key"], p["social_crm_name_key"] = matching.partner_keys(
            p["name"], p["is_company"]
        )
        values = [str(p[c]) if p.get(c) not in (None, "") else "\\N" for c in COLUMNS]
        buffer.write("\t".join(v.replace("\t", " ") for v in values) + "\n")
    buffer.seek(0)
    cr.copy_from(buffer, "res_partner", columns=COLUMNS)
    social = io.StringIO()
    for p in partners:
        for entry in p["social"]:
            # the link is per company, as Odoo stores company_dependent fields
            link = f'{{"{COMPANY}": {p["id"]}}}'
            social.write(f"{link}\t{entry['platform']}\t{entry['handle']}\t\\N\n")
    social.seek(0)
    cr.copy_from(
        social, "social_crm_identity", columns=["partner_id", "platform", "handle", "user_id"]
    )
    for column in matching_sql.KEY_COLUMNS:  # index=True on the Odoo fields
        cr.execute(f"CREATE INDEX ON res_partner ({column})")
    for statement in matching_sql.index_statements():
        cr.execute(statement)
    cr.execute(matching_sql.link_index_statement())
    cr.execute("CREATE INDEX ON social_crm_identity (platform, lower(handle))")
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE social_crm_identity")


def run(cr, size, profiles, n_partners):
    ids = [1 + (i * 7919) % n_partners for i in range(len(profiles))]
    baseline = []
    for pid in ids:
        start = time.perf_counter()
        cr.execute(
            "SELECT id, name, email, phone, city, ref FROM res_partner WHERE id = %s", (pid,)
        )
        cr.fetchall()
        baseline.append(time.perf_counter() - start)
    lookups, totals, found = [], [], 0
    for row in profiles:
        profile = matching.Profile.from_dict(row)
        start = time.perf_counter()
        evidence = matching.extract(profile)
        candidates = matching_sql.fetch_candidates(cr, evidence, profile, [COMPANY])
        looked_up = time.perf_counter()
        result = matching.match(profile, matching.PartnerIndex(candidates))
        done = time.perf_counter()
        lookups.append(looked_up - start)
        totals.append(done - start)
        found += row["label"] is not None and row["label"] in [
            c.partner_id for c in result.candidates[:3]
        ]
    base = p95(baseline)
    print(
        f"{size:>9,} partners | candidate lookup p95 {p95(lookups) * 1e3:6.2f} ms "
        f"({p95(lookups) / base:5.1f}x pk lookup p95 {base * 1e3:.3f} ms) | "
        f"lookup+match p95 {p95(totals) * 1e3:6.2f} ms, "
        f"{len(totals) / sum(totals):6.0f} identities/s | "
        f"customers in top 3: {found}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    admin = psycopg2.connect(dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cr:
        cr.execute(f"DROP DATABASE IF EXISTS {DB}")
        cr.execute(f"CREATE DATABASE {DB}")
    try:
        conn = psycopg2.connect(dbname=DB)
        conn.autocommit = True
        print("target: p95 candidate lookup under 20 ms per identity at 1,000,000 partners")
        for size in args.sizes:
            start = time.perf_counter()
            partners, profiles = make(size, args.queries, seed=7)
            with conn.cursor() as cr:
                setup(cr, partners)
                built = time.perf_counter() - start
                print(f"{size:>9,} partners | generated, loaded and indexed in {built:.0f} s")
                run(cr, size, profiles, size)
        conn.close()
    finally:
        with admin.cursor() as cr:
            cr.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.close()


if __name__ == "__main__":
    main()
