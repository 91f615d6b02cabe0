import contextlib
import json
from unittest.mock import patch

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

from ..connectors.testing import ReplaySession, local_recording, shared_recording


def x_recording(name, index=0):
    """One exchange of a real recorded X API v2 cassette (bundled)."""
    return shared_recording("x_tweepy", "decoded", f"{name}.json")[index]


class SocialCrmCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.agent = new_test_user(
            cls.env, login="sc_agent", name="Ada Agent", groups="social_crm.group_social_crm_agent"
        )
        cls.manager = new_test_user(
            cls.env,
            login="sc_manager",
            name="Max Manager",
            groups="social_crm.group_social_crm_manager",
        )
        cls.account = cls.env["social_crm.account"].create(
            {
                "name": "Store on X",
                "platform": "x",
                "handle": "Twitter",
                "external_user_id": "783214",
                "x_bearer_token": "AAAA-bearer-secret",
                "x_api_key": "ck",
                "x_api_secret": "cs-secret",
                "x_access_token": "at",
                "x_access_token_secret": "ats-secret",
            }
        )
        cls.stream = cls.env["social_crm.stream"].create(
            {
                "account_id": cls.account.id,
                "kind": "mention",
            }
        )
        cls.Message = cls.env["social_crm.message"]
        cls.Conversation = cls.env["social_crm.conversation"]

    @contextlib.contextmanager
    def replay(self):
        """Every connector built in the block talks to one ReplaySession."""
        session = ReplaySession()
        Account = type(self.env["social_crm.account"])
        with patch.object(Account, "_connector_session", lambda self: session):
            yield session

    def mentions(self):
        return x_recording("test_client_get_users_mentions")

    @staticmethod
    def error(name):
        return local_recording("x", "errors.json")[name]

    def stream_posts(self, stream=None):
        return self.Message.search([("stream_id", "=", (stream or self.stream).id)])


class RpcAttack:
    """Mixin for :class:`odoo.tests.HttpCase`: call the ORM over JSON-RPC as a
    user, with any context, the way an attacker with that login would.

    ``new_test_user`` gives each user its login as password.
    """

    def rpc(self, user, model, method, *args, context=None, **kwargs):
        """``model.method(*args, **kwargs)`` through ``/web/dataset/call_kw``
        as ``user``; returns the result or raises :class:`RpcError`."""
        self.authenticate(user.login, user.login)
        kwargs["context"] = dict(context or {})
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            data = body["error"].get("data") or {}
            raise RpcError(data.get("name", ""), data.get("message", body["error"].get("message")))
        return body["result"]

    @contextlib.contextmanager
    def assertRpcRefused(self, *names):
        """The block's RPC call must fail with one of the exception class
        ``names`` (short names such as ``"AccessError"``; any Odoo user
        error when none are given)."""
        names = names or ("AccessError", "UserError", "ValidationError", "MissingError")
        with self.assertRaises(RpcError) as caught:
            yield caught
        self.assertIn(caught.exception.name.rsplit(".", 1)[-1], names, caught.exception.message)


class RpcError(Exception):
    """An error answer to a JSON-RPC call: ``name`` is the server's
    exception class (``odoo.exceptions.AccessError``), ``message`` its text."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
