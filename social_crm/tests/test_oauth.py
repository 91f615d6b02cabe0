"""Issue 14, section 1: the Connect buttons. Each flow from the button to the
callback, with the platforms' answers replayed from self-written fixtures
(tests/fixtures/<platform>/oauth.json); the callback's state checks; X token
refresh under a row lock; "needs reconnecting" on a 401 or Meta's code 190."""

import contextlib
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors import oauth
from ..connectors.testing import ReplaySession, local_recording
from ..models._oauth import CALLBACK_PATH
from .common import RpcAttack

BASE = "http://localhost:8069"


def fixture(platform, name):
    return local_recording(platform, "oauth.json")[name]


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class OauthCommon(RpcAttack):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        for key, value in {
            "x_client_id": "x-client",
            "x_client_secret": "x-secret",
            "meta_app_id": "meta-app",
            "meta_app_secret": "meta-secret",
            "meta_config_id": "meta-config",
        }.items():
            params.set_param(f"social_crm.oauth_{key}", value)
        cls.receptionist = new_test_user(
            cls.env, login="oauth_reception", groups="social_crm.group_social_crm_manager"
        )
        cls.other = new_test_user(
            cls.env, login="oauth_other", groups="social_crm.group_social_crm_manager"
        )
        cls.admin = new_test_user(
            cls.env,
            login="oauth_admin",
            groups="base.group_system,social_crm.group_social_crm_manager",
        )
        Account = cls.env["social_crm.account"]
        cls.x = Account.create({"name": "Store on X", "platform": "x"})
        cls.masto = Account.create(
            {"name": "Store on Mastodon", "platform": "mastodon", "server_url": "mastodon.example"}
        )
        cls.fb = Account.create({"name": "Store on Facebook", "platform": "facebook"})

    @contextlib.contextmanager
    def replay(self):
        session = ReplaySession()
        Account = type(self.env["social_crm.account"])
        with patch.object(Account, "_connector_session", lambda self: session):
            yield session
        self.assertFalse(session.pending(), "answers never asked for")

    def connect(self, account, user=None):
        action = self.rpc(
            user or self.receptionist, "social_crm.account", "action_oauth_connect", [account.id]
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        return action["url"]

    def callback(self, state, code="the-code", **extra):
        params = "&".join(f"{k}={v}" for k, v in {"state": state, "code": code, **extra}.items())
        return self.url_open(f"{CALLBACK_PATH}?{params}", allow_redirects=False)

    def pending(self, account):
        return self.env["social_crm.oauth.pending"].sudo().search([("account_id", "=", account.id)])


@tagged("post_install", "-at_install")
class TestOauthConnect(OauthCommon, HttpCase):
    def test_x_authorize_redirect_has_state_and_s256_challenge(self):
        url = self.connect(self.x)
        self.assertTrue(url.startswith(oauth.X_AUTHORIZE_URL))
        params = query(url)
        self.assertEqual(params["code_challenge_method"], "S256")
        self.assertEqual(params["client_id"], "x-client")
        self.assertTrue(params["redirect_uri"].endswith(CALLBACK_PATH))
        self.assertIn("offline.access", params["scope"].split())
        pending = self.pending(self.x)
        self.assertEqual(len(pending), 1)
        # the verifier stays on the server: only its S256 challenge leaves
        self.assertEqual(params["code_challenge"], oauth.pkce_challenge(pending.verifier))
        self.assertNotIn(pending.verifier, url)
        self.assertNotEqual(pending.state_hash, params["state"])  # stored hashed
        self.assertEqual(pending.user_id, self.receptionist)
        self.assertLessEqual(
            pending.expires_at, fields.Datetime.now() + timedelta(minutes=10, seconds=5)
        )
        # the pending authorizations are the administrators' only
        with self.assertRpcRefused("AccessError"):
            self.rpc(self.receptionist, "social_crm.oauth.pending", "search_read", [], ["verifier"])

    def test_x_callback_exchanges_the_code_once(self):
        state = query(self.connect(self.x))["state"]
        with self.replay() as session:
            session.add_recording(fixture("x", "token"))
            session.add_recording(fixture("x", "me"))
            session.add_recording(fixture("x", "mentions_empty"))
            response = self.callback(state)
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertIn(f"/{self.x.id}", response.headers["Location"])
        sent = {k: v[0] for k, v in parse_qs(session.calls[0]["body"]).items()}
        self.assertEqual(sent["code"], "the-code")
        self.assertTrue(sent["code_verifier"])
        account = self.x.sudo()
        self.assertEqual(account.x_oauth_access_token, "x-access-1")
        self.assertEqual(account.x_oauth_refresh_token, "x-refresh-1")
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.handle, "fictional_store")
        self.assertEqual(account.external_user_id, "2244994945")
        # the user token goes as a bearer (OAuth 2, user_auth=False), not OAuth 1.0a
        self.assertEqual(session.calls[1]["headers"]["Authorization"], "Bearer x-access-1")
        self.assertFalse(self.pending(self.x))
        # replayed: refused, nothing asked of X, nothing changed
        with self.replay():
            again = self.callback(state, code="other-code")
        self.assertEqual(again.status_code, 400)
        self.assertIn("not valid", again.text)
        self.assertEqual(account.x_oauth_access_token, "x-access-1")

    def test_state_of_another_session_or_user_is_refused(self):
        state = query(self.connect(self.x))["state"]
        self.authenticate(self.receptionist.login, self.receptionist.login)  # a new session
        with self.replay():
            response = self.callback(state)
        self.assertEqual(response.status_code, 400)
        self.assertIn("not valid", response.text)
        self.authenticate(self.other.login, self.other.login)
        with self.replay():
            self.assertEqual(self.callback(state).status_code, 400)
        with self.replay():
            self.assertEqual(self.callback("made-up-state").status_code, 400)
        self.assertFalse(self.x.sudo().x_oauth_access_token)
        self.assertEqual(len(self.pending(self.x)), 1)  # stored nothing, spent nothing

    def test_expired_state_is_refused(self):
        state = query(self.connect(self.x))["state"]
        self.pending(self.x).expires_at = fields.Datetime.now() - timedelta(seconds=1)
        with self.replay():
            response = self.callback(state)
        self.assertEqual(response.status_code, 400)
        self.assertIn("expired", response.text)
        self.assertFalse(self.x.sudo().x_oauth_access_token)

    def test_missing_step_is_named_and_connect_refused(self):
        self.env["ir.config_parameter"].sudo().set_param("social_crm.oauth_x_client_secret", "")
        self.assertIn("client id and secret", self.x.oauth_missing_step)
        with self.assertRpcRefused("UserError"):
            self.connect(self.x)

    def test_cancelled_on_the_platform_stores_nothing_and_spends_the_state(self):
        state = query(self.connect(self.x))["state"]
        with self.replay():
            response = self.callback(state, code="", error="access_denied")
        self.assertEqual(response.status_code, 400)
        self.assertIn("cancelled", response.text)
        self.assertFalse(self.x.sudo().x_oauth_access_token)
        self.assertFalse(self.pending(self.x))

    def test_bluesky_connect_verifies_the_app_password_at_once(self):
        sky = self.env["social_crm.account"].create(
            {"name": "Store on Bluesky", "platform": "bluesky", "handle": "store.bsky.social"}
        )
        self.assertIn("app password", sky.oauth_missing_step)
        sky.sudo().bluesky_app_password = "abcd-efgh-ijkl-mnop"
        self.assertFalse(sky.oauth_missing_step)
        self.assertFalse(sky.oauth_connected)  # not verified yet: Connect shows
        recordings = local_recording("bluesky", "session.json")
        with self.replay() as session:
            session.add_recording(recordings["create_session"])
            session.add_recording(recordings["get_profile"])
            self.rpc(self.receptionist, "social_crm.account", "action_oauth_connect", [sky.id])
        self.assertIn("createSession", session.calls[0]["url"])
        self.assertEqual(sky.state, "connected")
        self.assertTrue(sky.oauth_connected)

    def test_mastodon_registers_once_then_exchanges(self):
        with self.replay() as session:
            session.add_recording(fixture("mastodon", "app"))
            url = self.connect(self.masto)
            url2 = self.connect(self.masto)  # the app is registered once per server
        self.assertTrue(url.startswith("https://mastodon.example/oauth/authorize?"))
        self.assertEqual(query(url)["client_id"], "masto-client-id")
        self.assertEqual(len([c for c in session.calls if "/api/v1/apps" in c["url"]]), 1)
        app = (
            self.env["social_crm.oauth.app"]
            .sudo()
            .search([("instance", "=", "https://mastodon.example")])
        )
        self.assertEqual(app.client_secret, "masto-client-secret")
        with self.replay() as session:
            session.add_recording(fixture("mastodon", "token"))
            session.add_recording(fixture("mastodon", "verify"))
            session.add_recording(fixture("mastodon", "notifications_empty"))
            response = self.callback(query(url2)["state"], code="m-code")
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertEqual(self.masto.sudo().mastodon_access_token, "masto-user-token")
        self.assertEqual(self.masto.state, "connected")
        self.assertEqual(self.masto.handle, "store@mastodon.example")
        sent = {k: v[0] for k, v in parse_qs(session.calls[0]["body"]).items()}
        self.assertEqual((sent["code"], sent["client_secret"]), ("m-code", "masto-client-secret"))

    def test_meta_login_pick_page_and_subscribe(self):
        url = self.connect(self.fb)
        self.assertEqual(query(url)["config_id"], "meta-config")
        with self.replay() as session:
            for name in ("short_token", "long_token", "accounts"):
                session.add_recording(fixture("meta", name))
            response = self.callback(query(url)["state"], code="fb-code")
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertIn("social_crm.oauth.page.wizard", response.headers["Location"])
        wizard_id = int(response.headers["Location"].rsplit("/", 1)[1])
        self.assertEqual(session.calls[1]["params"]["grant_type"], "fb_exchange_token")
        lines = self.rpc(
            self.receptionist,
            "social_crm.oauth.page.wizard.line",
            "search_read",
            [("wizard_id", "=", wizard_id)],
            ["name", "instagram_username"],
        )
        self.assertEqual(
            [line["name"] for line in lines], ["Fictional Bakery", "Fictional Florist"]
        )
        self.assertNotIn("access_token", str(lines))
        self.rpc(
            self.receptionist,
            "social_crm.oauth.page.wizard",
            "write",
            [wizard_id],
            {"line_id": lines[0]["id"]},
        )
        with self.replay() as session:
            session.add_recording(fixture("meta", "subscribed"))
            session.add_recording(fixture("meta", "page"))
            self.rpc(
                self.receptionist,
                "social_crm.oauth.page.wizard",
                "action_connect_page",
                [wizard_id],
            )
        self.assertEqual(
            session.calls[0]["params"]["subscribed_fields"], "feed,mention,ratings,messages"
        )
        account = self.fb.sudo()
        self.assertEqual(account.meta_page_access_token, "page-token-bakery")
        self.assertEqual(account.external_user_id, "1111111111")
        self.assertEqual(account.meta_app_secret, "meta-secret")
        self.assertEqual(account.state, "connected")
        self.assertFalse(self.pending(self.fb))


@tagged("post_install", "-at_install")
class TestOauthTokens(OauthCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x.sudo().write(
            {
                "x_oauth_access_token": "x-access-1",
                "x_oauth_refresh_token": "x-refresh-1",
                "x_oauth_expires_at": fields.Datetime.now() + timedelta(minutes=5),
                "external_user_id": "2244994945",
                "state": "connected",
            }
        )
        cls.stream = cls.env["social_crm.stream"].create(
            {"account_id": cls.x.id, "kind": "mention", "cursor": {"since_id": "1000"}}
        )

    def test_refresh_before_expiry_under_a_row_lock(self):
        Cursor = type(self.env.cr)
        real_execute = Cursor.execute
        order = []

        def spy(cr, query, params=None, log_exceptions=True):
            if "FOR UPDATE" in str(query) and "social_crm_account" in str(query):
                order.append("lock")
            return real_execute(cr, query, params, log_exceptions)

        with self.replay() as session, patch.object(Cursor, "execute", spy):
            session.add_recording(fixture("x", "refreshed"))
            real_send = session.send
            session.send = lambda request, **kw: order.append("refresh") or real_send(request, **kw)
            connector = self.x._get_connector()
        # the row is locked before the (rotating) refresh token is spent
        self.assertEqual(order, ["lock", "refresh"])
        self.assertEqual(connector.credentials["bearer_token"], "x-access-2")
        sent = {k: v[0] for k, v in parse_qs(session.calls[0]["body"]).items()}
        self.assertEqual(sent["refresh_token"], "x-refresh-1")
        account = self.x.sudo()
        self.assertEqual(account.x_oauth_refresh_token, "x-refresh-2")  # rotated
        self.assertGreater(account.x_oauth_expires_at, fields.Datetime.now() + timedelta(hours=1))
        # still fresh: no second refresh, no lock
        with self.replay():
            self.assertEqual(self.x._get_connector().credentials["bearer_token"], "x-access-2")

    def test_cron_refreshes_tokens_that_expire_soon(self):
        with self.replay() as session:
            session.add_recording(fixture("x", "refreshed"))
            self.env["social_crm.account"]._cron_refresh_x_tokens()
        self.assertEqual(self.x.sudo().x_oauth_access_token, "x-access-2")

    def test_401_needs_reconnecting_and_the_cursor_is_kept(self):
        self.x.sudo().x_oauth_expires_at = fields.Datetime.now() + timedelta(hours=2)
        with self.replay() as session:
            session.add_recording(fixture("x", "unauthorized"))
            _messages, error = self.stream._sync_guarded()
        self.assertTrue(error)
        self.assertEqual(session.calls[0]["headers"]["Authorization"], "Bearer x-access-1")
        self.assertEqual(self.x.state, "reconnect")
        self.assertEqual(self.stream.cursor, {"since_id": "1000"})
        activity = self.x.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("base.group_system"))
        # a second failure adds no second activity
        with self.replay() as session:
            session.add_recording(fixture("x", "unauthorized"))
            self.stream._sync_guarded()
        self.assertEqual(len(self.x.activity_ids), 1)
        self.assertEqual(self.stream.cursor, {"since_id": "1000"})

    def test_refused_refresh_needs_reconnecting_and_the_cursor_is_kept(self):
        with self.replay() as session:
            session.add_recording(fixture("x", "invalid_grant"))
            _messages, error = self.stream._sync_guarded()
        self.assertTrue(error)
        self.assertEqual(self.x.state, "reconnect")
        self.assertNotIn("Value passed", self.x.error_message)
        self.assertEqual(self.stream.cursor, {"since_id": "1000"})
        self.assertEqual(self.x.sudo().x_oauth_refresh_token, "x-refresh-1")

    def test_meta_code_190_at_http_400_needs_reconnecting(self):
        fb = self.fb
        fb.sudo().write(
            {"meta_page_access_token": "page-token-bakery", "external_user_id": "1111111111"}
        )
        with self.replay() as session:
            session.add_recording(fixture("meta", "token_expired"))
            fb.with_user(self.receptionist).action_test_connection()
        self.assertEqual(fb.state, "reconnect")
        self.assertNotIn("Session has expired", fb.error_message)  # our words only
        self.assertTrue(fb.activity_ids)

    def test_disconnect_revokes_and_forgets(self):
        self.x.sudo().x_oauth_expires_at = fields.Datetime.now() + timedelta(hours=2)
        with self.replay() as session:
            session.add_recording(fixture("x", "revoked"))
            self.x.with_user(self.receptionist).action_oauth_disconnect()
        self.assertIn("token=x-refresh-1", session.calls[0]["body"])
        account = self.x.sudo()
        self.assertFalse(account.x_oauth_access_token or account.x_oauth_refresh_token)
        self.assertEqual(account.state, "draft")
        self.assertEqual(self.stream.cursor, {"since_id": "1000"})

    def test_tokens_are_administrators_only(self):
        with self.assertRpcRefused("AccessError"):
            self.rpc(
                self.receptionist,
                "social_crm.account",
                "read",
                [self.x.id],
                ["x_oauth_refresh_token"],
            )
        with self.assertRpcRefused("AccessError", "ValueError", "ValidationError"):
            self.rpc(
                self.receptionist,
                "social_crm.account",
                "write",
                [self.x.id],
                {"x_oauth_access_token": "forged"},
                context={"social_crm_oauth_flow": True},
            )
        self.assertEqual(self.x.sudo().x_oauth_access_token, "x-access-1")


@tagged("post_install", "-at_install")
class TestOauthTour(HttpCase):
    def test_reconnect_banner_and_missing_step(self):
        manager = new_test_user(
            self.env, login="oauth_tour", groups="social_crm.group_social_crm_manager"
        )
        Account = self.env["social_crm.account"]
        x = Account.create({"name": "Tour X store", "platform": "x"})
        x.sudo().write({"x_oauth_access_token": "tok", "state": "reconnect"})
        Account.create({"name": "Tour Mastodon store", "platform": "mastodon"})
        self.start_tour(
            "/odoo/action-social_crm.action_social_crm_account",
            "social_crm_oauth_reconnect_tour",
            login=manager.login,
        )
