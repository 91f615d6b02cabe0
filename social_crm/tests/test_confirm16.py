"""Issue 16, item 2: the addon learns from confirmed labels too.

A correction records only a label the model got wrong; from mistakes alone
adapt.choose() cannot tell how often the shipped model is right, so it kept
the strong prior for every company. Posts an agent answered or closed
without correcting are now read as confirmed labels next to the
corrections. The posts are self-written."""

import json

from odoo.tests import TransactionCase, new_test_user, tagged

from ..connectors import Post, Profile
from ..models import social_crm_adaptation
from ..models.social_crm_guard import system

DEVICES = ["phone", "tablet", "laptop", "smart tv", "watch", "e-reader"]
#: a company whose meter app fails; the shipped model reads these as "other"
FAULTS = [
    "the meter reading page stays empty on my {}",
    "my {} shows zero usage in the meter app again",
    "the meter app on my {} logs me out every five minutes",
    "meter app crashes on my {} when I open the monthly usage",
    "my {} cannot load last month's meter reading",
]
#: ordinary posts an agent answered and left as they were
QUESTIONS = [
    "Which day does the engineer come for the new meter on my {}?",
    "Can I see the tariffs for next year in the app on my {}?",
]
THANKS = [
    "Thanks, the new meter works fine and the app on my {} is clear",
    "Great service today, the engineer even set up the app on my {}",
]


@tagged("post_install", "-at_install")
class TestConfirm16(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company, cls.other = (
            env["res.company"].create({"name": name}) for name in ("Confirm A", "Confirm B")
        )
        cls.agent = new_test_user(
            env,
            login="confirm16_agent",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
            groups="social_crm.group_social_crm_agent",
        )
        cls.account, cls.other_account = (
            env["social_crm.account"].create(
                {
                    "name": f"Meters {company.name}",
                    "platform": "demo",
                    "external_user_id": f"demo-confirm16-{company.id}",
                    "company_id": company.id,
                }
            )
            for company in (cls.company, cls.other)
        )
        cls.Message = env["social_crm.message"]
        cls.Adaptation = env["social_crm.adaptation"]

    def ingest(self, account, templates, tag):
        """One post per template and device, each from its own poster (so
        its own conversation)."""
        batch = []
        for t, template in enumerate(templates):
            for d, device in enumerate(DEVICES):
                key = f"{tag}-{account.id}-{t}-{d}"
                author = Profile(f"demo-c16-{key}", handle=f"c16_{key}")
                batch.append(Post(f"c16-{key}", template.format(device), author=author))
        return self.Message._ingest(account, batch)

    def confirmed(self):
        """The company's confirmed posts as its fit reads them."""
        posts = self.Adaptation._confirmed_posts(self.company)
        return [self.Adaptation._confirmed_entry(post) for post in posts]

    def handled(self, posts, state="replied"):
        system(posts.conversation_id.sudo()).write({"state": state})

    def test_confirmed_posts_are_the_handled_uncorrected_ones_of_the_company(self):
        faults = self.ingest(self.account, FAULTS[:1], "f")
        questions = self.ingest(self.account, QUESTIONS, "q")
        waiting = self.ingest(self.account, THANKS[:1], "t")  # nobody answered yet
        theirs = self.ingest(self.other_account, THANKS[1:], "o")
        self.handled(faults | questions | theirs)
        self.handled(questions[:2], "closed")
        erased = questions[-1]
        system(erased.sudo()).write({"erased": True, "text": False})
        faults[0].with_user(self.agent).action_social_crm_correct("intent", "complaint")

        confirmed = self.confirmed()
        texts = [entry["text"] for entry in confirmed]
        expected = (faults[1:] | questions - erased).sorted("id").mapped("text")
        self.assertEqual(texts, expected)
        self.assertFalse(set(texts) & set((waiting | theirs | faults[0]).mapped("text")))
        first = confirmed[0]
        post = faults[1]
        self.assertEqual(
            (first["intent"], first.get("sentiment"), first.get("lang")),
            (post.intent, post.sentiment, post.lang),
        )

    def test_limit_keeps_the_newest(self):
        posts = self.ingest(self.account, QUESTIONS, "lim")
        self.handled(posts)
        self.patch(social_crm_adaptation, "CONFIRMED_LIMIT", 5)
        texts = [e["text"] for e in self.confirmed()]
        self.assertEqual(texts, posts.sorted("id")[-5:].mapped("text"))

    def test_correction_limit_keeps_the_newest_corrected_posts(self):
        faults = self.ingest(self.account, FAULTS[:2], "cl")
        for post in faults:
            post.with_user(self.agent).action_social_crm_correct("intent", "complaint")
        self.patch(social_crm_adaptation, "CORRECTION_LIMIT", 4)
        texts = [e["text"] for e in self.Adaptation._corrections_for(self.company)]
        self.assertEqual(texts, faults.sorted("id")[-4:].mapped("text"))

    def test_fit_uses_confirmations_so_the_cross_validation_can_choose(self):
        faults = self.ingest(self.account, FAULTS, "f")  # 30 posts
        ordinary = self.ingest(self.account, QUESTIONS + THANKS, "o")  # 24 posts
        # what the shipped model made of the faults, for this test: "other"
        system(faults.sudo()).write({"intent": "other"})
        self.handled(faults | ordinary)
        for post in faults[:24]:
            post.with_user(self.agent).action_social_crm_correct("intent", "complaint")
        # six faults answered without a correction: the model is not always wrong

        store = self.Adaptation._fit(self.company)
        self.assertEqual((store.correction_count, store.confirmed_count), (24, 30))
        chosen = json.loads(store.sudo().data)["chosen"]
        self.assertEqual(chosen["intent"]["n"], 54)
        mistakes_only = "the corrections hold only the model's mistakes"
        self.assertNotEqual(chosen["intent"]["why"], mistakes_only)
        self.assertIn("Intent: ", store.trust)
        self.assertNotIn("only, no confirmed", store.trust)
        # the corrections still teach: a new post like the corrected ones
        # is a complaint, a new question stays a question
        new = self.Message._ingest(
            self.account,
            [
                Post(
                    "c16-new-fault",
                    "the meter app shows zero usage on my desktop again",
                    author=Profile("demo-c16-new1", handle="c16_new1"),
                ),
                Post(
                    "c16-new-question",
                    "Which day does the engineer come for my new meter?",
                    author=Profile("demo-c16-new2", handle="c16_new2"),
                ),
            ],
        )
        self.assertEqual(new.mapped("intent"), ["complaint", "question"])
        # corrections alone (what the fit read before): only mistakes, strong prior kept
        self.patch(social_crm_adaptation, "CONFIRMED_LIMIT", 0)
        store = self.Adaptation._fit(self.company)
        self.assertEqual(store.confirmed_count, 0)
        chosen = json.loads(store.sudo().data)["chosen"]
        self.assertEqual(chosen["intent"]["setting"], "shipped")
        self.assertIn("too few corrections to measure", store.trust)

    def test_the_daily_job_refits_when_agents_handled_more_posts(self):
        faults = self.ingest(self.account, FAULTS[:1], "f")
        faults[0].with_user(self.agent).action_social_crm_correct("intent", "complaint")
        self.assertTrue(self.Adaptation._needs_fit(self.company))
        self.Adaptation._cron_fit()
        store = self.Adaptation.search([("company_id", "=", self.company.id)])
        self.assertEqual(store.confirmed_count, 0)
        self.assertFalse(self.Adaptation._needs_fit(self.company))
        self.assertFalse(self.Adaptation._needs_fit(self.other))
        # an agent answers the others: the next run learns from them
        self.env.cr.execute(
            "UPDATE social_crm_adaptation SET fitted_at = fitted_at - interval '1 hour' "
            "WHERE id = %s",
            [store.id],
        )
        store.invalidate_recordset(["fitted_at"])
        self.handled(faults[1:])
        self.assertTrue(self.Adaptation._needs_fit(self.company))
        self.Adaptation._cron_fit()
        self.assertEqual(store.confirmed_count, len(faults) - 1)

    def test_erasure_refits_without_the_confirmed_post(self):
        faults = self.ingest(self.account, FAULTS[:1], "f")
        questions = self.ingest(self.account, QUESTIONS[:1], "q")
        self.handled(questions)
        faults[0].with_user(self.agent).action_social_crm_correct("intent", "complaint")
        store = self.Adaptation._fit(self.company)
        self.assertEqual(store.confirmed_count, len(questions))
        memory = len(json.loads(store.sudo().data)["memory"])
        # retention and erasure anonymise the post: the company learns again
        questions[0]._anonymize()
        store.invalidate_recordset()
        self.assertEqual(store.confirmed_count, len(questions) - 1)
        self.assertEqual(len(json.loads(store.sudo().data)["memory"]), memory - 1)

    def fitted_on_the_newest_two(self):
        """A corrected fault and six handled questions, fitted with only the
        newest two confirmed; the fit dated 2020 so that a refit shows."""
        faults = self.ingest(self.account, FAULTS[:1], "f")
        questions = self.ingest(self.account, QUESTIONS[:1], "q")
        self.handled(questions)
        faults[0].with_user(self.agent).action_social_crm_correct("intent", "complaint")
        self.patch(social_crm_adaptation, "CONFIRMED_LIMIT", 2)
        store = self.Adaptation._fit(self.company)
        self.env.cr.execute(
            "UPDATE social_crm_adaptation SET fitted_at = '2020-01-01' WHERE id = %s", [store.id]
        )
        store.invalidate_recordset(["fitted_at"])
        return faults, questions, store

    def test_retention_of_posts_the_fit_did_not_read_refits_nothing(self):
        _faults, questions, store = self.fitted_on_the_newest_two()
        # the oldest handled post is not among the newest two the fit read
        oldest = questions.sorted("id")[0]
        self.assertFalse(self.Adaptation._reading(oldest))
        self.assertEqual(self.Adaptation._reading(questions), self.company)
        oldest._anonymize()
        store.invalidate_recordset(["fitted_at"])
        self.assertEqual(str(store.fitted_at), "2020-01-01 00:00:00")  # no refit

    def test_erasing_a_post_the_fit_read_refits_after_newer_posts_pushed_it_out(self):
        faults, questions, store = self.fitted_on_the_newest_two()
        read = questions.sorted("id")[-2:]
        self.assertEqual(json.loads(store.sudo().read_ids), read.ids)
        # agents answer newer posts; no refit yet, so the fit still holds `read`
        self.handled(self.ingest(self.account, THANKS[:1], "later"))
        self.assertEqual(self.Adaptation._reading(read[:1]), self.company)
        read[0]._anonymize()
        store.invalidate_recordset()
        self.assertNotEqual(str(store.fitted_at), "2020-01-01 00:00:00")  # learnt again
        self.assertNotIn(read[0].id, json.loads(store.sudo().read_ids))
        # a fit stored before read_ids existed: any erasure of its posts refits
        system(store).write({"read_ids": False})
        self.assertEqual(self.Adaptation._reading(faults), self.company)
