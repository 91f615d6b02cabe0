import threading
import time
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from ..connectors.base import Post, Profile
from .common import SocialCrmCommon


def make_team(env, prefix, capacities):
    """A team with one agent per capacity; the last agent is offline."""
    users = [
        new_test_user(
            env,
            login=f"{prefix}_{i}",
            name=f"Agent {prefix} {i}",
            groups="social_crm.group_social_crm_agent",
        )
        for i in range(len(capacities))
    ]
    team = env["crm.team"].create(
        {
            "name": f"Webcare {prefix}",
            "social_crm_auto_assign": True,
            "crm_team_member_ids": [
                Command.create({"user_id": user.id, "social_crm_capacity": capacity})
                for user, capacity in zip(users, capacities, strict=True)
            ],
        }
    )
    env["bus.presence"].create(
        [
            {"user_id": user.id, "status": "online", "last_poll": fields.Datetime.now()}
            for user in users[:-1]
        ]
    )
    return team, users


def make_conversations(env, account, count, prefix):
    return env["social_crm.conversation"].create(
        [
            {
                "name": f"Question {i}",
                "conversation_key": f"{prefix}-{i}",
                "platform": account.platform,
                "account_id": account.id,
                "state": "new",
            }
            for i in range(count)
        ]
    )


class TestRoundRobin(SocialCrmCommon):
    def test_assignment_respects_capacity_and_presence(self):
        # capacities 2, 2 and 1 online, and 5 for a colleague who is offline
        team, users = make_team(self.env, "rr", [2, 2, 1, 5])
        self.account.team_id = team
        conversations = make_conversations(self.env, self.account, 7, "rr")
        self.Conversation._cron_triage()
        per_user = {u: conversations.filtered(lambda c, u=u: c.user_id == u) for u in users}
        self.assertEqual([len(per_user[user]) for user in users], [2, 2, 1, 0])
        self.assertEqual(len(conversations.filtered(lambda c: not c.user_id)), 2)
        # closing one frees room for the next one waiting
        per_user[users[2]].action_close()
        self.Conversation._cron_triage()
        self.assertEqual(len(conversations.filtered(lambda c: not c.user_id)), 1)
        self.assertEqual(
            len(conversations.filtered(lambda c: c.user_id == users[2] and c.state == "new")), 1
        )

    def test_teams_that_do_not_assign_are_left_alone(self):
        team, _users = make_team(self.env, "manual", [5, 5])
        team.social_crm_auto_assign = False
        self.account.team_id = team
        conversations = make_conversations(self.env, self.account, 2, "manual")
        self.Conversation._cron_triage()
        self.assertFalse(conversations.user_id)

    def test_new_posts_are_assigned_on_arrival(self):
        team, users = make_team(self.env, "arrival", [1, 0])
        self.account.team_id = team
        [message] = self.Message._ingest(
            self.account, [Post("rr-1", "Where is my parcel?", author=Profile("901"))]
        )
        self.assertEqual(message.conversation_id.user_id, users[0])


class TestRoundRobinConcurrency(TransactionCase):
    """Two assignment runs at once, in real transactions: committed data,
    cleaned up afterwards. The test runner holds the registry's lock, which
    would keep the second thread waiting: as in HttpCase, a dummy lock
    stands in for it during the test."""

    @mute_logger("odoo.sql_db")  # the second run's refused UPDATE is logged
    def test_two_runs_at_once_never_exceed_capacity(self):
        prefix = f"rr{uuid.uuid4().hex[:8]}"
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            team, users = make_team(env, prefix, [2, 2, 1, 5])
            account = env["social_crm.account"].create(
                {"name": prefix, "platform": "demo", "team_id": team.id}
            )
            conversation_ids = make_conversations(env, account, 7, prefix).ids
            user_ids = [user.id for user in users]
            team_id, account_id = team.id, account.id
        self.addCleanup(self._cleanup, team_id, account_id, user_ids)

        def run(cr):
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["social_crm.conversation"].browse(conversation_ids)._auto_assign()

        errors = []

        def second_run():
            try:
                with self.registry.cursor() as cr:
                    cr.execute("SELECT 1")  # its snapshot predates the first run's commit
                    started.set()
                    run(cr)
            except Exception as error:  # noqa: BLE001  pylint: disable=broad-except
                errors.append(error)

        started = threading.Event()
        lock = patch.object(Registry, "_lock", DummyRLock())
        lock.start()
        self.addCleanup(lock.stop)
        with self.registry.cursor() as cr_first:
            run(cr_first)  # holds the team's row until it commits
            second = threading.Thread(target=second_run)
            second.start()
            self.assertTrue(started.wait(10))
            time.sleep(0.5)  # the second run now waits for the lock
        second.join(30)
        self.assertFalse(second.is_alive())
        self.assertFalse(errors)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT user_id, count(*) FROM social_crm_conversation "
                "WHERE id IN %s AND user_id IS NOT NULL GROUP BY user_id",
                [tuple(conversation_ids)],
            )
            counts = dict(cr.fetchall())
        self.assertEqual([counts.get(uid, 0) for uid in user_ids], [2, 2, 1, 0])
        # a later run finds everybody full: still within capacity
        with self.registry.cursor() as cr:
            run(cr)
            cr.execute(
                "SELECT count(*) FROM social_crm_conversation WHERE id IN %s AND user_id IS NULL",
                [tuple(conversation_ids)],
            )
            self.assertEqual(cr.fetchone()[0], 2)

    def _cleanup(self, team_id, account_id, user_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["social_crm.account"].browse(account_id).unlink()
            env["crm.team"].browse(team_id).unlink()
            env["bus.presence"].search([("user_id", "in", user_ids)]).unlink()
            env["res.users"].browse(user_ids).active = False
