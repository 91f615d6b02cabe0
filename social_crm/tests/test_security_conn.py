"""Issue 11, item 2 and HTTP limits: who may change how an account connects
and make it call out, where it may call, and what of the answer is shown.
The attacks go through JSON-RPC as the attacker's user."""

import contextlib
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors.testing import ReplaySession, local_recording
from .common import RpcAttack, SocialCrmCommon

EVIL = "https://evil.example.org"


def replay_session(resolver=None):
    """A replay; ``resolver`` where this code knows of one."""
    if resolver is None:
        return ReplaySession()
    try:
        return ReplaySession(resolver=resolver)
    except TypeError:  # the code before the fix had no resolver
        return ReplaySession()


@tagged("post_install", "-at_install")
class TestSecurityConnRpc(RpcAttack, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="conn_manager", groups="social_crm.group_social_crm_manager"
        )
        cls.agent = new_test_user(
            cls.env, login="conn_agent", groups="social_crm.group_social_crm_agent"
        )
        cls.admin = new_test_user(
            cls.env,
            login="conn_admin",
            groups="base.group_system,social_crm.group_social_crm_manager",
        )
        cls.account = cls.env["social_crm.account"].create(
            {
                "name": "Store on Mastodon",
                "platform": "mastodon",
                "handle": "store",
                "server_url": "https://mastodon.social",
                "mastodon_access_token": "admin-only-token",
            }
        )

    @contextlib.contextmanager
    def replay(self, resolver=None):
        session = replay_session(resolver)
        Account = type(self.env["social_crm.account"])
        with patch.object(Account, "_connector_session", lambda self: session):
            yield session

    def test_manager_cannot_change_where_the_token_goes(self):
        for vals in (
            {"server_url": EVIL},
            {"handle": "someone.else"},
            {"platform": "bluesky"},
            {"external_user_id": "42"},
        ):
            with self.subTest(vals=vals), self.assertRpcRefused("AccessError"):
                self.rpc(self.manager, "social_crm.account", "write", [self.account.id], vals)
        with self.assertRpcRefused("AccessError"):
            self.rpc(
                self.manager,
                "social_crm.account",
                "create",
                [{"name": "Mine", "platform": "mastodon", "server_url": EVIL}],
            )
        self.assertEqual(self.account.server_url, "https://mastodon.social")
        self.assertEqual((self.account.handle, self.account.platform), ("store", "mastodon"))
        # the rest of the account stays theirs to manage
        self.rpc(self.manager, "social_crm.account", "write", [self.account.id], {"name": "Shop"})
        self.assertEqual(self.account.name, "Shop")

    def test_agent_cannot_make_the_account_call_out(self):
        with self.replay() as session, self.assertRpcRefused("AccessError"):
            self.rpc(self.agent, "social_crm.account", "action_test_connection", [self.account.id])
        self.assertEqual(session.calls, [], "a request went out before the access check")

    def test_inner_server_addresses_are_refused_even_for_an_administrator(self):
        for url in (
            "https://127.0.0.1",
            "https://[::1]",
            "https://169.254.169.254",
            "https://10.0.0.5",
            "https://2130706433",
            "https://localhost",
            "http://mastodon.social",
        ):
            with self.subTest(url=url), self.assertRpcRefused("ValidationError"):
                self.rpc(
                    self.admin,
                    "social_crm.account",
                    "write",
                    [self.account.id],
                    {"server_url": url},
                )
        self.assertEqual(self.account.server_url, "https://mastodon.social")

    def test_a_name_that_resolves_inward_is_refused_before_any_request(self):
        self.rpc(
            self.admin,
            "social_crm.account",
            "write",
            [self.account.id],
            {"server_url": "https://mastodon.inner-example.org"},
        )
        with self.replay(resolver=lambda host, port: ["10.0.0.5"]) as session:
            session.add("GET", r"/verify_credentials", body={"id": "1", "acct": "store"})
            result = self.rpc(
                self.admin, "social_crm.account", "action_test_connection", [self.account.id]
            )
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(session.calls, [])
        self.assertIn("not public", self.account.error_message)

    def test_a_redirect_is_not_followed(self):
        with self.replay() as session:
            session.add(
                "GET",
                r"/verify_credentials",
                status=302,
                headers={"Location": "https://169.254.169.254/latest/meta-data/"},
            )
            result = self.rpc(
                self.admin, "social_crm.account", "action_test_connection", [self.account.id]
            )
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(len(session.calls), 1)
        self.assertIn("redirect", self.account.error_message)

    def test_the_remote_error_text_is_not_shown_to_agents(self):
        with self.replay() as session:
            session.add(
                "GET",
                r"/verify_credentials",
                status=401,
                body={"error": "root:x:0:0:root:/root:/bin/bash <script>alert(1)</script>"},
            )
            result = self.rpc(
                self.admin, "social_crm.account", "action_test_connection", [self.account.id]
            )
        [read] = self.rpc(
            self.agent, "social_crm.account", "read", [self.account.id], ["error_message"]
        )
        for shown in (read["error_message"], result["params"]["message"]):
            self.assertIn("rejected the credentials (401 Unauthorized)", shown)
            self.assertNotIn("root:x", shown)
            self.assertNotIn("script", shown)


@tagged("post_install", "-at_install")
class TestStreamCursorExpired(SocialCrmCommon):
    def test_expired_since_id_restarts_the_stream_once(self):
        self.stream.cursor = {"since_id": "1"}
        expired = local_recording("x", "errors.json")["invalid_since_id_mentions"]
        with self.replay() as session:
            session.add_recording(expired)
            self.stream._cron_sync()
            self.assertFalse(self.stream.cursor, "the cursor was not reset")
            self.assertIn("starts again from the latest posts", self.stream.last_error)
            self.assertNotIn("Invalid 'since_id'", self.stream.last_error)
            self.assertIn("starts again", self.account.message_ids[:1].body, "the account says so")
            # the next pull asks from the latest posts, without the old since_id
            session.add_recording(self.mentions())
            self.stream._sync_guarded()
        self.assertNotIn("since_id", session.calls[1]["params"])
        self.assertEqual(len(self.stream_posts()), 10)
        self.assertFalse(self.stream.last_error)

    def test_no_endless_resets(self):
        """A refusal without a cursor to reset is an ordinary error: the
        stream waits (an hour) instead of starting again at once."""
        self.stream.cursor = False
        expired = local_recording("x", "errors.json")["invalid_since_id_mentions"]
        with self.replay() as session:
            session.add_recording(expired)
            self.stream._cron_sync()
        self.assertEqual(len(session.calls), 1)
        self.assertGreater(self.stream.next_sync_at, self.stream.create_date)
        self.assertEqual(self.account.state, "error")
