"""Issue 11, "Double replies": a reply, a consent link or a rights request
reaches the platform once, however often Odoo runs the call again.

These tests use real transactions (committed data, cleaned up afterwards):
an outgoing post is recorded in a transaction of its own, which a test
cursor would hide.
"""

import uuid
from functools import partial
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from ..connectors import PlatformUnavailable
from ..connectors.base import Post, Profile
from ..connectors.demo import DemoConnector

PHOTO = "https://files.example/coat.jpg"


def serialization_failure(cr):
    """Raise what PostgreSQL raises when another transaction wrote the same row."""
    cr.execute(
        "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due to concurrent update' "
        "USING ERRCODE = 'serialization_failure'; END $$",
        log_exceptions=False,
    )


@tagged("post_install", "-at_install")
class TestOutboundOnce(TransactionCase):
    def setUp(self):
        super().setUp()
        self.prefix = prefix = f"ob{uuid.uuid4().hex[:8]}"
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.uid_agent = env.ref("base.user_admin").id
            account = env["social_crm.account"].create(
                {"name": prefix, "platform": "demo", "external_user_id": f"demo-{prefix}"}
            )
            campaign = env["social_crm.content.campaign"].create(
                {"name": prefix, "hashtag": prefix, "account_ids": [(6, 0, account.ids)]}
            )
            campaign.state = "running"
            [post] = env["social_crm.message"]._ingest(
                account,
                [
                    Post(
                        f"{prefix}-1",
                        f"My new coat #{prefix}",
                        author=Profile(f"demo-{prefix}-a", handle=prefix),
                        media_urls=[PHOTO],
                        lang="en",
                    )
                ],
            )
            self.account_id, self.campaign_id = account.id, campaign.id
            self.conversation_id = post.conversation_id.id
            self.identity_id = post.author_identity_id.id
            self.entry_id = env["social_crm.content"].search([("message_id", "=", post.id)]).id
        self.addCleanup(self._cleanup)
        # the platform: every request it gets
        self.requests = []
        for method in ("reply", "send_private"):
            real = getattr(DemoConnector, method)

            def record(connector, *args, _real=real, **kwargs):
                self.requests.append((args, kwargs))
                return _real(connector, *args, **kwargs)

            self.startPatcher(patch.object(DemoConnector, method, record))
        self.startPatcher(patch("odoo.service.model.time.sleep"))  # retries without waiting

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["social_crm.content.campaign"].browse(self.campaign_id).unlink()
            env["social_crm.consent.request"].search(
                [("identity_id", "=", self.identity_id)]
            ).unlink()
            env["social_crm.account"].browse(self.account_id).unlink()
            env["social_crm.identity"].browse(self.identity_id).exists().unlink()

    def _fail_once_after_the_platform_call(self, env):
        """The first run fails to serialize in the database step that follows
        the platform call (storing our post); later runs go through."""
        Conversation = type(env["social_crm.conversation"])
        real = Conversation._record_our_post
        failed = []

        def record_our_post(conversation, *args, **kwargs):
            if not failed:
                failed.append(len(self.requests))
                serialization_failure(conversation.env.cr)
            return real(conversation, *args, **kwargs)

        self.startPatcher(patch.object(Conversation, "_record_our_post", record_our_post))
        return failed

    def _run_retried(self, model, res_id, method, before=None):
        """``model.method()`` the way Odoo runs an RPC: in ``retrying()``."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.uid_agent, {})
            record = env[model].browse(res_id)
            if before:
                before(record)
                cr.commit()  # pylint: disable=invalid-commit
            failed = self._fail_once_after_the_platform_call(env)
            result = retrying(partial(getattr(record, method)), env)
        self.assertEqual(failed, [1], "the first run failed after the platform call")
        return result

    def _stored(self):
        """(outgoing posts, draft, outbound records) as committed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            conversation = env["social_crm.conversation"].browse(self.conversation_id)
            ours = conversation.post_ids.filtered(lambda m: m.direction == "out")
            outbound = env["social_crm.outbound"].search(
                [("conversation_id", "=", self.conversation_id)]
            )
            return (
                [(m.external_id, m.text) for m in ours],
                conversation.reply_draft,
                outbound.mapped("state"),
            )

    def test_a_retried_reply_is_posted_once(self):
        self._run_retried(
            "social_crm.conversation",
            self.conversation_id,
            "action_send_reply",
            before=lambda c: c.write({"reply_draft": "We are on it!"}),
        )
        self.assertEqual(len(self.requests), 1, "the platform got one request over the retries")
        posts, draft, outbound = self._stored()
        self.assertEqual(len(posts), 1)
        self.assertEqual(posts[0][1], "We are on it!")
        self.assertFalse(draft)
        self.assertEqual(outbound, ["done"])

    def test_a_retried_consent_request_is_sent_once_with_a_working_link(self):
        self._run_retried("social_crm.conversation", self.conversation_id, "action_ask_consent")
        self.assertEqual(len(self.requests), 1, "the platform got one request over the retries")
        posts, _draft, outbound = self._stored()
        self.assertEqual(len(posts), 1)
        self.assertEqual(outbound, ["done"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["social_crm.consent.request"].search(
                [("identity_id", "=", self.identity_id)]
            )
            self.assertEqual(len(request), 1)
            self.assertEqual(request.sent_as, "private")
            self.assertIn(request.token, posts[0][1], "the link sent is the one stored")

    def test_a_retried_rights_request_is_sent_once(self):
        self.assertTrue(self.entry_id)
        self._run_retried("social_crm.content", self.entry_id, "action_request_rights")
        self.assertEqual(len(self.requests), 1, "the platform got one request over the retries")
        posts, _draft, outbound = self._stored()
        self.assertEqual(len(posts), 1)
        self.assertEqual(outbound, ["done"])
        with self.registry.cursor() as cr:
            entry = api.Environment(cr, SUPERUSER_ID, {})["social_crm.content"].browse(
                self.entry_id
            )
            self.assertEqual(entry.state, "requested")
            self.assertEqual(entry.request_message_id.external_id, posts[0][0])

    @mute_logger("odoo.sql_db")
    def test_two_transactions_sending_the_same_reply_send_it_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["social_crm.conversation"].browse(self.conversation_id).reply_draft = "On it!"
        with self.registry.cursor() as first, self.registry.cursor() as second:
            one = api.Environment(first, self.uid_agent, {})["social_crm.conversation"]
            two = api.Environment(second, self.uid_agent, {})["social_crm.conversation"]
            self.assertEqual(two.browse(self.conversation_id).reply_draft, "On it!")
            one.browse(self.conversation_id).action_send_reply()
            # the second would wait for the first's row: fail instead of hanging
            second.execute("SET LOCAL lock_timeout = '2s'")
            with self.assertRaises(Exception) as refused:  # noqa: B017
                two.browse(self.conversation_id).action_send_reply()
            self.assertIsInstance(refused.exception, (UserError, psycopg2.OperationalError))
            second.rollback()
            first.commit()
        self.assertEqual(len(self.requests), 1, "one reply reached the platform")
        posts, draft, _outbound = self._stored()
        self.assertEqual(len(posts), 1)
        self.assertFalse(draft)

    def test_an_unknown_outcome_is_not_sent_again_where_the_platform_cannot_tell(self):
        """A timeout after sending: on a platform that deduplicates nothing,
        the next try asks the agent to check instead of posting again."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.uid_agent, {})
            conversation = env["social_crm.conversation"].browse(self.conversation_id)
            conversation.reply_draft = "Sorry for the wait"
            cr.commit()  # pylint: disable=invalid-commit

            def time_out(connector, *args, **kwargs):
                self.requests.append(args)
                raise PlatformUnavailable("Demo did not answer in time.")

            with patch.object(DemoConnector, "reply", time_out):
                with self.assertRaisesRegex(UserError, "may have been posted all the same"):
                    conversation.action_send_reply()
            cr.rollback()
            with patch.object(DemoConnector, "deduplicates", False):
                with self.assertRaisesRegex(UserError, "ended without an answer"):
                    conversation.action_send_reply()
            cr.rollback()
            self.assertEqual(len(self.requests), 1, "not sent again")
            self.assertEqual(conversation.reply_draft, "Sorry for the wait")
            # the agent checked the platform: it is not there
            outbound = env["social_crm.outbound"].search(
                [("conversation_id", "=", self.conversation_id)]
            )
            self.assertEqual(outbound.state, "unknown")
            outbound.action_mark_not_sent()
            conversation.action_send_reply()
            cr.commit()  # pylint: disable=invalid-commit
        self.assertEqual(len(self.requests), 2)
        posts, draft, outbound = self._stored()
        self.assertEqual(len(posts), 1)
        self.assertFalse(draft)
        self.assertEqual(sorted(outbound), ["done", "failed"])
