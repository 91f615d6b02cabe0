from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user

from ..connectors.base import Post, Profile
from .common import SocialCrmCommon

COMPLAINT = "My order is still not delivered, this is ridiculous. Terrible service!"
QUESTION = "Are you open on Sunday?"
PRAISE = "Thanks, great service! ❤️"
# Friday 20 November 2026, 16:00 UTC
FRIDAY_4PM = datetime(2026, 11, 20, 16, 0)


def post(external_id, text, user_id, followers=0, at=None):
    return Post(
        external_id,
        text,
        posted_at=at,
        author=Profile(user_id, handle=f"user{user_id}", followers=followers),
    )


class TriageCommon(SocialCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # business hours Monday to Friday, 9:00 to 17:00 UTC
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Webcare hours",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 9, "hour_to": 17}
                    )
                    for day in range(5)
                ],
            }
        )
        cls.policy = cls.env["social_crm.sla.policy"].create(
            {
                "name": "Two business hours",
                "account_id": cls.account.id,
                "calendar_id": cls.calendar.id,
                "first_response_hours": 2.0,
                "next_response_hours": 1.0,
                "resolution_hours": 8.0,
                "warning_percent": 75,
            }
        )
        cls.lead = new_test_user(
            cls.env, login="sc_lead", name="Lea Lead", groups="social_crm.group_social_crm_manager"
        )
        cls.team = cls.env["crm.team"].create({"name": "Webcare", "user_id": cls.lead.id})
        cls.account.team_id = cls.team

    def ingest(self, *posts):
        return self.Message._ingest(self.account, list(posts), stream=self.stream)


class TestPriority(TriageCommon):
    def test_inbox_is_sorted_by_priority(self):
        messages = self.ingest(
            post("pr1", PRAISE, "601"),
            post("pr2", QUESTION, "602"),
            post("pr3", COMPLAINT, "603"),
        )
        self.assertEqual(messages.mapped("intent"), ["praise", "question", "complaint"])
        inbox = self.Conversation.search([("id", "in", messages.conversation_id.ids)])
        self.assertEqual(inbox.identity_id.mapped("user_id"), ["603", "602", "601"])
        scores = inbox.mapped("priority_score")
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertIn("intent 35", inbox[0].priority_reasons)
        # every post shows its own score too
        self.assertTrue(all(m.priority_score > 0 for m in messages))

    def test_reach_customer_value_and_waiting_time_raise_priority(self):
        messages = self.ingest(
            post("pw1", QUESTION, "611"),
            post("pw2", QUESTION, "612", followers=80_000),
            post("pw3", QUESTION, "613"),
        )
        plain, famous, customer = messages.conversation_id.sorted(lambda c: c.identity_id.user_id)
        self.assertGreater(famous.priority_score, plain.priority_score)
        partner = self.env["res.partner"].create({"name": "B. Oboema", "ref": "5234"})
        customer.identity_id.partner_id = partner
        (plain | customer)._triage_refresh()
        self.assertGreater(customer.priority_score, plain.priority_score)
        before = plain.priority_score
        plain._triage_refresh(now=plain.awaiting_since + timedelta(minutes=90))
        self.assertGreater(plain.priority_score, before)
        self.assertIn("waiting", plain.priority_reasons)

    def test_backfill_of_conversations_stored_before_triage(self):
        messages = self.ingest(post("bf1", COMPLAINT, "614"), post("bf2", QUESTION, "615"))
        conversations = messages.conversation_id
        expected = [(c.intent, c.awaiting_since, c.priority_score) for c in conversations]
        conversations.write({"intent": False, "awaiting_since": False, "priority_score": 0})
        conversations._backfill_triage()
        self.assertEqual(
            [(c.intent, c.awaiting_since, c.priority_score > 0) for c in conversations],
            [(intent, since, True) for intent, since, _score in expected],
        )


class TestSla(TriageCommon):
    def test_business_time_agrees_with_the_calendar_across_leaves(self):
        """The interval walk (read once per batch) gives what the calendar's
        own plan_hours and get_work_hours_count give, public holiday included."""
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 25, 0, 0),
                "date_to": datetime(2026, 11, 25, 23, 59),
            }
        )
        calendar, memo = self.calendar, {}
        starts = [FRIDAY_4PM + timedelta(hours=7 * i, minutes=13 * i) for i in range(30)]
        for start in starts:
            for hours in (0.5, 1.0, 2.0, 8.0, 30.0):
                expected = calendar.plan_hours(hours, start, compute_leaves=True)
                self.assertEqual(
                    self.policy._deadline(start, hours, memo), expected, (start, hours)
                )
            end = start + timedelta(days=3, hours=5)
            self.assertAlmostEqual(
                self.policy._business_hours(start, end, memo),
                calendar.get_work_hours_count(start, end, compute_leaves=True),
                places=6,
            )
        self.assertLess(len(memo), 5, "the calendar is read a few times, not per conversation")

    def test_countdown_runs_in_business_hours_only(self):
        with freeze_time(FRIDAY_4PM):
            [message] = self.ingest(post("s1", QUESTION, "621", at=FRIDAY_4PM))
        conversation = message.conversation_id
        self.assertEqual(conversation.sla_policy_id, self.policy)
        # one hour on Friday, the second on Monday morning
        self.assertEqual(conversation.sla_first_deadline, datetime(2026, 11, 23, 10, 0))
        self.assertEqual(conversation.sla_deadline, datetime(2026, 11, 23, 10, 0))
        self.assertEqual(conversation.sla_resolution_deadline, datetime(2026, 11, 23, 16, 0))
        with freeze_time(FRIDAY_4PM + timedelta(minutes=30)):
            conversation.invalidate_recordset(["sla_remaining_minutes"])
            self.assertEqual(conversation.sla_remaining_minutes, 90)
            conversation._triage_refresh()
            self.assertEqual(conversation.sla_state, "running")
        # all weekend long, the clock stands still
        with freeze_time(datetime(2026, 11, 22, 20, 0)):
            conversation.invalidate_recordset(["sla_remaining_minutes"])
            self.assertEqual(conversation.sla_remaining_minutes, 60)
            conversation._triage_refresh()
            self.assertEqual(conversation.sla_state, "running")

    def test_warning_then_breach_are_sent_once(self):
        with freeze_time(FRIDAY_4PM):
            [message] = self.ingest(post("s2", COMPLAINT, "622", at=FRIDAY_4PM))
        conversation = message.conversation_id
        conversation.user_id = self.agent

        def notes_to(partner):
            return conversation.message_ids.filtered(lambda m: partner in m.partner_ids)

        # Monday 9:40: 20 business minutes left of 120 (under 25 %): at risk
        with freeze_time(datetime(2026, 11, 23, 9, 40)):
            self.Conversation._cron_triage()
            self.Conversation._cron_triage()
        self.assertEqual(conversation.sla_state, "warning")
        self.assertEqual(len(notes_to(self.agent.partner_id)), 1)
        self.assertIn("SLA at risk", notes_to(self.agent.partner_id).body)
        self.assertFalse(notes_to(self.lead.partner_id))
        # Monday 10:30: late; the assignee and the team lead hear it, once
        with freeze_time(datetime(2026, 11, 23, 10, 30)):
            self.Conversation._cron_triage()
            self.Conversation._cron_triage()
            conversation.invalidate_recordset(["sla_remaining_minutes"])
            self.assertEqual(conversation.sla_remaining_minutes, -30)
        self.assertEqual(conversation.sla_state, "breached")
        breach = notes_to(self.lead.partner_id)
        self.assertEqual(len(breach), 1)
        self.assertIn("SLA breached", breach.body)
        self.assertIn(self.agent.partner_id, breach.partner_ids)
        self.assertEqual(len(notes_to(self.agent.partner_id)), 2)

    def test_reply_in_time_meets_the_sla_and_next_response_starts_a_new_clock(self):
        with freeze_time(FRIDAY_4PM):
            [message] = self.ingest(post("s3", QUESTION, "623", at=FRIDAY_4PM))
        conversation = message.conversation_id
        reply = Post(
            "s3-reply",
            "We are open from 12:00 to 17:00.",
            author=Profile("783214"),
            parent_external_id="s3",
        )
        with freeze_time(FRIDAY_4PM + timedelta(minutes=20)):
            self.Message._ingest(self.account, [reply], direction="out")
        reply_msg = self.Message.search([("external_id", "=", "s3-reply")])
        self.assertEqual(reply_msg.conversation_id, conversation)
        self.assertEqual(conversation.sla_state, "met")
        self.assertFalse(conversation.awaiting_since)
        self.assertEqual(conversation.sla_compliance, 100)
        self.assertEqual(conversation.answered_within_hour, 100)
        # the customer answers on Monday at 9:00: one business hour to reply
        monday = datetime(2026, 11, 23, 9, 0)
        follow_up = Post("s3-2", "And on Boxing Day?", posted_at=monday, author=Profile("623"))
        follow_up.parent_external_id = "s3-reply"
        with freeze_time(monday):
            self.ingest(follow_up)
        self.assertEqual(conversation.state, "open")
        self.assertEqual(conversation.sla_deadline, datetime(2026, 11, 23, 10, 0))
        self.assertEqual(conversation.sla_state, "running")

    def test_unresolved_conversation_breaches_its_resolution_target(self):
        with freeze_time(FRIDAY_4PM):
            [message] = self.ingest(post("s5", QUESTION, "625", at=FRIDAY_4PM))
        conversation = message.conversation_id
        conversation.user_id = self.agent
        reply = Post("s5-r", "Yes.", author=Profile("783214"), parent_external_id="s5")
        with freeze_time(FRIDAY_4PM + timedelta(minutes=10)):
            self.Message._ingest(self.account, [reply], direction="out")
        self.assertEqual(conversation.sla_state, "met")
        # eight business hours later (Monday 16:00) it is still not closed
        with freeze_time(datetime(2026, 11, 23, 16, 30)):
            self.Conversation._cron_triage()
            self.Conversation._cron_triage()
        self.assertEqual(conversation.sla_state, "breached")
        breach = conversation.message_ids.filtered(lambda m: self.lead.partner_id in m.partner_ids)
        self.assertEqual(len(breach), 1)
        # closed conversations are left alone
        conversation.action_close()
        with freeze_time(datetime(2026, 11, 24, 16, 30)):
            self.Conversation._cron_triage()
        self.assertEqual(len(conversation.message_ids.filtered(lambda m: "SLA" in m.body)), 1)

    def test_most_specific_policy_applies(self):
        team_policy = self.env["social_crm.sla.policy"].create(
            {"name": "Team", "team_id": self.team.id, "calendar_id": self.calendar.id}
        )
        [message] = self.ingest(post("s4", QUESTION, "624"))
        self.assertEqual(message.conversation_id.sla_policy_id, self.policy)
        self.policy.active = False
        message.conversation_id._triage_refresh()
        self.assertEqual(message.conversation_id.sla_policy_id, team_policy)


class TestCollisionGuard(TriageCommon):
    def test_second_agent_cannot_send_over_a_reply_in_progress(self):
        [message] = self.ingest(post("c1", QUESTION, "631"))
        conversation = message.conversation_id
        other = new_test_user(
            self.env, login="sc_agent2", name="Bo Agent", groups="social_crm.group_social_crm_agent"
        )
        mine, theirs = conversation.with_user(self.agent), conversation.with_user(other)
        self.assertFalse(mine.action_lock_reply())
        # the colleague sees who is replying, and is refused, draft kept
        self.assertTrue(theirs.reply_locked_by_other)
        self.assertFalse(mine.reply_locked_by_other)
        self.assertEqual(theirs.action_lock_reply(), "Ada Agent")
        theirs.reply_draft = "Yes we are!"
        with self.replay() as session, self.assertRaisesRegex(UserError, "Ada Agent"):
            theirs.action_send_reply()
        self.assertFalse(session.calls)
        self.assertEqual(theirs.reply_draft, "Yes we are!")
        # the lock expires after a few minutes
        with freeze_time(fields.Datetime.now() + timedelta(minutes=6)):
            conversation.invalidate_recordset()
            self.assertFalse(theirs.reply_locked_by_other)
            self.assertFalse(theirs.action_lock_reply())
            self.assertTrue(mine.reply_locked_by_other)

    def test_override_sends_anyway(self):
        [message] = self.ingest(post("c2", QUESTION, "632"))
        conversation = message.conversation_id
        conversation.with_user(self.agent).action_lock_reply()
        conversation.reply_draft = "We open at noon."
        sent = Post("c2-reply", "We open at noon.", author=Profile("783214"))
        connector = type("Connector", (), {"reply": lambda self, text, in_reply_to, **kw: sent})()
        Account = type(self.env["social_crm.account"])
        with patch.object(Account, "_get_connector", lambda self: connector):
            conversation.with_user(self.manager).action_send_reply_anyway()
        self.assertEqual(conversation.state, "replied")
        self.assertFalse(conversation.reply_lock_user_id)
