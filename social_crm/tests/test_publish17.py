"""Issue 17, "Publish and schedule": planned posts, per-account variants
with the platforms' limits, publishing now or by the scheduled action,
at most once across crashes, and published posts stored as ours so that
replies land in the inbox."""

import itertools
import uuid
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import TransactionCase, new_test_user
from odoo.tools import mute_logger

from ..connectors import Post, Profile, RateLimitError, RequestRefused
from ..connectors.bluesky import BlueskyConnector
from ..connectors.mastodon import MastodonConnector
from ..connectors.messages import Message, said
from ..connectors.x import XConnector
from .common import RpcAttack, SocialCrmCommon


@tagged("post_install", "-at_install")
class TestPublishComposer(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["social_crm.account"]
        cls.demo = Account.create(
            {"name": "Demo store", "platform": "demo", "external_user_id": "demo-hollandia"}
        )
        cls.bsky = Account.create({"name": "Store on Bluesky", "platform": "bluesky"})
        cls.insta = Account.create({"name": "Store on Instagram", "platform": "instagram"})
        cls.Post = cls.env["social_crm.post"]

    def plan(self, text, *accounts, **values):
        return self.Post.create(
            {"text": text, "account_ids": [(6, 0, [a.id for a in accounts])], **values}
        )

    def test_one_line_per_account_counted_as_each_platform_counts(self):
        flags = "🇳🇱" * 150  # 300 graphemes; X weighs each flag 2 (two code points)
        post = self.plan(flags, self.account, self.bsky, self.demo)
        by_platform = {line.platform: line for line in post.line_ids}
        self.assertEqual(set(by_platform), {"x", "bluesky", "demo"})
        self.assertEqual(
            (by_platform["bluesky"].length, by_platform["bluesky"].max_length), (150, 300)
        )
        self.assertFalse(by_platform["bluesky"].problem)
        self.assertEqual((by_platform["x"].length, by_platform["x"].max_length), (300, 280))
        self.assertIn("at most 280", by_platform["x"].problem)
        # the variant for X is adapted; the others follow the post's text
        by_platform["x"].text = "🇳🇱 https://hollandia.example/" + "k" * 300
        self.assertEqual(by_platform["x"].length, 2 + 1 + 23)
        self.assertTrue(by_platform["x"].customized)
        post.text = "Nieuwe tekst"
        self.assertEqual(by_platform["bluesky"].text, "Nieuwe tekst")
        self.assertNotEqual(by_platform["x"].text, "Nieuwe tekst")

    def test_instagram_text_only_is_refused_before_sending(self):
        post = self.plan("Alleen tekst", self.insta)
        self.assertIn("Instagram publishes only a photo", post.line_ids.problem)
        with self.assertRaisesRegex(UserError, "Instagram publishes only a photo"):
            post.with_user(self.manager).action_publish_now()
        self.assertEqual(post.line_ids.state, "draft")

    def test_agents_plan_managers_publish(self):
        post = self.plan("Kerstactie!", self.demo).with_user(self.agent)
        post.text = "Kerstactie bij Hollandia!"  # agents write and adapt
        with self.assertRaisesRegex(AccessError, "Only Social CRM managers"):
            post.action_publish_now()
        with self.assertRaises(AccessError):
            post.line_ids.with_user(self.agent).write({"state": "posted"})
        self.assertEqual(post.line_ids.state, "draft")

    def test_publish_now_stores_our_post_and_a_reply_lands_in_its_conversation(self):
        post = self.plan("Kerstactie: deel je foto met #HollandiaKerst", self.demo)
        post.with_user(self.manager).action_publish_now()
        line = post.line_ids
        self.assertEqual((line.state, post.state), ("posted", "posted"))
        self.assertTrue(line.external_id.startswith("demo-post-"))
        ours = line.message_id
        self.assertEqual((ours.direction, ours.text), ("out", post.text))
        self.assertEqual(ours.conversation_id.conversation_key, line.external_id)
        # a reply to it arrives in the inbox, in that conversation
        [reply] = self.Message._ingest(
            self.demo,
            [
                Post(
                    "demo-reply-1",
                    "Mooi, ik doe mee!",
                    author=Profile("demo-fan", handle="fan"),
                    parent_external_id=line.external_id,
                )
            ],
        )
        self.assertEqual(reply.conversation_id, ours.conversation_id)
        self.assertEqual(reply.parent_id, ours)
        conversation = reply.conversation_id
        self.assertEqual(conversation.state, "open", "the reply waits for an agent")
        self.assertFalse(conversation.first_response_at, "our post answered nobody")
        self.assertEqual(conversation.first_inbound_at, reply.posted_at)
        # published again: refused, nothing sent
        with self.assertRaisesRegex(UserError, "has not posted this"):
            post.with_user(self.manager).action_publish_now()
        self.assertEqual(self.Message.search_count([("external_id", "=", line.external_id)]), 1)

    def test_scheduled_post_is_published_when_due_by_the_cron(self):
        soon = fields.Datetime.now() + timedelta(hours=1)
        post = self.plan("Morgen open!", self.demo, scheduled_at=soon)
        post.with_user(self.manager).action_schedule()
        self.assertEqual(post.state, "scheduled")
        self.Post._cron_publish()
        self.assertEqual(post.line_ids.state, "scheduled", "not due yet")
        post.scheduled_at = fields.Datetime.now() - timedelta(minutes=1)
        self.Post._cron_publish()
        self.assertEqual(post.line_ids.state, "posted")
        self.assertTrue(post.line_ids.message_id)

    def test_daily_cap_holds_back_the_extra_post(self):
        self.demo.publish_daily_cap = 1
        self.assertEqual(self.account.publish_daily_cap, 17, "X's free plan: few posts a day")
        first = self.plan("Een", self.demo)
        second = self.plan("Twee", self.demo)
        first.with_user(self.manager).action_publish_now()
        second.with_user(self.manager).action_publish_now()
        self.assertEqual(first.line_ids.state, "posted")
        self.assertEqual(second.line_ids.state, "scheduled")
        self.assertIn("limit of 1 posts a day", second.line_ids.error)
        self.assertFalse(second.line_ids.external_id)

    def test_a_refusal_fails_the_line_and_try_again_resends(self):
        post = self.plan("Hallo", self.demo)
        with patch.object(
            type(self.demo._get_connector()),
            "publish",
            side_effect=RequestRefused(Message("refused", place="Demo", what=said(400))),
        ):
            post.with_user(self.manager).action_publish_now()
        self.assertEqual(post.line_ids.state, "failed")
        self.assertIn("Demo refused the request", post.line_ids.error)
        post.line_ids.with_user(self.manager).action_retry()
        post.with_user(self.manager).action_publish_now()
        self.assertEqual(post.line_ids.state, "posted")

    def test_a_rate_limit_plans_the_line_again(self):
        post = self.plan("Hallo", self.demo)
        retry_at = fields.Datetime.now() + timedelta(hours=3)
        limit = RateLimitError(
            Message("daily_limit", place="Demo", when="12:00"), retry_at=retry_at, scope="daily"
        )
        with patch.object(type(self.demo._get_connector()), "publish", side_effect=limit):
            post.with_user(self.manager).action_publish_now()
        line = post.line_ids
        self.assertEqual((line.state, line.next_try_at), ("scheduled", retry_at))
        self.assertIn("daily limit", line.error)
        self.Post._cron_publish()
        self.assertEqual(line.state, "scheduled", "not before the platform allows")

    def test_other_company_cannot_see_the_plan(self):
        post = self.plan("Intern", self.demo)
        other = self.env["res.company"].create({"name": "Other store"})
        stranger = new_test_user(
            self.env,
            login="sc_other_publisher",
            groups="social_crm.group_social_crm_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(self.Post.with_user(stranger).search([("id", "=", post.id)]))
        self.assertFalse(
            self.env["social_crm.post.line"].with_user(stranger).search([("post_id", "=", post.id)])
        )

    def test_campaign_and_advocate_open_the_composer_prefilled(self):
        campaign = self.env["social_crm.content.campaign"].create(
            {"name": "Kerst", "hashtag": "#HollandiaKerst", "account_ids": [(6, 0, self.demo.ids)]}
        )
        action = campaign.with_user(self.agent).action_social_crm_compose_post()
        post = self.Post.with_context(**action["context"]).create({})
        self.assertIn(f"#{campaign.hashtag.lstrip('#')}", post.text)
        self.assertEqual((post.campaign_id, post.account_ids), (campaign, self.demo))
        self.assertEqual(post.line_ids.account_id, self.demo)
        advocate = self.env["social_crm.identity"].create(
            {"platform": "demo", "user_id": "demo-jan", "handle": "jan"}
        )
        action = advocate.with_user(self.agent).action_social_crm_thank_in_public()
        post = self.Post.with_context(**action["context"]).create({})
        self.assertIn("@jan", post.text)
        self.assertEqual(post.identity_id, advocate)
        self.assertIn(self.demo, post.account_ids)
        self.assertEqual(set(post.account_ids.mapped("platform")), {"demo"})

    def test_privacy_export_and_erasure_cover_thank_you_posts(self):
        advocate = self.env["social_crm.identity"].create(
            {"platform": "demo", "user_id": "demo-piet", "handle": "piet"}
        )
        draft = self.plan("Dank je @piet!", self.demo, identity_id=advocate.id)
        sent = self.plan("Onze held: @Piet, bedankt!", self.demo)
        sent.with_user(self.manager).action_publish_now()
        [profile] = advocate._personal_data()
        self.assertEqual(
            sorted(p["text"] for p in profile["planned_posts"]),
            ["Dank je @piet!", "Onze held: @Piet, bedankt!"],
        )
        advocate.with_user(self.manager)._erase_personal_data()
        self.assertFalse(draft.exists(), "not published: deleted")
        self.assertEqual(sent.text, "Onze held: @[erased], bedankt!")
        self.assertEqual(sent.line_ids.text, "Onze held: @[erased], bedankt!")
        self.assertEqual(sent.line_ids.message_id.text, "Onze held: @[erased], bedankt!")


# ----------------------------------------------------------------------
# Crash between the platform call and the commit
# ----------------------------------------------------------------------
class Server:
    """A platform's store of posts, shared by the fake connectors: it may
    die after storing a post (the answer is lost) or before."""

    def __init__(self):
        self.posts = []  # dicts: id, text, key
        self.creates = 0
        self.die_after = False
        self.die_before = False
        self.ids = itertools.count(1_000_000)

    def create(self, text, key=None):  # pylint: disable=method-required-super
        self.creates += 1
        if self.die_before:
            self.die_before = False
            raise RuntimeError("the worker died before the platform got it")
        found = next((p for p in self.posts if key and p["key"] == key), None)
        if found is None:
            found = {"id": str(next(self.ids)), "text": text, "key": key}
            self.posts.append(found)
        if self.die_after:
            self.die_after = False
            raise RuntimeError("the worker died after the platform published it")
        return found


def fake_connectors(server):
    """The real connectors' publish logic over a fake network."""

    class FakeMastodon(MastodonConnector):
        def _call(self, method, path, *, expect=dict, headers=None, **kwargs):
            assert (method, path) == ("POST", "/api/v1/statuses")
            post = server.create(kwargs["data"]["status"], key=headers["Idempotency-Key"])
            body = {"id": post["id"], "content": f"<p>{post['text']}</p>", "visibility": "public"}
            return body, None

    class FakeBluesky(BlueskyConnector):
        def _login(self):
            self.auth = {"did": "did:plc:hollandia", "handle": "hollandia.bsky.social"}

        def _xrpc(self, method, nsid, *, params=None, json=None, headers=None):
            if nsid == "com.atproto.repo.createRecord":
                if any(p["key"] == json["rkey"] for p in server.posts):
                    raise RequestRefused(Message("refused", place="Bluesky", what=said(400)))
                post = server.create(json["record"]["text"], key=json["rkey"])
                return {"uri": f"at://did:plc:hollandia/app.bsky.feed.post/{post['key']}"}
            assert nsid == "com.atproto.repo.getRecord"
            post = next((p for p in server.posts if p["key"] == params["rkey"]), None)
            if post is None:
                raise RequestRefused(
                    Message("refused", place="Bluesky", what=said(400, "RecordNotFound")),
                    status=400,
                )
            uri = f"at://did:plc:hollandia/app.bsky.feed.post/{post['key']}"
            return {"uri": uri, "value": {"text": post["text"]}}

    class FakeX(XConnector):
        def _call(self, method, *args, user_auth=False, **kwargs):
            if method.__name__ == "create_tweet":
                post = server.create(kwargs["text"])  # X keeps no key
                return {"data": {"id": post["id"], "text": post["text"]}}
            assert method.__name__ == "get_users_tweets" and args == ("42",)
            return {"data": [{"id": p["id"], "text": p["text"]} for p in server.posts]}

    x_keys = {"bearer_token": "b", "user_id": "42"}
    return {
        "mastodon": lambda: FakeMastodon(
            {"instance_url": "https://m.example", "access_token": "t"}
        ),
        "bluesky": lambda: FakeBluesky({"handle": "hollandia.bsky.social"}),
        "x": lambda: FakeX(x_keys),
    }


@tagged("post_install", "-at_install")
class TestPublishCrash(TransactionCase):
    """Real transactions (committed, cleaned up afterwards): the line is
    marked "posting" in a transaction of its own, which a test cursor
    would hide."""

    def setUp(self):
        super().setUp()
        self.server = Server()
        self.prefix = f"pub{uuid.uuid4().hex[:8]}"
        self.account_ids = {}
        self.post_ids = []
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for platform in ("mastodon", "bluesky", "x"):
                self.account_ids[platform] = (
                    env["social_crm.account"]
                    .create({"name": f"{self.prefix} {platform}", "platform": platform})
                    .id
                )
        self.addCleanup(self._cleanup)
        fakes = fake_connectors(self.server)
        Account = type(self.env["social_crm.account"])
        self.startPatcher(
            patch.object(Account, "_get_connector", lambda account: fakes[account.platform]())
        )

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM social_crm_post WHERE id = ANY(%s)", [self.post_ids])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["social_crm.account"].browse(list(self.account_ids.values())).unlink()

    def _plan(self, platform, text):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            post = env["social_crm.post"].create(
                {
                    "text": text,
                    "account_ids": [(6, 0, [self.account_ids[platform]])],
                    "scheduled_at": fields.Datetime.now() - timedelta(minutes=1),
                }
            )
            post.action_schedule()
            self.post_ids.append(post.id)
            return post.line_ids.id

    def _run_cron(self, later=False):
        with self.registry.cursor() as cr:
            if later:  # the next run, once the stalled attempt is old enough
                cr.execute(
                    "UPDATE social_crm_post_line SET attempted_at = attempted_at - "
                    "interval '3 minutes' WHERE post_id = ANY(%s)",
                    [self.post_ids],
                )
                cr.commit()  # pylint: disable=invalid-commit
            env = api.Environment(cr, SUPERUSER_ID, {})
            with mute_logger("odoo.addons.social_crm.models.social_crm_post_line"):
                env["social_crm.post"]._cron_publish()

    def _line(self, line_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            line = env["social_crm.post.line"].browse(line_id)
            stored = env["social_crm.message"].search_count(
                [("account_id", "=", line.account_id.id), ("direction", "=", "out")]
            )
            return line.state, line.external_id, line.error, stored

    def _crash_then_run_again(self, platform):
        line_id = self._plan(platform, f"Kerstactie {self.prefix}")
        self.server.die_after = True
        self._run_cron()
        self.assertEqual(self._line(line_id)[0], "posting", "the crash left it posting")
        self.assertEqual(len(self.server.posts), 1, "the platform has it")
        self._run_cron(later=True)
        return line_id

    def test_mastodon_idempotency_key_exactly_once(self):
        line_id = self._crash_then_run_again("mastodon")
        state, external_id, _error, stored = self._line(line_id)
        self.assertEqual(self.server.creates, 2, "sent again with the same Idempotency-Key")
        self.assertEqual(len(self.server.posts), 1, "published exactly once")
        self.assertEqual((state, external_id, stored), ("posted", self.server.posts[0]["id"], 1))

    def test_bluesky_fixed_record_key_exactly_once(self):
        line_id = self._crash_then_run_again("bluesky")
        state, external_id, _error, stored = self._line(line_id)
        self.assertEqual(self.server.creates, 1, "found under its record key, not sent again")
        self.assertEqual(len(self.server.posts), 1)
        self.assertEqual(state, "posted")
        self.assertTrue(external_id.endswith(self.server.posts[0]["key"]))
        self.assertEqual(stored, 1)

    def test_x_at_most_once_then_reconciled_by_reading_back(self):
        line_id = self._crash_then_run_again("x")
        state, external_id, _error, stored = self._line(line_id)
        self.assertEqual(self.server.creates, 1, "X is never sent the same post twice")
        self.assertEqual((state, external_id, stored), ("posted", self.server.posts[0]["id"], 1))

    def test_mastodon_past_its_key_window_is_not_resent(self):
        """Mastodon keeps a key for an hour: later, nobody can tell."""
        line_id = self._plan("mastodon", f"Kerstactie {self.prefix}")
        self.server.die_after = True
        self._run_cron()
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE social_crm_post_line SET attempted_at = attempted_at - "
                "interval '2 hours' WHERE id = %s",
                [line_id],
            )
        self._run_cron()
        state, _external_id, error, stored = self._line(line_id)
        self.assertEqual((self.server.creates, state, stored), (1, "failed", 0))
        self.assertIn("not sent again", error)

    def test_x_lost_before_the_platform_got_it_is_not_resent(self):
        line_id = self._plan("x", f"Kerstactie {self.prefix}")
        self.server.die_before = True
        self._run_cron()
        self._run_cron(later=True)
        state, external_id, error, stored = self._line(line_id)
        self.assertEqual((self.server.creates, len(self.server.posts)), (1, 0))
        self.assertEqual((state, external_id, stored), ("failed", False, 0))
        self.assertIn("not sent again", error)


@tagged("post_install", "-at_install")
class TestPublishTour(HttpCase):
    def test_plan_see_in_calendar_publish(self):
        account = self.env["social_crm.account"].create(
            {"name": "Tour demo store", "platform": "demo", "external_user_id": "demo-tour"}
        )
        self.start_tour(
            "/odoo/action-social_crm.action_social_crm_post", "social_crm_publish17", login="admin"
        )
        post = self.env["social_crm.post"].search(
            [("text", "=", "Tour: kerstactie bij Hollandia!")]
        )
        self.assertEqual(post.state, "posted")
        self.assertEqual(post.line_ids.account_id, account)
        self.assertEqual(post.line_ids.message_id.direction, "out")


@tagged("post_install", "-at_install")
class TestPublishRpc(HttpCase, RpcAttack):
    """An agent over JSON-RPC plans posts but neither publishes them nor
    forges how their sending went."""

    def test_agent_cannot_publish_or_forge_state(self):
        agent = new_test_user(
            self.env, login="sc_rpc_agent", groups="social_crm.group_social_crm_agent"
        )
        account = self.env["social_crm.account"].create(
            {"name": "RPC demo", "platform": "demo", "external_user_id": "demo-rpc"}
        )
        post_id = self.rpc(
            agent,
            "social_crm.post",
            "create",
            [{"text": "Plan", "account_ids": [(6, 0, account.ids)]}],
        )[0]
        post = self.env["social_crm.post"].browse(post_id)
        with self.assertRpcRefused("AccessError"):
            self.rpc(agent, "social_crm.post", "action_publish_now", [post_id])
        with self.assertRpcRefused("AccessError"):
            self.rpc(
                agent,
                "social_crm.post.line",
                "write",
                post.line_ids.ids,
                {"state": "posted", "external_id": "forged"},
            )
        with self.assertRpcRefused("AccessError"):
            self.rpc(agent, "social_crm.post.line", "action_retry", post.line_ids.ids)
        self.assertEqual((post.state, post.line_ids.external_id), ("draft", False))
