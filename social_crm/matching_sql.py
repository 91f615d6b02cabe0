"""Candidate retrieval for identity matching, in SQL (no Odoo).

Used by ``res.partner._social_crm_candidates`` with Odoo's cursor and by
``bench/match_lookup.py`` with a plain psycopg2 cursor: one query per
identity, every part of it an index lookup (exact name keys stored on the
partner, normalised e-mail, phone and customer number), never a scan.
"""

import json

from . import matching

#: candidate rows fetched per identity at the most
CANDIDATE_LIMIT = 200
#: contacts fetched per name key at the most (namesakes beyond it add nothing decisive)
PER_KEY_LIMIT = 60

#: (index name, expression) on res_partner, normalised as the engine compares
EXPRESSION_INDEXES = [
    ("email", "lower(email)"),
    ("ref", "regexp_replace(lower(ref), '[^a-z0-9]', '', 'g')"),
    ("phone", r"right(regexp_replace(phone, '\D', '', 'g'), 9)"),
    ("mobile", r"right(regexp_replace(mobile, '\D', '', 'g'), 9)"),
]
#: partner columns holding matching.partner_keys(), indexed by the ORM
KEY_COLUMNS = ("social_crm_surname_key", "social_crm_name_key")


def index_statements():
    return [
        f"CREATE INDEX IF NOT EXISTS res_partner_social_crm_{name} ON res_partner (({expr}))"
        for name, expr in EXPRESSION_INDEXES
    ]


def candidate_query(evidence, profile, company_ids, limit=CANDIDATE_LIMIT):
    """``(sql, params)`` selecting the partners that could be ``profile``.

    One sub-select per kind of evidence, each served by its own index (a
    single ``OR`` over differently indexed expressions would scan the table).
    """
    email, ref, phone, mobile = (expr for _name, expr in EXPRESSION_INDEXES)
    params = {
        "platform": profile.platform,
        "user_id": profile.user_id or "",
        "handle": (profile.handle or "").lower().lstrip("@"),
        "companies": list(company_ids),
        "limit": limit,
    }
    # the identity's contact link is per company (company_dependent: jsonb
    # keyed by company id as text); only the matching companies' links count
    parts = [
        "SELECT (i.partner_id->>c.id::text)::int AS id FROM social_crm_identity i "
        "CROSS JOIN unnest(%(companies)s::int[]) AS c(id) WHERE i.platform = %(platform)s "
        "AND i.partner_id ? c.id::text "
        "AND (i.user_id = %(user_id)s OR lower(i.handle) = %(handle)s)"
    ]
    for key, values, expressions in (
        ("emails", evidence.emails, [email]),
        ("refs", evidence.refs, [ref]),
        ("phones", evidence.phones, [phone, mobile]),
    ):
        if values:
            params[key] = sorted(values)
            parts += [
                f"SELECT id FROM res_partner WHERE {expr} = ANY(%({key})s)" for expr in expressions
            ]
    keys = matching.lookup_keys(evidence)
    if keys:
        # exact lookups on the keys stored by res.partner (btree indexes), a
        # bounded index scan per key: a common surname among a million
        # contacts must not cost a scan of all its namesakes
        params["keys"] = keys
        params["per_key"] = PER_KEY_LIMIT
        parts += [
            "(SELECT p.id FROM unnest(%(keys)s::varchar[]) AS k(key) CROSS JOIN LATERAL "
            f"(SELECT id FROM res_partner WHERE {column} = k.key LIMIT %(per_key)s) p)"
            for column in KEY_COLUMNS
        ]
    if evidence.domains:
        params["domains"] = [f"%{d}%" for d in sorted(evidence.domains)]
        parts.append("SELECT id FROM res_partner WHERE website ILIKE ANY(%(domains)s)")
    company_filter = (
        "AND (company_id IS NULL OR company_id = ANY(%(companies)s))" if company_ids else ""
    )
    sql = f"""
        SELECT id, name, email, phone, mobile, city, zip, street, website, ref, is_company
          FROM res_partner
         WHERE id = ANY(ARRAY({" UNION ".join(parts)}))
           AND active {company_filter}
         LIMIT %(limit)s
    """
    return sql, params


def social_query(partner_ids, company_ids):
    """``(sql, params)``: the identities ``company_ids`` linked to ``partner_ids``.

    One containment lookup per (company, partner) link in a single bitmap
    scan of the jsonb link column's GIN index (``link_index_statement``),
    then each row's link read back. A join of one probe per pair instead is
    costed as hundreds of probes of hundreds of rows each: above PostgreSQL's
    ``jit_above_cost`` on a large table, so every lookup paid a JIT
    compilation (bench/match_lookup.py)."""
    sql = (
        "SELECT (i.partner_id->>c.id::text)::int, i.platform, i.handle, i.user_id "
        "FROM social_crm_identity i CROSS JOIN unnest(%(companies)s::int[]) AS c(id) "
        "WHERE i.partner_id @> ANY(%(links)s::jsonb[]) "
        "AND (i.partner_id->>c.id::text)::int = ANY(%(partners)s::int[])"
    )
    links = [json.dumps({str(c): p}) for c in company_ids for p in partner_ids]
    return sql, {"partners": list(partner_ids), "companies": list(company_ids), "links": links}


def link_index_statement():
    return (
        "CREATE INDEX IF NOT EXISTS social_crm_identity_partner_links "
        "ON social_crm_identity USING gin (partner_id jsonb_path_ops)"
    )


def handle_index_statement():
    """The candidate query's identity part: ``platform = .. AND lower(handle) = ..``."""
    return (
        "CREATE INDEX IF NOT EXISTS social_crm_identity_platform_handle "
        "ON social_crm_identity (platform, lower(handle))"
    )


def handle_trigram_index_statement():
    """The ORM's handle lookups (``('handle', '=ilike', h)``, several OR-ed, on
    every new author and every imported contact list) compile to ``handle
    ILIKE ..``, which no btree serves: a trigram index does (needs pg_trgm)."""
    return (
        "CREATE INDEX IF NOT EXISTS social_crm_identity_handle_trgm "
        "ON social_crm_identity USING gin (handle gin_trgm_ops)"
    )


def website_trigram_index_statement():
    """The candidate query's ``website ILIKE ANY('%domain%', ..)`` (a domain in a
    bio or a company e-mail): a trigram index serves it (needs pg_trgm)."""
    return (
        "CREATE INDEX IF NOT EXISTS res_partner_social_crm_website_trgm "
        "ON res_partner USING gin (website gin_trgm_ops)"
    )


#: every index this module's queries rely on, beyond those Odoo makes from
#: ``index=`` on fields: (table, index name), created by the models' ``init()``
INDEX_NAMES = [
    *(("res_partner", f"res_partner_social_crm_{name}") for name, _expr in EXPRESSION_INDEXES),
    ("social_crm_identity", "social_crm_identity_partner_links"),
    ("social_crm_identity", "social_crm_identity_platform_handle"),
]


def fetch_candidates(cr, evidence, profile, company_ids, limit=CANDIDATE_LIMIT):
    """Run the candidate query on any DB-API cursor; return :class:`matching.Partner` s
    with their stored social entries (as linked by ``company_ids``)."""
    cr.execute(*candidate_query(evidence, profile, company_ids, limit))
    columns = [c[0] for c in cr.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cr.fetchall()]
    social = {}
    if rows and company_ids:
        cr.execute(*social_query([row["id"] for row in rows], company_ids))
        for partner_id, platform, handle, user_id in cr.fetchall():
            social.setdefault(partner_id, []).append(
                {"platform": platform, "handle": handle, "user_id": user_id}
            )
    return [matching.Partner.from_dict(dict(row, social=social.get(row["id"], []))) for row in rows]
