"""Issue 11, item 9: companies must not see each other's personal data.

Company A's agent attacks over JSON-RPC (the door an attacker uses) and must
see none of company B's consent requests, consent events, followers,
follower report rows or webhook deliveries; what B knows of a person (the
contact link, funnel stage, advocate score, consent) is B's own.
"""

from unittest.mock import patch

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import config

from ..connectors import Post, Profile
from ..models._helpers import client_ip
from .common import RpcAttack


@tagged("post_install", "-at_install")
class TestCompanyIsolation(RpcAttack, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_a = env["res.company"].create({"name": "Shop A"})
        cls.company_b = env["res.company"].create({"name": "Shop B"})
        cls.agent_a = new_test_user(
            env,
            login="agent_of_a",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
            groups="social_crm.group_social_crm_manager",
        )
        cls.account_a, cls.account_b = (
            env["social_crm.account"].create(
                {
                    "name": f"Store {company.name}",
                    "platform": "x",
                    "handle": f"store_{suffix}",
                    "company_id": company.id,
                }
            )
            for suffix, company in (("a", cls.company_a), ("b", cls.company_b))
        )
        cls.identity = env["social_crm.identity"].create(
            {"platform": "x", "user_id": "777", "handle": "shared_fan"}
        )
        # the person B knows: a contact of B only
        cls.partner_b = env["res.partner"].create(
            {"name": "Bea Secret", "email": "bea@b.example", "company_id": cls.company_b.id}
        )
        cls.partner_a = env["res.partner"].create({"name": "Bea at A", "company_id": False})

    def _consent(self, company, partner, event="grant"):
        return (
            self.env["social_crm.consent"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "purpose": "commercial",
                    "event": event,
                    "channel": "web_page",
                    "source_url": "https://b.example/consent",
                    "wording": "Yes, send me offers",
                    "wording_version": "1",
                    "ip_address": "203.0.113.9",
                    "email": partner.email,
                    "company_id": company.id,
                }
            )
        )

    # ------------------------------------------------------------------
    # records of B, searched and read by A's agent over RPC
    # ------------------------------------------------------------------
    def assertHidden(self, model, record):
        found = self.rpc(self.agent_a, model, "search", [])
        self.assertNotIn(record.id, found, f"{model}: A sees B's record")
        with self.assertRpcRefused("AccessError", "MissingError"):
            self.rpc(self.agent_a, model, "read", [record.id], [])

    def test_consent_request_of_b_is_hidden(self):
        conversation = self.env["social_crm.conversation"].create(
            {
                "name": "B talk",
                "platform": "x",
                "conversation_key": "b-talk",
                "account_id": self.account_b.id,
            }
        )
        request = (
            self.env["social_crm.consent.request"]
            .sudo()
            .create(
                {
                    "identity_id": self.identity.id,
                    "conversation_id": conversation.id,
                    "company_id": self.company_b.id,
                    "purpose": "commercial",
                    "email": "bea@b.example",
                    "phone": "+31612345678",
                }
            )
        )
        self.assertHidden("social_crm.consent.request", request)

    def test_consent_event_of_b_is_hidden(self):
        self.assertHidden("social_crm.consent", self._consent(self.company_b, self.partner_b))

    def test_follower_and_report_of_b_are_hidden(self):
        follower = self.env["social_crm.follower"].create(
            {
                "account_id": self.account_b.id,
                "identity_id": self.identity.id,
                "followed_since": fields.Datetime.now(),
            }
        )
        self.assertHidden("social_crm.follower", follower)
        self.env.flush_all()
        report = self.env["social_crm.follower.report"].search(
            [("account_id", "=", self.account_b.id)]
        )
        self.assertTrue(report)
        self.assertHidden("social_crm.follower.report", report)

    def test_webhook_event_of_b_is_hidden(self):
        event = self.env["social_crm.webhook.event"].create(
            {
                "source": "meta",
                "body": '{"entry": [{"from": "bea@b.example"}]}',
                "account_ids": [(6, 0, self.account_b.ids)],
            }
        )
        self.assertHidden("social_crm.webhook.event", event)

    # ------------------------------------------------------------------
    # per-company values of a shared identity
    # ------------------------------------------------------------------
    def test_consent_given_to_a_does_not_make_contactable_for_b(self):
        shared = self.env["res.partner"].create({"name": "Sam Shared", "email": "sam@x.example"})
        self._consent(self.company_a, shared)
        self.assertTrue(shared.with_company(self.company_a).social_crm_contactable)
        self.assertEqual(
            shared.with_company(self.company_a).social_crm_consent_commercial, "granted"
        )
        self.assertFalse(shared.with_company(self.company_b).social_crm_contactable)
        self.assertEqual(shared.with_company(self.company_b).social_crm_consent_commercial, "none")

    def test_stage_score_and_link_of_b_are_not_seen_by_a(self):
        identity_b = self.identity.with_company(self.company_b)
        identity_b.partner_id = self.partner_b
        identity_b.sudo().write({"advocate_score": 87.5, "advocate_reasons": "B's fan"})
        identity_b._funnel_advance("lead", "lead", company=self.company_b)
        self.identity.with_company(self.company_a).partner_id = self.partner_a
        [read] = self.rpc(
            self.agent_a,
            "social_crm.identity",
            "read",
            [self.identity.id],
            ["partner_id", "funnel_stage", "advocate_score", "advocate_reasons"],
        )
        self.assertEqual(read["partner_id"][0], self.partner_a.id)
        self.assertEqual(read["funnel_stage"], "anonymous")
        self.assertEqual(read["advocate_score"], 0.0)
        self.assertFalse(read["advocate_reasons"])
        # B's contact is not found through A's link either
        found = self.rpc(
            self.agent_a,
            "social_crm.identity",
            "search",
            [("partner_id", "=", self.partner_b.id)],
        )
        self.assertNotIn(self.identity.id, found)

    def test_ingestion_for_b_uses_b_link_only(self):
        self.identity.with_company(self.company_a).partner_id = self.partner_a
        self.identity.with_company(self.company_b).partner_id = self.partner_b
        Message = self.env["social_crm.message"]
        author = Profile("777", handle="shared_fan")
        [post_b] = Message._ingest(self.account_b, [Post("b1", "Hello B", author=author)])
        [post_a] = Message._ingest(self.account_a, [Post("a1", "Hello A", author=author)])
        self.assertEqual(post_b.partner_id, self.partner_b)
        self.assertEqual(post_b.conversation_id.partner_id, self.partner_b)
        self.assertEqual(post_a.partner_id, self.partner_a)
        self.assertEqual(post_a.conversation_id.partner_id, self.partner_a)
        # A's agent reading A's conversation sees A's contact
        [read] = self.rpc(
            self.agent_a,
            "social_crm.conversation",
            "read",
            [post_a.conversation_id.id],
            ["partner_id"],
        )
        self.assertEqual(read["partner_id"][0], self.partner_a.id)

    def test_unlinked_in_b_stays_unlinked_when_a_links(self):
        Message = self.env["social_crm.message"]
        author = Profile("777", handle="shared_fan")
        [post_b] = Message._ingest(self.account_b, [Post("b2", "Hi", author=author)])
        self.identity.with_company(self.company_a).partner_id = self.partner_a
        self.assertFalse(post_b.partner_id)
        self.assertFalse(post_b.conversation_id.partner_id)


@tagged("post_install", "-at_install")
class TestConsentIp(TransactionCase):
    """The consenting IP behind a reverse proxy (evidence must name the
    person's address, not the proxy's, and not one a client made up)."""

    @staticmethod
    def request(forwarded=None, remote="10.0.0.2"):
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        builder = EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": remote})
        return Request(builder.get_environ())

    def test_without_proxy_mode_the_header_is_ignored(self):
        with patch.dict(config.options, {"proxy_mode": False}):
            self.assertEqual(client_ip(self.request("203.0.113.9")), "10.0.0.2")

    def test_with_proxy_mode_the_hop_our_proxy_added_counts(self):
        with patch.dict(config.options, {"proxy_mode": True}):
            # the client claimed 1.2.3.4; our proxy appended the real address
            self.assertEqual(client_ip(self.request("1.2.3.4, 203.0.113.9")), "203.0.113.9")
            self.assertEqual(client_ip(self.request()), "10.0.0.2")
