import contextlib
from unittest.mock import patch

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

from ..connectors.testing import ReplaySession, local_recording, shared_recording


def x_recording(name, index=0):
    """One exchange of a real recorded X API v2 cassette from ../shared."""
    data = shared_recording("x_tweepy", "decoded", f"{name}.json")
    return data[index] if data else None


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

    def require(self, exchange):
        if exchange is None:
            self.skipTest("../shared/fixtures/api/x_tweepy is not present")
        return exchange

    def mentions(self):
        return self.require(x_recording("test_client_get_users_mentions"))

    @staticmethod
    def error(name):
        return local_recording("x", "errors.json")[name]

    def stream_posts(self, stream=None):
        return self.Message.search([("stream_id", "=", (stream or self.stream).id)])
