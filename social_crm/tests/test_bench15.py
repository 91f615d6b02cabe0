"""Issue 15, benchmarks on the installed schema: every index the product's
queries rely on is made by the addon itself (the benches add none)."""

from odoo.tests import TransactionCase, tagged

from .. import matching_sql
from ..models.social_crm_conversation_indexes import INBOX_INDEXES


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

    def test_handle_trigram_index(self):
        """The ORM's ``('handle', '=ilike', ..)`` lookups (new authors, contact
        imports) compile to ILIKE, served by a trigram index where pg_trgm is."""
        if not self.registry.has_trigram:
            self.skipTest("pg_trgm is not installed in this database")
        definition = self._indexes("social_crm_identity")["social_crm_identity_handle_trgm"]
        self.assertIn("gin (handle gin_trgm_ops)", definition)

    def test_inbox_order_index(self):
        """The inbox's default order, in the index's column order."""
        conversation = self._indexes("social_crm_conversation")
        for name, _columns in INBOX_INDEXES:
            self.assertIn(name, conversation)
        self.assertIn(
            "(priority_score DESC, last_message_at DESC, id DESC)",
            conversation["social_crm_conversation_inbox_order"],
        )
        self.assertEqual(
            self.env["social_crm.conversation"]._order,
            "priority_score desc, last_message_at desc, id desc",
        )
