"""Write guards, attacked through JSON-RPC (issue 11, items 1 and 5).

Each test sends what an attacker with that login would send: the context
keys of the flows, or values for fields that are read-only in the UI."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..connectors.base import Post, Profile
from .common import RpcAttack
from .test_content import ContentCommon

FUTURE = "2099-01-01 00:00:00"


@tagged("post_install", "-at_install")
class TestGuardsRpc(RpcAttack, HttpCase, ContentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign.action_start()
        cls.partner = cls.env["res.partner"].create(
            {"name": "Gina Guard", "email": "gina@example.com"}
        )
        [cls.post_in] = cls.Message._ingest(
            cls.account,
            [Post("g1", "Lovely shop", author=Profile("901", handle="ginaguard"))],
            stream=cls.stream,
        )
        cls.identity = cls.post_in.author_identity_id
        cls.seller = new_test_user(
            cls.env, login="sc_seller_g", groups="sales_team.group_sale_salesman"
        )
        cls.Consent = cls.env["social_crm.consent"]

    def refused(self, user, model, method, *args, context=None, **kwargs):
        with self.assertRpcRefused("AccessError", "UserError", "ValidationError"):
            self.rpc(user, model, method, *args, context=context, **kwargs)

    def consent_vals(self, **vals):
        return {
            "partner_id": self.partner.id,
            "purpose": "content_reuse",
            "event": "withdraw",
            "channel": "email",
            "note": "Said so by e-mail",
            **vals,
        }

    # ------------------------------------------------------------------
    # 1. flow keys sent by a client switch nothing off
    # ------------------------------------------------------------------
    def test_review_flow_key_does_not_turn_one_star_into_five(self):
        review = self.env["social_crm.review"].create(
            {"partner_id": self.partner.id, "company_id": self.company.id}
        )
        review._submit("1", "Bad", "Sofa broke on day one.")
        self.assertEqual((review.state, review.rating), ("published", "1"))
        for key in ("social_crm_review_flow", "social_crm_erasure", "social_crm_system"):
            self.refused(
                self.agent,
                "social_crm.review",
                "write",
                [review.id],
                {"rating": "5"},
                context={key: True},
            )
        review.invalidate_recordset()
        self.assertEqual(review.rating, "1")

    def test_rights_flow_key_does_not_grant_and_publish_a_photo(self):
        entry = self.entry_of(self.post("gp1", "My coat #winterlooks"))
        self.assertEqual(entry.state, "new")
        for key in ("social_crm_rights_flow", "social_crm_system"):
            self.refused(
                self.agent,
                "social_crm.content",
                "write",
                [entry.id],
                {"state": "granted", "published": True},
                context={key: True},
            )
        entry.invalidate_recordset()
        self.assertEqual((entry.state, entry.published), ("new", False))

    def test_erasure_key_does_not_let_commercial_consent_by_email_without_wording(self):
        for context in ({"social_crm_erasure": True}, {"social_crm_erasure": "1"}, {}):
            self.refused(
                self.agent,
                "social_crm.consent",
                "create",
                [
                    {
                        "partner_id": self.partner.id,
                        "purpose": "commercial",
                        "event": "grant",
                        "channel": "email",
                    }
                ],
                context=context,
            )
        self.partner.invalidate_recordset()
        self.assertFalse(self.partner.social_crm_contactable)
        self.assertFalse(self.Consent.search([("partner_id", "=", self.partner.id)]))

    def test_evidence_key_writes_no_evidence_into_the_link_log(self):
        self.rpc(
            self.agent,
            "social_crm.identity",
            "write",
            [self.identity.id],
            {"partner_id": self.partner.id},
            context={"social_crm_evidence": "verified by one-time code"},
        )
        self.assertEqual(self.identity.partner_id, self.partner)
        bodies = " ".join(self.identity.message_ids.mapped("body"))
        self.assertIn("Linked to", bodies)
        self.assertNotIn("one-time code", bodies)

    def test_override_key_does_not_skip_the_reply_lock(self):
        conversation = self.post_in.conversation_id
        other = new_test_user(
            self.env, login="sc_other_g", groups="social_crm.group_social_crm_agent"
        )
        conversation.with_user(other).action_lock_reply()
        conversation.reply_draft = "Thanks!"
        with self.assertRpcRefused("UserError") as caught:
            self.rpc(
                self.agent,
                "social_crm.conversation",
                "action_send_reply",
                [conversation.id],
                context={"social_crm_override": True},
            )
        self.assertIn("already replying", caught.exception.message)

    # ------------------------------------------------------------------
    # 5. fields read-only in the UI are read-only over RPC
    # ------------------------------------------------------------------
    def test_salesman_cannot_make_a_contact_or_lead_contactable(self):
        self.refused(
            self.seller,
            "res.partner",
            "write",
            [self.partner.id],
            {"social_crm_contactable": True},
        )
        self.refused(
            self.seller,
            "res.partner",
            "create",
            [{"name": "Fresh", "social_crm_contactable": True}],
        )
        lead = self.env["crm.lead"].create(
            {"name": "Sofa", "partner_id": self.partner.id, "user_id": self.seller.id}
        )
        self.refused(self.seller, "crm.lead", "write", [lead.id], {"social_crm_marketing_ok": True})
        self.refused(
            self.seller,
            "crm.lead",
            "create",
            [{"name": "Chair", "social_crm_marketing_ok": True}],
        )
        self.assertFalse(self.partner.social_crm_contactable)
        self.assertFalse(lead.social_crm_marketing_ok)
        # what they may write stays writable
        self.rpc(self.seller, "crm.lead", "write", [lead.id], {"name": "Blue sofa"})
        self.assertEqual(lead.name, "Blue sofa")

    def test_agent_cannot_set_funnel_stage_or_advocate_score(self):
        stage = self.identity.funnel_stage
        for vals in (
            {"funnel_stage": "customer"},
            {"advocate_score": 100.0},
            {"advocate_reasons": "best fan ever"},
            {"social_crm_contactable": True},
        ):
            self.refused(self.agent, "social_crm.identity", "write", [self.identity.id], vals)
        self.refused(
            self.agent,
            "social_crm.identity",
            "create",
            [{"platform": "x", "handle": "fake", "funnel_stage": "customer"}],
        )
        self.identity.invalidate_recordset()
        self.assertEqual(self.identity.funnel_stage, stage)
        self.assertEqual(self.identity.advocate_score, 0.0)
        # the agent's button still scores, through the code that computes it
        self.rpc(self.agent, "social_crm.identity", "action_refresh_advocacy", [self.identity.id])
        self.identity.invalidate_recordset()
        self.assertEqual(self.identity.advocate_date, fields.Date.today())

    def test_agent_cannot_reset_code_attempts_or_extend_a_code(self):
        suggestion = self.env["social_crm.suggestion"].create(
            {"identity_id": self.identity.id, "partner_id": self.partner.id, "score": 0.7}
        )
        suggestion.with_user(self.agent).action_send_code()
        self.env["social_crm.code.guess"].create(
            {
                "identity_id": self.identity.id,
                "partner_id": self.partner.id,
                "day": fields.Date.today(),
                "guesses": 4,
            }
        )
        for vals in (
            {"code_attempts": 0},
            {"code_expires_at": FUTURE},
            {"state": "confirmed"},
            {"partner_id": self.env["res.partner"].create({"name": "Someone else"}).id},
        ):
            self.refused(self.agent, "social_crm.suggestion", "write", [suggestion.id], vals)
        self.assertEqual(suggestion.code_attempts, 4)
        self.assertEqual(suggestion.partner_id, self.partner)
        # deciding with the buttons still works
        self.rpc(self.agent, "social_crm.suggestion", "action_reject", [suggestion.id])
        self.assertEqual((suggestion.state, suggestion.decided_by_id), ("rejected", self.agent))

    def test_agent_cannot_set_conversation_priority_or_sla(self):
        conversation = self.post_in.conversation_id
        for vals in (
            {"priority_score": 100.0},
            {"sla_state": "met"},
            {"sla_deadline": FUTURE},
            {"awaiting_since": False},
            {"first_response_at": fields.Datetime.to_string(fields.Datetime.now())},
        ):
            self.refused(self.agent, "social_crm.conversation", "write", [conversation.id], vals)
        self.rpc(
            self.agent, "social_crm.conversation", "write", [conversation.id], {"priority": "2"}
        )
        self.assertEqual(conversation.priority, "2")

    def test_consent_evidence_is_set_by_the_server(self):
        for vals in (
            {"event_date": FUTURE},
            {"expires_at": FUTURE},
            {"user_id": self.manager.id},
            {"user_id": False},
            {"ip_address": "203.0.113.9"},
            {"email": "victim@example.com"},
        ):
            self.refused(self.agent, "social_crm.consent", "create", [self.consent_vals(**vals)])
        self.assertFalse(self.Consent.search([("partner_id", "=", self.partner.id)]))
        [consent_id] = self.rpc(self.agent, "social_crm.consent", "create", [self.consent_vals()])
        consent = self.Consent.browse(consent_id)
        self.assertEqual(consent.user_id, self.agent)
        self.assertAlmostEqual(
            consent.event_date, fields.Datetime.now(), delta=timedelta(minutes=5)
        )

    def test_withdrawal_dated_2099_cannot_block_later_grants(self):
        self.refused(
            self.agent,
            "social_crm.consent",
            "create",
            [self.consent_vals(event_date=FUTURE)],
        )
        # nor a grant dated 2099 outlive today's withdrawal
        self.refused(
            self.agent,
            "social_crm.consent",
            "create",
            [
                self.consent_vals(
                    event="grant",
                    channel="social",
                    message_id=self.post_in.id,
                    wording="You may reuse my photos.",
                    wording_version="photo-1",
                    event_date=FUTURE,
                )
            ],
        )
        # the same grant and withdrawal without a date: the latest one counts
        self.rpc(
            self.agent,
            "social_crm.consent",
            "create",
            [
                self.consent_vals(
                    event="grant",
                    channel="social",
                    message_id=self.post_in.id,
                    wording="You may reuse my photos.",
                    wording_version="photo-1",
                )
            ],
        )
        self.rpc(self.agent, "social_crm.consent", "create", [self.consent_vals()])
        status = self.Consent._status("content_reuse", partners=self.partner)
        self.assertEqual(status[self.partner], "withdrawn")

    def test_manager_cannot_forge_reviews_posts_or_consent_requests(self):
        self.refused(
            self.manager,
            "social_crm.review",
            "create",
            [{"partner_id": self.partner.id, "rating": "5", "state": "published"}],
        )
        self.assertFalse(
            self.env["social_crm.review"].search([("partner_id", "=", self.partner.id)])
        )
        entry = self.entry_of(self.post("gp2", "My scarf #winterlooks"))
        self.refused(
            self.manager,
            "social_crm.content",
            "create",
            [
                {
                    "campaign_id": self.campaign.id,
                    "message_id": self.post_in.id,
                    "identity_id": self.identity.id,
                    "state": "granted",
                    "published": True,
                }
            ],
        )
        self.assertEqual(entry.state, "new")
        self.refused(
            self.manager,
            "social_crm.message",
            "write",
            [self.post_in.id],
            {"text": "I hate this shop", "intent": "complaint"},
        )
        self.assertEqual(self.post_in.text, "Lovely shop")
        request = self.env["social_crm.consent.request"]._ask(self.post_in.conversation_id)
        self.refused(
            self.manager,
            "social_crm.consent.request",
            "write",
            [request.id],
            {"state": "confirmed", "email": "someone@example.com"},
        )
        self.assertNotEqual(request.state, "confirmed")
