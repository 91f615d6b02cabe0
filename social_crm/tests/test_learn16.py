"""Issue 16, item 2: learning from the team's corrections.

Agents correct a post's language, sentiment or intent with one click; the
corrections are stored per company, a daily job and a manager button fit
the company's adaptation, and new posts of that company are classified with
it. Two companies' corrections never meet. The posts are self-written."""

import json

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .. import adapt
from ..connectors import Post, Profile
from ..models.social_crm_guard import system
from .common import RpcAttack

#: a company whose app shows a blank screen after an update: the shipped
#: model reads several of these posts as questions or "other"
BLANK = [
    "The new app update shows a blank screen when I open my bills",
    "After the update the app shows a blank screen on my phone",
    "Blank screen again in the app since this morning's update",
    "Your app update gives me a blank screen on the payments page",
    "Since the last update the app is just a blank screen",
    "The app update left my tablet with a blank screen",
    "Sinds de update zie ik alleen een wit scherm in de app",
    "Na de update van de app krijg ik een wit scherm",
    "Wit scherm in jullie app sinds de laatste update",
]
#: similar, and no near-duplicate of the above
NEW_SIMILAR = "Got a blank screen in your app after today's update"


@tagged("post_install", "-at_install")
class TestLearn16(RpcAttack, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_a = env["res.company"].create({"name": "Learn A"})
        cls.company_b = env["res.company"].create({"name": "Learn B"})
        cls.agent_a, cls.agent_b = (
            new_test_user(
                env,
                login=f"learn16_agent_{suffix}",
                company_id=company.id,
                company_ids=[company.id],
                groups="social_crm.group_social_crm_agent",
            )
            for suffix, company in (("a", cls.company_a), ("b", cls.company_b))
        )
        cls.manager_a = new_test_user(
            env,
            login="learn16_manager_a",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
            groups="social_crm.group_social_crm_manager",
        )
        cls.account_a, cls.account_b = (
            env["social_crm.account"].create(
                {
                    "name": f"Store {company.name}",
                    "platform": "demo",
                    "external_user_id": f"demo-learn16-{suffix}",
                    "company_id": company.id,
                }
            )
            for suffix, company in (("a", cls.company_a), ("b", cls.company_b))
        )
        cls.Message = env["social_crm.message"]

    def ingest(self, account, key, text, user="poster"):
        author = Profile(f"demo-l16-{user}", handle=f"l16_{user}")
        [post] = self.Message._ingest(account, [Post(f"l16-{key}", text, author=author)])
        return post

    def correct_all(self, agent, account, intent="complaint"):
        posts = self.Message.browse()
        for number, text in enumerate(BLANK):
            posts |= self.ingest(account, f"{account.id}-{number}", text)
        # what the shipped model made of them, for this test: all "other"
        system(posts).write({"intent": "other"})
        for post in posts:
            post.with_user(agent).action_social_crm_correct("intent", intent)
        return posts

    # ------------------------------------------------------------------
    def test_one_click_records_the_correction_and_sets_the_label(self):
        post = self.ingest(self.account_a, "one", BLANK[0])
        old = post.intent
        self.assertNotEqual(old, "complaint")
        post.with_user(self.agent_a).action_social_crm_correct("intent", "complaint")
        self.assertEqual(post.intent, "complaint")
        self.assertEqual(post.conversation_id.intent, "complaint")
        [correction] = post.correction_ids
        self.assertEqual(
            (correction.field, correction.old_value, correction.new_value, correction.text),
            ("intent", old, "complaint", BLANK[0]),
        )
        self.assertEqual(
            (correction.user_id, correction.company_id), (self.agent_a, self.company_a)
        )
        # language and sentiment too; the same value again records nothing
        post.with_user(self.agent_a).action_social_crm_correct("lang", "nl")
        post.with_user(self.agent_a).action_social_crm_correct("sentiment", "negative")
        post.with_user(self.agent_a).action_social_crm_correct("sentiment", "negative")
        self.assertEqual((post.lang, post.sentiment), ("nl", "negative"))
        self.assertEqual(len(post.correction_ids), 3)

    def test_inbox_and_discuss_correct_the_conversation(self):
        post = self.ingest(self.account_a, "conv", BLANK[1])
        conversation = post.conversation_id
        conversation.with_user(self.agent_a).action_social_crm_correct("intent", "complaint")
        self.assertEqual((conversation.intent, post.intent), ("complaint", "complaint"))
        self.assertEqual(post.correction_ids.new_value, "complaint")
        choices = conversation.with_user(self.agent_a).social_crm_label_choices()
        self.assertEqual([c["value"] for c in choices["intent"]][0], "complaint")

    def test_corrections_never_leak_to_another_company(self):
        self.correct_all(self.agent_a, self.account_a)
        Adaptation = self.env["social_crm.adaptation"]
        self.env["social_crm.adaptation"]._cron_fit()
        store_a = Adaptation.search([("company_id", "=", self.company_a.id)])
        self.assertEqual(store_a.correction_count, len(BLANK))
        self.assertFalse(Adaptation.search([("company_id", "=", self.company_b.id)]).data)
        # A's new post is read with A's corrections, B's with the shipped model
        post_a = self.ingest(self.account_a, "new-a", NEW_SIMILAR, user="newa")
        post_b = self.ingest(self.account_b, "new-b", NEW_SIMILAR, user="newb")
        self.assertEqual(post_a.intent, "complaint")
        self.assertNotEqual(post_b.intent, "complaint")
        # B's agent sees none of A's corrections, over RPC either
        self.assertFalse(self.rpc(self.agent_b, "social_crm.correction", "search", []))
        with self.assertRpcRefused("AccessError"):
            self.rpc(self.agent_b, "social_crm.adaptation", "search", [])
        # nor may they correct A's posts
        with self.assertRpcRefused("AccessError", "MissingError"):
            self.rpc(
                self.agent_b,
                "social_crm.message",
                "action_social_crm_correct",
                [post_a.id],
                "intent",
                "praise",
            )
        self.assertEqual(post_a.intent, "complaint")

    def test_agents_cannot_forge_corrections_or_labels(self):
        post = self.ingest(self.account_a, "forge", BLANK[2])
        with self.assertRpcRefused("AccessError"):
            self.rpc(
                self.agent_a,
                "social_crm.correction",
                "create",
                {
                    "company_id": self.company_a.id,
                    "field": "intent",
                    "new_value": "praise",
                    "text": "anything",
                    "user_id": self.manager_a.id,
                },
            )
        with self.assertRpcRefused("AccessError"):
            self.rpc(self.agent_a, "social_crm.message", "write", [post.id], {"intent": "praise"})
        with self.assertRpcRefused("UserError"):
            self.rpc(
                self.agent_a,
                "social_crm.message",
                "action_social_crm_correct",
                [post.id],
                "intent",
                "angry",
            )
        # an agent sees their own corrections; the manager sees the company's
        post.with_user(self.manager_a).action_social_crm_correct("intent", "question")
        self.assertFalse(self.rpc(self.agent_a, "social_crm.correction", "search", []))
        self.assertTrue(self.rpc(self.manager_a, "social_crm.correction", "search", []))

    def test_learn_button_is_for_managers(self):
        self.correct_all(self.agent_a, self.account_a)
        Correction = self.env["social_crm.correction"]
        with self.assertRaises(AccessError):
            Correction.with_user(self.agent_a).action_learn()
        cron = self.env.ref("social_crm.ir_cron_social_crm_learn")
        Adaptation = "social_crm.adaptation"
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        action = Correction.with_user(self.manager_a).with_company(self.company_a).action_learn()
        self.assertEqual(action["tag"], "display_notification")
        # queued, not fitted in the request: the job is woken and fits it
        store = self.env["social_crm.adaptation"].search([("company_id", "=", self.company_a.id)])
        self.assertTrue(store.fit_requested)
        self.assertFalse(store.data)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers)
        # a manager may not write the flag (or anything else) over RPC
        with self.assertRpcRefused("AccessError"):
            self.rpc(self.manager_a, Adaptation, "write", store.ids, {"fit_requested": False})
        self.env["social_crm.adaptation"]._cron_fit()
        self.assertFalse(store.fit_requested)
        fitted = adapt.Adaptation.from_json(store.data)
        self.assertTrue(fitted)
        for word in ("blank", "screen", "update"):
            self.assertNotIn(word, store.data)
        # the report: corrections per label per week
        groups = Correction.with_user(self.manager_a).read_group(
            [], ["count:sum"], ["date:week", "old_value"], lazy=False
        )
        self.assertEqual(sum(g["count"] for g in groups), len(BLANK))

    def test_privacy_export_erasure_retention(self):
        posts = self.correct_all(self.agent_a, self.account_a)
        identity = posts.author_identity_id
        self.env["social_crm.adaptation"]._fit(self.company_a)
        data = identity._personal_data()
        self.assertEqual(sorted(c["text"] for c in data[0]["label_corrections"]), sorted(BLANK))
        # retention (and erasure: both anonymise the posts) drop the copies
        posts[:2]._anonymize()
        left = self.env["social_crm.correction"].search([("company_id", "=", self.company_a.id)])
        self.assertEqual(len(left), len(BLANK) - 2)
        store = self.env["social_crm.adaptation"].search([("company_id", "=", self.company_a.id)])
        self.assertEqual(store.correction_count, len(BLANK) - 2)
        identity.with_user(self.manager_a).with_company(self.company_a).action_erase()
        self.assertFalse(
            self.env["social_crm.correction"].search([("company_id", "=", self.company_a.id)])
        )
        store.invalidate_recordset()
        self.assertFalse(store.data)
        self.assertFalse(json.loads(json.dumps(store.correction_count)))

    def test_erasure_blanks_the_mention_in_corrections(self):
        post = self.ingest(self.account_a, "mention", "@l16_mentioned my app is a blank screen")
        system(post).write({"intent": "other"})
        post.with_user(self.agent_a).action_social_crm_correct("intent", "complaint")
        post._blank_mentions("l16_mentioned")
        self.assertEqual(post.correction_ids.text, "@[erased] my app is a blank screen")

    def test_tour_agent_corrects_an_intent_with_one_click(self):
        self.env["social_crm.account"].create(
            {"name": "Tour learn", "platform": "demo", "external_user_id": "demo-l16-tour"}
        )
        new_test_user(self.env, login="learn16_tour", groups="social_crm.group_social_crm_agent")
        account = self.env["social_crm.account"].search(
            [("external_user_id", "=", "demo-l16-tour")]
        )
        post = self.ingest(account, "tour", "Learn16 blank screen after the update, any idea?")
        system(post).write({"intent": "question", "sentiment": "neutral"})
        system(post.conversation_id).write({"intent": "question", "sentiment": "neutral"})
        self.start_tour(
            "/odoo/social-inbox", "social_crm_correct_intent_tour", login="learn16_tour"
        )
        self.assertEqual((post.intent, post.sentiment), ("complaint", "negative"))
        self.assertEqual(sorted(post.correction_ids.mapped("new_value")), ["complaint", "negative"])

    def test_tour_agent_corrects_an_intent_in_discuss(self):
        agent = new_test_user(
            self.env, login="learn16_discuss", groups="social_crm.group_social_crm_agent"
        )
        account = self.env["social_crm.account"].create(
            {"name": "Discuss learn", "platform": "demo", "external_user_id": "demo-l16-disc"}
        )
        post = self.ingest(account, "disc", "Learn16 Discuss blank screen after the update?")
        conversation = post.conversation_id
        conversation.user_id = agent
        system(post).write({"intent": "question"})
        system(conversation).write({"intent": "question"})
        self.start_tour(
            "/odoo/discuss", "social_crm_correct_intent_discuss_tour", login="learn16_discuss"
        )
        self.assertEqual((conversation.intent, post.intent), ("complaint", "complaint"))
        self.assertEqual(post.correction_ids.user_id, agent)
