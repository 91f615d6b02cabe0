"""Per-company values of social identities and contacts (issue 11).

The contact link, matching state, funnel stage, advocate score and the
"contactable" flags became company_dependent fields: Odoo stores them as jsonb
keyed by company id (as text). Convert the plain columns before the ORM sees
them (it could not cast an integer to jsonb and would move the column away):
each identity's value goes to the companies of the accounts that caught its
posts or that it follows (the main company when none), each contact's
"contactable" flag to the companies whose commercial consent events name it.
Suggestions get their own company (the link they propose is that company's).
"""

IDENTITY_COLUMNS = {
    # column: SQL turning the old value {v} into its jsonb value
    "partner_id": "to_jsonb({v})",
    "match_state": "to_jsonb({v})",
    "funnel_stage": "to_jsonb({v})",
    "advocate_score": "to_jsonb({v}::float)",
    "advocate_reasons": "to_jsonb({v})",
    "advocate_date": "to_jsonb({v}::text)",
    "social_crm_contactable": "CASE WHEN {v} THEN 'true'::jsonb END",
}


def _column_type(cr, table, column):
    cr.execute(
        "SELECT udt_name FROM information_schema.columns WHERE table_name = %s"
        " AND column_name = %s",
        (table, column),
    )
    row = cr.fetchone()
    return row and row[0]


def _to_jsonb(cr, table, column, value_sql, companies_sql):
    kind = _column_type(cr, table, column)
    if not kind or kind == "jsonb":
        return
    cr.execute(f'ALTER TABLE "{table}" RENAME COLUMN "{column}" TO "{column}_old"')
    cr.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" jsonb')
    value = value_sql.format(v=f't."{column}_old"')
    cr.execute(
        f"""
        UPDATE "{table}" t
           SET "{column}" = (
               SELECT jsonb_object_agg(c.company_id::text, {value})
                 FROM ({companies_sql}) c
                WHERE {value} IS NOT NULL)
         WHERE t."{column}_old" IS NOT NULL
        """
    )
    cr.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}_old" CASCADE')


def migrate(cr, version):
    if not version:
        return
    main = "(SELECT id FROM res_company ORDER BY sequence, id LIMIT 1)"
    identity_companies = f"""
        SELECT m.company_id FROM social_crm_message m
         WHERE m.author_identity_id = t.id AND m.company_id IS NOT NULL
        UNION SELECT f.company_id FROM social_crm_follower f
         WHERE f.identity_id = t.id AND f.company_id IS NOT NULL
        UNION SELECT {main} WHERE NOT EXISTS (
            SELECT 1 FROM social_crm_message m WHERE m.author_identity_id = t.id
             AND m.company_id IS NOT NULL)
          AND NOT EXISTS (
            SELECT 1 FROM social_crm_follower f WHERE f.identity_id = t.id
             AND f.company_id IS NOT NULL)
    """
    for column, value in IDENTITY_COLUMNS.items():
        _to_jsonb(cr, "social_crm_identity", column, value, identity_companies)
    partner_companies = f"""
        SELECT coalesce(e.company_id, {main}) AS company_id FROM social_crm_consent e
         WHERE e.purpose = 'commercial' AND (e.partner_id = t.id OR e.identity_id IN (
               SELECT i.id FROM social_crm_identity i
                WHERE i.partner_id ? coalesce(e.company_id, {main})::text
                  AND (i.partner_id->>coalesce(e.company_id, {main})::text)::int = t.id))
    """
    _to_jsonb(
        cr,
        "res_partner",
        "social_crm_contactable",
        IDENTITY_COLUMNS["social_crm_contactable"],
        partner_companies,
    )
    # suggestions: the company of the identity's posts where the partner is
    # shared (the related company_id was the contact's, often empty)
    if _column_type(cr, "social_crm_suggestion", "company_id"):
        cr.execute(
            f"""
            UPDATE social_crm_suggestion s
               SET company_id = coalesce(
                   (SELECT m.company_id FROM social_crm_message m
                     WHERE m.author_identity_id = s.identity_id AND m.company_id IS NOT NULL
                     ORDER BY m.id DESC LIMIT 1),
                   {main})
             WHERE s.company_id IS NULL
            """
        )
    # funnel steps logged without a company belong to the main company
    cr.execute(f"UPDATE social_crm_funnel_event SET company_id = {main} WHERE company_id IS NULL")
