"""matching_sql (no database): the social part's parameters and the index
statements the addon runs in its models' init()."""

import json

from social_crm import matching_sql


def test_social_query_one_link_per_company_and_partner():
    sql, params = matching_sql.social_query([5, 7], [1, 2])
    assert "@> ANY(%(links)s::jsonb[])" in sql
    assert [json.loads(link) for link in params["links"]] == [
        {"1": 5},
        {"1": 7},
        {"2": 5},
        {"2": 7},
    ]
    assert params["partners"] == [5, 7] and params["companies"] == [1, 2]


def test_social_query_without_partners_asks_for_nothing():
    _sql, params = matching_sql.social_query([], [1])
    assert params["links"] == []


def test_index_statements_match_the_queries():
    assert "(platform, lower(handle))" in matching_sql.handle_index_statement()
    assert (
        "lower(i.handle) = %(handle)s"
        in matching_sql.candidate_query(
            matching_sql.matching.extract(
                matching_sql.matching.Profile("1", handle="x", platform="x")
            ),
            matching_sql.matching.Profile("1", handle="x", platform="x"),
            [1],
        )[0]
    )
    assert "gin_trgm_ops" in matching_sql.handle_trigram_index_statement()
    assert "website gin_trgm_ops" in matching_sql.website_trigram_index_statement()
    names = {name for _table, name in matching_sql.INDEX_NAMES}
    assert "social_crm_identity_platform_handle" in names
    assert "social_crm_identity_partner_links" in names
