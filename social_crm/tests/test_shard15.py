"""Shard crons (models/social_crm_shard_cron.py): several workers pull
streams and process webhook deliveries, and never take the same row.

Two transactions are real here: a second cursor plays "another shard in
another worker" and holds its rows, the test's cursor is this shard. Only
rows committed before the test can be held by the second cursor (the
module's demo stream, committed deliveries cleaned up afterwards). Each
cursor that could meet a held row waits at most a few seconds, so a claim
that does not pass it over fails the test instead of hanging it.
"""

import json
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from ..models.social_crm_shard_cron import SYNC_SHARDS, WEBHOOK_SHARDS, shard_crons

LOCK_WAIT = "3s"


@contextmanager
def another_worker(registry):
    """Another worker's transaction (a real second connection), rolled back."""
    cr = registry.cursor()
    try:
        cr.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        yield api.Environment(cr, SUPERUSER_ID, {})
    finally:
        cr.rollback()
        cr.close()


@tagged("post_install", "-at_install")
class TestShardCronClaims(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Stream = cls.env["social_crm.stream"]
        cls.demo_stream = cls.env.ref("social_crm.demo_stream_mentions")
        cls.demo_account = cls.demo_stream.account_id
        # a second account, made in this test: nobody else can hold it
        cls.other_account = cls.env["social_crm.account"].create(
            {
                "name": "Second store (demo)",
                "platform": "demo",
                "handle": "second",
                "external_user_id": "demo-second",
                "state": "connected",
            }
        )
        cls.other_stream = cls.Stream.create(
            {"account_id": cls.other_account.id, "kind": "mention", "page_size": 4}
        )
        # a round of the demo sample nobody played yet: posts of its own
        cls.start = {"round": 7, "offset": 0}
        cls.other_stream.cursor = cls.start

    def setUp(self):
        super().setUp()
        self.env.cr.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        # an hour on: every committed demo stream is due, whenever it last ran
        self.later = datetime.now() + timedelta(hours=1)
        committed_due = max(s.next_sync_at or datetime.min for s in self.demo_account.stream_ids)
        # ours is due after the demo streams, so the claim looks at them first
        self.other_stream.next_sync_at = max(committed_due, datetime.now()) + timedelta(minutes=1)

    def posts(self, stream):
        return self.env["social_crm.message"].search_count([("stream_id", "=", stream.id)])

    def test_a_stream_another_shard_pulls_is_passed_over(self):
        demo_streams = self.demo_account.stream_ids
        before = {s: (self.posts(s), s.cursor, s.last_sync_at) for s in demo_streams}
        with freeze_time(self.later), another_worker(self.registry) as env2:
            held = env2["social_crm.stream"]._claim_due_stream()
            # the other shard holds the most overdue stream (and its account)
            self.assertIn(held.id, demo_streams.ids)
            self.Stream._cron_sync()
            # this shard took the next free account's stream ...
            self.assertFalse(self.other_stream.last_error_detail)
            self.assertTrue(self.other_stream.cursor, "the free stream was not pulled")
            self.assertEqual(self.posts(self.other_stream), 4)
            # ... and left the held account's streams alone (none of them moved)
            for stream in demo_streams:
                self.assertEqual(
                    (self.posts(stream), stream.cursor, stream.last_sync_at), before[stream]
                )
            # a second call still does not touch what the other shard holds
            self.other_stream.next_sync_at = False
            self.Stream._cron_sync()
            for stream in demo_streams:
                self.assertEqual(stream.cursor, before[stream][1])
            self.assertEqual(self.posts(self.other_stream), 8, "one page per call, no duplicate")
        # the other shard let go (its transaction ended): its stream is free again
        with freeze_time(self.later):
            self.Stream._cron_sync()
        pulled = demo_streams.filtered(lambda s: s.cursor != before[s][1])
        self.assertEqual(len(pulled), 1)
        self.assertGreater(self.posts(pulled), before[pulled][0])

    def test_a_stream_held_alone_is_passed_over_with_its_account(self):
        """A stream row held without its account (an action "Pull now", a
        person editing it): its account's other streams wait too."""
        with freeze_time(self.later), another_worker(self.registry) as env2:
            first = self.Stream.search(
                self.Stream._due_domain(), order="next_sync_at asc nulls first, id", limit=1
            )
            self.assertEqual(first.account_id, self.demo_account)
            env2.cr.execute("SELECT id FROM social_crm_stream WHERE id = %s FOR UPDATE", [first.id])
            claimed = self.Stream._claim_due_stream()
        self.assertEqual(claimed, self.other_stream)

    def test_nothing_free_means_nothing_done(self):
        self.other_stream.active = False
        with freeze_time(self.later), another_worker(self.registry) as env2:
            env2["social_crm.stream"]._claim_due_stream()
            self.assertFalse(self.Stream._claim_due_stream())

    def test_a_failing_batch_keeps_its_cursor_and_the_shard_cron_stays_active(self):
        self.other_stream.cursor = self.start
        Message = type(self.env["social_crm.message"])
        original = Message._ingest

        def ingest_then_crash(model, *args, **kwargs):
            original(model, *args, **kwargs)
            raise RuntimeError("worker killed mid-batch")

        shard = self.env.ref(SYNC_SHARDS[2])
        # only our stream is due: the demo streams wait (not held by anyone here)
        (self.Stream.search([]) - self.other_stream).write({"next_sync_at": self.later})
        self.other_stream.next_sync_at = False
        with (
            patch.object(Message, "_ingest", ingest_then_crash),
            self.assertLogs("odoo.addons.social_crm.models.social_crm_stream", "ERROR"),
        ):
            shard.method_direct_trigger()
        self.assertTrue(shard.active)
        self.assertEqual(self.other_stream.cursor, self.start)
        self.assertEqual(self.posts(self.other_stream), 0)
        self.assertIn("worker killed", self.other_stream.last_error_detail)
        # the next call resumes from the same cursor and stores the page once
        self.other_stream.next_sync_at = False
        shard.method_direct_trigger()
        self.assertEqual(self.posts(self.other_stream), 4)
        self.assertNotEqual(self.other_stream.cursor, self.start)

    def test_work_left_calls_in_the_other_shards(self):
        crons = shard_crons(self.env, SYNC_SHARDS)
        self.assertEqual(len(crons), 4)
        Trigger = self.env["ir.cron.trigger"].sudo()
        Trigger.search([("cron_id", "in", crons.ids)]).unlink()
        # a new stream: one shard is called
        self.Stream._trigger_sync()
        self.assertEqual(Trigger.search([("cron_id", "in", crons.ids)]).cron_id, crons[0])
        # shard 1 runs with two streams due: the three others are called in
        Trigger.search([("cron_id", "in", crons.ids)]).unlink()
        self.other_stream.next_sync_at = False
        with freeze_time(self.later):
            self.Stream.with_context(cron_id=crons[0].id)._cron_sync()
        self.assertFalse(self.other_stream.last_error_detail)
        self.assertEqual(Trigger.search([("cron_id", "in", crons.ids)]).cron_id, crons[1:])


@tagged("post_install", "-at_install")
class TestShardWebhookClaims(TransactionCase):
    """Deliveries committed for the test (and deleted after it): two real
    transactions claim batches of them."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            events = env["social_crm.webhook.event"].create(
                [
                    {
                        "source": "meta",
                        "body": json.dumps({"object": "page", "entry": [], "n": n}),
                        "body_hash": f"test-shard15-{n}",
                    }
                    for n in range(6)
                ]
            )
            self.ids = events.ids
        self.addCleanup(self.delete_committed)

    def delete_committed(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM social_crm_webhook_event WHERE id = ANY(%s)", [self.ids])

    def test_two_shards_take_different_batches(self):
        with another_worker(self.registry) as env1, another_worker(self.registry) as env2:
            first = env1["social_crm.webhook.event"]._claim_due(3)
            ours = set(self.ids)
            self.assertEqual(set(first.ids) & ours, set(self.ids[:3]), (first.ids, self.ids))
            # the second shard processes a batch while the first holds its own
            env2["social_crm.webhook.event"]._cron_process(batch_size=10)
            events = env2["social_crm.webhook.event"].browse(self.ids)
            done = events.filtered(lambda e: e.state == "done")
            self.assertEqual(done.ids, self.ids[3:])
            self.assertEqual(set(events.mapped("state")), {"done", "pending"})
            # and a third claim finds nothing of ours left to take
            with another_worker(self.registry) as env3:
                self.assertFalse(
                    set(env3["social_crm.webhook.event"]._claim_due(10).ids) & set(self.ids[:3])
                )

    def test_webhook_shards_exist_and_a_delivery_calls_the_first(self):
        crons = shard_crons(self.env, WEBHOOK_SHARDS)
        self.assertEqual(len(crons), 2)
        Trigger = self.env["ir.cron.trigger"].sudo()
        Trigger.search([("cron_id", "in", crons.ids)]).unlink()
        self.env["social_crm.webhook.event"]._trigger_processing()
        self.assertEqual(Trigger.search([("cron_id", "in", crons.ids)]).cron_id, crons[0])
