"""Smaller models (issue 15): the triage decisions in plain Python give the
same field values as the models, and the feature files keep the overrides in
their order."""

import inspect
from datetime import datetime, timedelta

from freezegun import freeze_time

from .. import triage
from ..connectors.base import Post, Profile
from .test_triage import COMPLAINT, PRAISE, QUESTION, TriageCommon, post

MONDAY_10AM = datetime(2026, 11, 23, 10, 0)


class TestModels15Triage(TriageCommon):
    def _conversation_with_history(self):
        """A complaint, our answer, a question after it, a second answer."""
        with freeze_time(MONDAY_10AM):
            [first] = self.ingest(post("m15-1", COMPLAINT, "1501", at=MONDAY_10AM))
        conversation = first.conversation_id
        steps = [
            ("out", Post("m15-r1", "Sorry!", author=Profile("783214"), parent_external_id="m15-1")),
            ("in", Post("m15-2", QUESTION, author=Profile("1501"), parent_external_id="m15-r1")),
            ("in", Post("m15-3", PRAISE, author=Profile("1502"), parent_external_id="m15-r1")),
            ("out", Post("m15-r2", "Yes.", author=Profile("783214"), parent_external_id="m15-3")),
        ]
        for minutes, (direction, item) in enumerate(steps, start=1):
            when = MONDAY_10AM + timedelta(minutes=15 * minutes)
            item.posted_at = when
            with freeze_time(when):
                self.Message._ingest(self.account, [item], direction=direction)
        return conversation

    def test_pure_workflow_values_equal_the_models(self):
        """``triage.workflow_values`` (for pipe15's ``_workflow_values``) gives
        the model's values for every slice of a real conversation's posts,
        as of every state it went through."""
        conversation = self._conversation_with_history()
        posts = conversation.post_ids.sorted(lambda m: (m.posted_at, m.id))
        self.assertEqual(len(posts), 5)
        slices = [posts[i:j] for i in range(len(posts)) for j in range(i + 1, len(posts) + 1)]
        slices.append(posts.sorted("id", reverse=True))
        for state in ("new", "open", "replied", "closed"):
            for awaiting in (False, conversation.first_inbound_at):
                conversation.write({"state": state, "awaiting_since": awaiting})
                facts = conversation._triage_facts()
                for chunk in slices:
                    expected = conversation._workflow_values(chunk)
                    got = triage.workflow_values(facts, conversation._triage_post_facts(chunk))
                    self.assertEqual(got, expected, f"{state} {awaiting} {chunk.ids}")
        # a conversation with no facts yet (nothing stored before the batch)
        blank = self.Conversation.new({"state": "new"})
        self.assertEqual(
            triage.workflow_values(blank._triage_facts(), blank._triage_post_facts(posts)),
            blank._workflow_values(posts),
        )

    def test_sla_values_map_the_policy_and_keep_the_signature(self):
        with freeze_time(MONDAY_10AM):
            [message] = self.ingest(post("m15-s", QUESTION, "1503", at=MONDAY_10AM))
        conversation = message.conversation_id
        later = MONDAY_10AM + timedelta(minutes=95)  # 75 % of two hours used
        vals = conversation._sla_values(self.policy, later)
        self.assertEqual(vals["sla_policy_id"], self.policy.id)
        self.assertEqual(vals["sla_state"], "warning")
        self.assertEqual(vals["sla_deadline"], MONDAY_10AM + timedelta(hours=2))
        none = conversation._sla_values(self.env["social_crm.sla.policy"], later, {})
        self.assertEqual(none, {"sla_policy_id": False, "sla_state": "none", "sla_deadline": False})

    def test_pure_conversation_priority_equals_the_refresh(self):
        """``triage.conversation_priority`` (for pipe15's ``_triage_refresh``)
        gives the score and reasons the refresh stores, waiting included."""
        conversation = self._conversation_with_history()
        with freeze_time(MONDAY_10AM):
            [other] = self.ingest(post("m15-p", COMPLAINT, "1504", followers=40_000))
        for later in (timedelta(0), timedelta(minutes=45), timedelta(hours=3)):
            now = MONDAY_10AM + later
            for each in conversation | other.conversation_id:
                each._triage_refresh(now=now)
                identity = each.identity_id
                values = each._customer_values()
                expected = triage.conversation_priority(
                    each._triage_facts(),
                    now,
                    identity.followers_count,
                    identity.verified,
                    bool(each.partner_id),
                    values.get(each.partner_id.commercial_partner_id.id, 0.0),
                )
                self.assertEqual(expected, (each.priority_score, each.priority_reasons or ""))
        self.assertIn("waiting", other.conversation_id.priority_reasons)


class TestModels15Split(TriageCommon):
    def test_overrides_keep_their_order_after_the_split(self):
        """The methods moved into feature files stay the base of their
        overrides: the Discuss window and image sending still wrap
        ``_send_reply_text``, the inbox still wraps ``action_assign_to_me``."""
        mro = type(self.Conversation).__mro__

        def definers(name):
            return [cls.__module__.rsplit(".", 1)[-1] for cls in mro if name in vars(cls)]

        send = definers("_send_reply_text")
        self.assertEqual(send[-1], "social_crm_conversation_reply", send)
        self.assertIn("social_crm_conversation_window", send[:-1])
        self.assertIn("social_crm_outbound_images", send[:-1])
        assign = definers("action_assign_to_me")
        self.assertEqual(assign[0], "social_crm_conversation_inbox", assign)
        for name, module in [
            ("_sla_values", "social_crm_conversation_sla"),
            ("_sla_notify", "social_crm_conversation_sla"),
            ("_cron_triage", "social_crm_conversation_sla"),
            ("_assign_in_team", "social_crm_conversation_assign"),
            ("_notify_customer_post", "social_crm_conversation_popup"),
            ("action_ask_consent", "social_crm_conversation_consent"),
            ("_compute_customer_card", "social_crm_conversation_customer"),
        ]:
            self.assertEqual(definers(name), [module], name)
        # the model still sees every field of the moved blocks
        moved = ("sla_state", "reply_lock_user_id", "partner_sales_total", "consent_request_ids")
        for field in moved:
            self.assertIn(field, self.Conversation._fields)
        signature = inspect.signature(self.Conversation._sla_values)
        self.assertEqual(list(signature.parameters), ["policy", "now", "memo"])
        self.assertIsNone(signature.parameters["memo"].default)

    def test_privacy_split_keeps_the_overrides_on_top(self):
        """Export, erasure and retention moved into their own files stay the
        base definitions: the Discuss, image and planned-post privacy files
        still extend them (each definer calls super() down to the base)."""
        identity_mro = type(self.env["social_crm.identity"]).__mro__
        message_mro = type(self.Message).__mro__

        def definers(mro, name):
            return [cls.__module__.rsplit(".", 1)[-1] for cls in mro if name in vars(cls)]

        for mro, name, base, overrides in [
            (identity_mro, "_personal_data", "social_crm_privacy_export", ["_privacy_discuss"]),
            (identity_mro, "_erase_one", "social_crm_privacy_erasure", ["_post_privacy"]),
            (identity_mro, "_retention_sweep", "social_crm_privacy_retention", ["_privacy_images"]),
            (message_mro, "_anonymize", "social_crm_privacy_erasure", ["_privacy_discuss"]),
            (message_mro, "_cron_retention", "social_crm_privacy_retention", []),
        ]:
            found = definers(mro, name)
            self.assertEqual(found[-1], base, (name, found))
            for suffix in overrides:
                self.assertIn(f"social_crm{suffix}", found[:-1], (name, found))
        self.assertEqual(
            definers(identity_mro, "_held_elsewhere"), ["social_crm_privacy"], "scope stays shared"
        )
