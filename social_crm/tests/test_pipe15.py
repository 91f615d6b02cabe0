"""Issue 15, items 1 and 3: one ingestion pipeline (social_crm_ingest.py),
its hook contract, our own posts stored without the incoming path, the
priority computed once, and queries per page that do not grow with it."""

from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .. import triage
from ..connectors import Post, Profile
from ..models.social_crm_ingest import HOOKS, OUTGOING_HOOKS
from .common import SocialCrmCommon


def page(prefix, count, authors=None, start=None):
    """``count`` new posts; every fifth answers the one before (same
    conversation); ``authors`` distinct authors (default: one per post)."""
    start = start or datetime(2026, 3, 2, 9, 0)
    authors = authors or count
    made = []
    for i in range(count):
        reply = i % 5 == 4
        made.append(
            Post(
                f"{prefix}-{i}",
                f"Mijn pakket is niet geleverd #winterlooks ({i})",
                author=Profile(f"{prefix}-a{i % authors}", handle=f"{prefix}_a{i % authors}"),
                posted_at=start + timedelta(seconds=i),
                media_urls=["https://files.example/p.jpg"],
                parent_external_id=f"{prefix}-{i - 1}" if reply else "",
                conversation_key=f"{prefix}-{i - 1}" if reply else f"{prefix}-{i}",
            )
        )
    return made


class PipelineCommon(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = cls.env["social_crm.account"].create(
            {"name": "Pipe", "platform": "demo", "external_user_id": "demo-pipe15"}
        )
        cls.campaign = cls.env["social_crm.content.campaign"].create(
            {"name": "Winter", "hashtag": "winterlooks", "account_ids": [(6, 0, cls.demo.ids)]}
        )
        cls.campaign.write({"state": "running"})
        cls.Retry = cls.env["social_crm.ingest.retry"]

    def entries(self, messages):
        return self.env["social_crm.content"].search([("message_id", "in", messages.ids)])

    def thread_messages(self, messages):
        return messages.conversation_id.channel_id.message_ids.filtered(
            lambda m: m.message_type == "comment"
        )

    def run_due(self):
        self.Retry.search([]).write({"next_at": datetime(2000, 1, 1)})
        self.Retry._cron_retry(limit=100)


@tagged("post_install", "-at_install")
class TestPipelineHooks(PipelineCommon):
    def test_the_hooks_are_one_readable_ordered_list(self):
        names = [name for name, _model, _method in HOOKS]
        self.assertEqual(
            names,
            [
                "funnel",
                "matching",
                "content",
                "flickr",
                "assignment",
                "discuss",
                "popup",
                "alerts",
                "spread",
            ],
        )
        for _name, model, method in HOOKS + OUTGOING_HOOKS:
            self.assertTrue(callable(getattr(self.env[model], method)), (model, method))

    def test_a_failing_hook_loses_nothing_and_is_retried(self):
        Content = type(self.env["social_crm.content"])
        original = Content._ingest_hook_content

        def half_done_then_fail(model, messages, batch):
            original(model, messages, batch)  # its writes must be undone
            raise RuntimeError("rights service down")

        with (
            patch.object(Content, "_ingest_hook_content", half_done_then_fail),
            self.assertLogs("odoo.addons.social_crm.models.social_crm_ingest", "ERROR"),
        ):
            messages = self.Message._ingest(self.demo, page("fail", 5))
        # the posts are stored, the hooks after the failing one ran
        self.assertEqual(len(messages), 5)
        self.assertEqual(len(self.thread_messages(messages)), 5, "Discuss delivery ran")
        self.assertTrue(messages.conversation_id.filtered("priority_score"))
        # the failing hook's own writes were undone; a retry row waits
        self.assertFalse(self.entries(messages))
        retry = self.Retry.search([])
        self.assertEqual(len(retry), 1)
        self.assertEqual(
            (retry.hook, retry.message_ids, retry.attempts, retry.company_id, retry.state),
            ("content", messages, 1, self.demo.company_id, "pending"),
        )
        self.assertEqual(retry.last_error, "RuntimeError: rights service down")
        self.assertGreater(retry.next_at, datetime.now())
        # still failing: tried again later, with a longer wait
        with (
            patch.object(Content, "_ingest_hook_content", half_done_then_fail),
            self.assertLogs("odoo.addons.social_crm.models.social_crm_ingest", "ERROR"),
        ):
            self.run_due()
        self.assertEqual((retry.attempts, retry.state), (2, "pending"))
        # the fault is gone: the retry does the work and leaves
        self.run_due()
        self.assertFalse(retry.exists())
        self.assertEqual(len(self.entries(messages)), 5, "each photo became an entry")

    def test_retries_stop_after_the_maximum(self):
        with (
            patch.object(
                type(self.env["social_crm.alert"]),
                "_ingest_hook_alerts",
                side_effect=ValueError("no"),
            ),
            self.assertLogs("odoo.addons.social_crm.models.social_crm_ingest", "ERROR"),
        ):
            self.Message._ingest(self.demo, page("max", 2))
            for _i in range(6):
                self.run_due()
        retry = self.Retry.search([])
        self.assertEqual((retry.attempts, retry.state), (5, "failed"))

    def test_deferred_enrichment_runs_in_the_follow_up_job(self):
        self.env["ir.config_parameter"].sudo().set_param("social_crm.ingest_deferred", "1")
        messages = self.Message._ingest(self.demo, page("later", 5))
        # stored and shown at once: rows, Discuss thread, priority and SLA
        self.assertEqual(len(self.thread_messages(messages)), 5)
        self.assertTrue(all(c.priority_score > 0 for c in messages.conversation_id))
        # enriched later: photo entries wait for the job
        self.assertFalse(self.entries(messages))
        rows = self.Retry.search([])
        self.assertEqual(sorted(rows.mapped("hook")), ["content", "funnel", "matching", "spread"])
        self.assertEqual(set(rows.mapped("attempts")), {0})
        self.Retry._cron_retry(limit=100)
        self.assertFalse(self.Retry.search([]))
        self.assertEqual(len(self.entries(messages)), 5)

    def test_erasure_takes_the_posts_out_of_waiting_hooks(self):
        """A poster erased before the follow-up job ran: no photo entry is
        made from the anonymised posts, and no row keeps pointing at them."""
        self.env["ir.config_parameter"].sudo().set_param("social_crm.ingest_deferred", "1")
        messages = self.Message._ingest(self.demo, page("gone", 3, authors=1))
        self.assertEqual(len(self.Retry.search([("message_ids", "in", messages.ids)])), 4)
        messages.author_identity_id.with_user(self.manager)._erase_personal_data()
        self.assertFalse(self.Retry.search([("message_ids", "in", messages.ids)]))
        self.Retry._cron_retry(limit=100)
        self.assertFalse(self.entries(messages))

    def test_an_erased_post_is_not_enriched_by_a_waiting_row(self):
        self.env["ir.config_parameter"].sudo().set_param("social_crm.ingest_deferred", "1")
        messages = self.Message._ingest(self.demo, page("anon", 2))
        messages._anonymize()
        self.Retry._cron_retry(limit=100)
        self.assertFalse(self.entries(messages))
        self.assertFalse(self.Retry.search([("message_ids", "in", messages.ids)]))

    def test_the_setting_turns_deferred_enrichment_on_and_off(self):
        Ingest = self.env["social_crm.ingest"]
        self.assertFalse(Ingest._deferred())
        self.env["res.config.settings"].create({"social_crm_ingest_deferred": True}).execute()
        self.assertTrue(Ingest._deferred())
        self.env["res.config.settings"].create({"social_crm_ingest_deferred": False}).execute()
        self.assertFalse(Ingest._deferred())

    def test_priority_is_computed_once_per_conversation(self):
        with patch.object(triage, "priority_score", wraps=triage.priority_score) as score:
            messages = self.Message._ingest(self.demo, page("once", 10))
        conversations = messages.conversation_id
        self.assertEqual(len(conversations), 8)
        self.assertEqual(score.call_count, len(conversations), "not once per post as well")
        for message in messages:
            self.assertEqual(message.priority_score, message.conversation_id.priority_score)


@tagged("post_install", "-at_install")
class TestPipelineOutgoing(PipelineCommon):
    def test_our_reply_does_not_take_the_incoming_path(self):
        [theirs] = self.Message._ingest(self.demo, page("out", 1))
        conversation = theirs.conversation_id
        self.assertEqual(conversation.state, "new")
        Ingest = type(self.env["social_crm.ingest"])
        sent = Post("out-reply", "Sorry, we kijken het na", posted_at=datetime(2026, 3, 2, 9, 5))
        with (
            patch.object(Ingest, "_ingest_posts", side_effect=AssertionError("incoming path")),
            patch.object(Ingest, "_classify", side_effect=AssertionError("classified")),
            patch.object(
                type(self.env["social_crm.alert"]),
                "_ingest_hook_alerts",
                side_effect=AssertionError("incoming hook"),
            ),
        ):
            ours = conversation.with_user(self.agent)._record_our_post(sent, theirs)
            again = conversation._record_our_post(sent, theirs)
        self.assertEqual(
            (ours.direction, ours.parent_id, ours.user_id), ("out", theirs, self.agent)
        )
        self.assertFalse(again, "idempotent: the same post is stored once")
        self.assertEqual(self.Message.search_count([("external_id", "=", "out-reply")]), 1)
        self.assertFalse(ours.intent)
        self.assertEqual(conversation.state, "replied")
        self.assertFalse(conversation.awaiting_since)
        self.assertTrue(conversation.first_response_at)
        self.assertEqual(conversation.user_id, self.agent)
        # the funnel: we replied to them
        self.assertEqual(theirs.author_identity_id.funnel_stage, "engaged")
        # the Discuss thread shows our reply, by the agent
        logged = self.thread_messages(theirs)
        self.assertEqual(len(logged), 2)
        self.assertEqual(ours.chatter_message_id.author_id, self.agent.partner_id)


@tagged("post_install", "-at_install")
class TestPipelineQueries(PipelineCommon):
    """The queries of one page do not grow with the page: every step reads
    and writes the page as one batch."""

    def ingest_counted(self, prefix, count):
        posts = page(prefix, count)
        self.env.flush_all()
        before = self.cr.sql_log_count
        self.Message._ingest(self.demo, posts)
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_queries_per_page_stay_flat_as_the_page_grows(self):
        self.ingest_counted("warm", 10)  # caches, sequences, the classifier's model
        counts = {n: self.ingest_counted(f"p{n}", n) for n in (50, 100, 200)}
        # a few more per 100 rows: the ORM flushes UPDATEs 100 rows at a time
        self.assertLessEqual(max(counts.values()) - min(counts.values()), 20, counts)
        for n in (50, 100, 200):
            with self.assertQueryCount(QUERIES_PER_PAGE):
                self.Message._ingest(self.demo, page(f"q{n}", n))


# measured for one page of new posts by new authors, with a running photo
# campaign: 82 queries for 50 or 100 posts, 96 for 200 (the ORM flushes
# UPDATEs 100 rows at a time)
QUERIES_PER_PAGE = 100
