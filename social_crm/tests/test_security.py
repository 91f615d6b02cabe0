from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import Post, Profile
from .common import RpcAttack, SocialCrmCommon

SECRETS = ["x_bearer_token", "x_api_key", "x_api_secret", "x_access_token", "x_access_token_secret"]


@tagged("post_install", "-at_install")
class TestSecurity(SocialCrmCommon):
    def test_agent_cannot_read_tokens(self):
        for user in (self.agent, self.manager):
            account = self.account.with_user(user)
            for field in SECRETS:
                with self.assertRaises(AccessError):
                    account.read([field])
                with self.assertRaises(AccessError):
                    account.search_read([("id", "=", account.id)], [field])
            # a plain read (what RPC clients do without a field list) leaves them out
            self.assertFalse(set(SECRETS) & set(account.read()[0]))
            self.assertFalse(set(SECRETS) & set(account.fields_get()))
            self.assertEqual(account.name, "Store on X")
        admin = self.account.with_user(self.env.ref("base.user_admin"))
        self.assertEqual(admin.x_bearer_token, "AAAA-bearer-secret")

    def test_agent_cannot_configure_accounts(self):
        with self.assertRaises(AccessError):
            self.env["social_crm.account"].with_user(self.agent).create({"name": "Rogue"})
        with self.assertRaises(AccessError):
            self.stream.with_user(self.agent).write({"cursor": False})

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        account_b = self.account.copy({"name": "B's account", "company_id": company_b.id})
        [post_b] = self.Message._ingest(
            account_b, [Post("b1", "secret of B", author=Profile("77", handle="bee"))]
        )
        agent_a = new_test_user(
            self.env,
            login="agent_a",
            groups="social_crm.group_social_crm_agent",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        Conversation = self.Conversation.with_user(agent_a)
        self.assertFalse(Conversation.search([("id", "=", post_b.conversation_id.id)]))
        self.assertFalse(self.Message.with_user(agent_a).search([("id", "=", post_b.id)]))
        self.assertNotIn(account_b, self.env["social_crm.account"].with_user(agent_a).search([]))
        with self.assertRaises(AccessError):
            post_b.conversation_id.with_user(agent_a).read(["name"])


@tagged("post_install", "-at_install")
class TestSecurityRpc(RpcAttack, HttpCase):
    """The same guards, through the door an attacker uses: JSON-RPC."""

    def test_agent_cannot_create_an_account_over_rpc(self):
        agent = new_test_user(
            self.env, login="rpc_agent", groups="social_crm.group_social_crm_agent"
        )
        with self.assertRpcRefused("AccessError"):
            self.rpc(agent, "social_crm.account", "create", [{"name": "Rogue"}])
        self.assertTrue(self.rpc(agent, "social_crm.account", "search_count", []) >= 0)
