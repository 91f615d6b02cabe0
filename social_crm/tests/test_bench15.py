"""Issue 15, benchmarks on the installed schema: every index the product's
queries rely on is made by the addon itself (the benches add none)."""

from odoo.tests import TransactionCase, tagged

from .. import matching_sql


@tagged("post_install", "-at_install")
class TestBench15Indexes(TransactionCase):
    def _indexes(self, table):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", (table,)
        )
        return dict(self.env.cr.fetchall())

    def test_matching_indexes_exist(self):
        """The candidate query's lookups: e-mail, phone, mobile, customer number
        on contacts; the per-company contact link and (platform, lower(handle))
        on identities."""
        for table, name in matching_sql.INDEX_NAMES:
            self.assertIn(name, self._indexes(table), f"{table}: index {name} missing")
        handle = self._indexes("social_crm_identity")["social_crm_identity_platform_handle"]
        self.assertIn("(platform, lower((handle)::text))", handle)
        partner = self._indexes("res_partner")
        for column in matching_sql.KEY_COLUMNS:  # index=True on the fields
            self.assertIn(f"res_partner__{column}_index", partner)

    def test_trigram_indexes(self):
        """The ORM's ``('handle', '=ilike', ..)`` lookups (new authors, contact
        imports) and the candidate query's website part are ILIKE, served by
        trigram indexes where pg_trgm is."""
        if not self.registry.has_trigram:
            self.skipTest("pg_trgm is not installed in this database")
        definition = self._indexes("social_crm_identity")["social_crm_identity_handle_trgm"]
        self.assertIn("gin (handle gin_trgm_ops)", definition)
        # the candidate query's website part: ILIKE ANY('%domain%', ..)
        definition = self._indexes("res_partner")["res_partner_social_crm_website_trgm"]
        self.assertIn("gin (website gin_trgm_ops)", definition)

    def test_inbox_order_index(self):
        """The inbox opens on the model's order, ``priority_score desc,
        last_message_at desc, id desc``: PostgreSQL walks the priority_score
        index (``index=True``) backwards and sorts each tie group, stopping at
        the 80th row (bench/inbox_list.py: about 1.5 ms among 200,000
        conversations, no order index on top of it needed)."""
        self.assertEqual(
            self.env["social_crm.conversation"]._order,
            "priority_score desc, last_message_at desc, id desc",
        )
        conversation = self._indexes("social_crm_conversation")
        self.assertIn(
            "btree (priority_score)",
            conversation["social_crm_conversation__priority_score_index"],
        )


@tagged("post_install", "-at_install")
class TestBench15SocialQuery(TransactionCase):
    """``matching_sql.social_query`` (one bitmap scan of the link index, no
    JIT-costed join since issue 15) returns each company's own links only."""

    def test_links_per_company(self):
        one = self.env.company
        two = self.env["res.company"].create({"name": "Bench15 other"})
        alice, bob, carol = self.env["res.partner"].create(
            [{"name": "Alice B15"}, {"name": "Bob B15"}, {"name": "Carol B15"}]
        )
        shared, only_two = self.env["social_crm.identity"].create(
            [
                {"platform": "demo", "user_id": "b15-1", "handle": "b15_one"},
                {"platform": "demo", "user_id": "b15-2", "handle": "b15_two"},
            ]
        )
        shared.with_company(one).partner_id = alice
        shared.with_company(two).partner_id = bob
        only_two.with_company(two).partner_id = carol
        self.env.flush_all()

        def rows(partners, companies):
            self.env.cr.execute(*matching_sql.social_query(partners.ids, companies.ids))
            return sorted(self.env.cr.fetchall())

        self.assertEqual(rows(alice | bob | carol, one), [(alice.id, "demo", "b15_one", "b15-1")])
        self.assertEqual(
            rows(alice | bob | carol, two),
            [(bob.id, "demo", "b15_one", "b15-1"), (carol.id, "demo", "b15_two", "b15-2")],
        )
        # Alice is linked in company one only: asked for company two, nothing
        self.assertEqual(rows(alice, two), [])
        self.assertEqual(len(rows(alice | bob, one | two)), 2)
        self.assertEqual(rows(carol.browse(), one | two), [])
