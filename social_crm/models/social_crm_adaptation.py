"""Each company's adaptation of the classifier, fitted on its agents'
corrections and on the labels they confirmed by answering
(social_crm.adapt: the shipped classifier stays the prior).

Why confirmations: a correction records only a label the model got wrong.
From mistakes alone the fit cannot tell how often the shipped model is
right for this company, so it keeps the strong prior (adapt.choose). A post
an agent answered or closed without correcting its labels is read as a
confirmed label: with those next to the corrections the fit can measure, on
the company's own posts, whether trusting the corrections more helps."""

import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import adapt
from ._helpers import SOFT_RELOAD, notification, run_guarded

#: parsed adaptations: {(db, company id, fitted at): adapt.Adaptation}
_CACHE = {}
#: at most this many confirmed posts (the newest) join the corrections
CONFIRMED_LIMIT = 500
#: the fit reads the newest this many corrected posts: its time grows a
#: little faster than their number (about 21 s of CPU for 2,000 here,
#: bench/adapt_fit_time.py), and it runs in the daily job, never in a request
CORRECTION_LIMIT = 2000
#: conversations whose received posts an agent has handled
HANDLED = ("replied", "closed")


class SocialCrmAdaptation(models.Model):
    """A company's adaptation of the classifier (admin and managers only)."""

    _name = "social_crm.adaptation"
    _description = "Classifier adaptation"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True)
    data = fields.Text("Fitted layer (JSON)", readonly=True, groups="base.group_system")
    fitted_at = fields.Datetime(readonly=True)
    correction_count = fields.Integer("Corrections", readonly=True)
    confirmed_count = fields.Integer(
        "Confirmed by answering",
        readonly=True,
        help="Answered or closed posts whose labels no agent corrected: the fit "
        "reads their labels as right.",
    )
    trust = fields.Char(
        "How far it follows the corrections",
        readonly=True,
        help="Chosen by cross-validation on the company's own corrections and "
        "confirmed posts, per label.",
    )
    size_kb = fields.Integer("Size (kB)", readonly=True)
    read_ids = fields.Text(
        "Posts the fit read (JSON ids)",
        readonly=True,
        groups="base.group_system",
        help="The confirmed posts the last fit learnt from: erasing or expiring one "
        "makes the company learn again without it.",
    )
    fit_requested = fields.Boolean(
        "Queued",
        readonly=True,
        help="A manager asked to learn now: the scheduled job fits it in the background.",
    )

    _sql_constraints = [
        ("company_unique", "UNIQUE(company_id)", "One adaptation per company."),
    ]

    @api.model
    def _corrections_for(self, company):
        """The company's corrections as adapt.fit reads them: one per post,
        the latest value of each field, the newest CORRECTION_LIMIT posts."""
        found = (
            self.env["social_crm.correction"]
            .sudo()
            .search([("company_id", "=", company.id), ("text", "!=", False)], order="date, id")
        )
        by_post = {}
        for correction in found:
            key = correction.message_id.id or f"c{correction.id}"
            entry = by_post.setdefault(key, {"text": correction.text})
            entry[correction.field] = correction.new_value
        return list(by_post.values())[-CORRECTION_LIMIT:]

    @api.model
    def _confirmed_domain(self, company):
        return [
            ("company_id", "=", company.id),
            ("direction", "=", "in"),
            ("erased", "=", False),
            ("text", "!=", False),
            ("intent", "!=", False),
            ("conversation_id.state", "in", HANDLED),
        ]

    @api.model
    def _confirmed_posts(self, company):
        """The newest received posts of ``company`` that an agent answered or
        closed without correcting any label, oldest first."""
        if not CONFIRMED_LIMIT:
            return self.env["social_crm.message"]
        corrected = (
            self.env["social_crm.correction"]
            .sudo()
            .search([("company_id", "=", company.id)])
            .message_id
        )
        domain = self._confirmed_domain(company) + [("id", "not in", corrected.ids)]
        posts = (
            self.env["social_crm.message"]
            .sudo()
            .search(domain, order="id desc", limit=CONFIRMED_LIMIT)
        )
        return posts[::-1]  # oldest first, as the corrections

    @api.model
    def _confirmed_entry(self, post):
        """A confirmed post as adapt.fit reads it."""
        entry = {"text": post.text, "intent": post.intent}
        if post.sentiment:
            entry["sentiment"] = post.sentiment
        if post.lang and 2 <= len(post.lang) <= 8:
            entry["lang"] = post.lang
        return entry

    @api.model
    def _reading(self, posts):
        """The companies whose last fit read some of ``posts`` as confirmed
        (its ``read_ids``), so that erasing or expiring them must refit.
        Posts no fit read, what retention mostly removes, cost no refit. A
        fit stored before ``read_ids`` existed counts as reading them all."""
        companies = self.env["res.company"]
        fitted = self.sudo().search(
            [("company_id", "in", posts.company_id.ids), ("data", "!=", False)]
        )
        for store in fitted:
            read = set(json.loads(store.read_ids)) if store.read_ids else None
            if read is None or read & set(posts.ids):
                companies |= store.company_id
        return companies

    @api.model
    def _fit(self, company):
        """Fit ``company``'s adaptation on its corrections (and, when it has
        any, the posts its agents confirmed) and store it."""
        corrections = self._corrections_for(company)
        posts = self._confirmed_posts(company) if corrections else []
        confirmed = [self._confirmed_entry(post) for post in posts]
        fitted = adapt.fit(corrections + confirmed) if corrections else adapt.Adaptation()
        data = fitted.to_json() if fitted else False
        vals = {
            "data": data,
            "fitted_at": fields.Datetime.now(),
            "correction_count": len(corrections),
            "confirmed_count": len(confirmed),
            "read_ids": json.dumps([post.id for post in posts]),
            "trust": self._trust(fitted.chosen) if corrections else False,
            "size_kb": len(data or "") // 1024,
            "fit_requested": False,
        }
        store = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if store:
            store.write(vals)
        else:
            store = self.sudo().create(dict(vals, company_id=company.id))
        return store

    @api.model
    def _for_company(self, company):
        """The adaptation classification uses for ``company`` (None when it
        has none), parsed once per fit."""
        store = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not store or not store.data:
            return None
        key = (self.env.cr.dbname, company.id, store.fitted_at, store.id)
        found = _CACHE.get(key)
        if found is None:
            found = adapt.Adaptation.from_json(store.data)
            for old in [k for k in _CACHE if k[:2] == key[:2]]:
                del _CACHE[old]
            _CACHE[key] = found
        return found

    @api.model
    def _needs_fit(self, company):
        """Whether a manager asked to learn, or ``company``'s corrections or
        the posts its agents handled changed since its last fit (or its
        corrections are all gone)."""
        Correction = self.env["social_crm.correction"].sudo()
        store = self.sudo().search([("company_id", "=", company.id)], limit=1)
        mine = [("company_id", "=", company.id)]
        if store.fit_requested:
            return True
        if not store.fitted_at:
            return bool(Correction.search_count(mine, limit=1))
        if Correction.search_count(mine + [("write_date", ">", store.fitted_at)], limit=1):
            return True
        if not Correction.search_count(mine, limit=1):
            return bool(store.data)  # every correction erased: forget them
        handled = self._confirmed_domain(company) + [
            ("conversation_id.write_date", ">", store.fitted_at)
        ]
        return bool(self.env["social_crm.message"].sudo().search_count(handled, limit=1))

    @api.model
    def _cron_fit(self):
        """Scheduled action (daily): refit the companies whose corrections or
        handled posts changed since their last fit, one company per batch."""
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        pending = [company for company in companies if self._needs_fit(company)]
        for done, company in enumerate(pending, 1):
            run_guarded(
                self.env,
                f"learning from corrections for {company.name}",
                lambda c=company: self._fit(c),
                lambda error: None,
            )
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(pending) - done)

    @api.model
    def _trust(self, chosen):
        """adapt's choice per label, in a line a manager can read in their
        language: how far it follows the corrections, the complaint threshold's
        shift, and why."""
        settings = {
            "shipped": self.env._("close to the shipped model"),
            "halfway": self.env._("halfway"),
            "corrections": self.env._("mostly the corrections"),
            "none": self.env._("the shipped model only"),
        }
        reasons = {
            "few": self.env._("too few corrections to measure"),
            "few_class": self.env._("too few of one label to measure"),
            "mistakes": self.env._("corrections only, no confirmed posts to compare"),
            "no_gain": self.env._("measured: nothing clearly better"),
            "cv": self.env._("measured on the company's own posts"),
        }
        labels = {"intent": self.env._("Intent"), "sentiment": self.env._("Sentiment")}
        parts = []
        for field in sorted(chosen):
            report = chosen[field]
            setting = settings.get(report.get("setting"), report.get("setting", ""))
            shift = report.get("shift") or 0.0
            if shift:
                threshold = f"{-shift:+g}"
                setting = self.env._(
                    "%(setting)s, complaint threshold %(shift)s", setting=setting, shift=threshold
                )
            label = labels.get(field, field)
            reason = reasons.get(report.get("reason"), report.get("why", ""))
            count = report.get("n", 0)
            parts.append(
                self.env._(
                    "%(label)s: %(setting)s (%(reason)s; %(count)s posts)",
                    label=label,
                    setting=setting,
                    reason=reason,
                    count=count,
                )
            )
        return "; ".join(parts) or False

    @api.model
    def _request_fit(self, company):
        """Queue ``company``'s fit for the scheduled job and wake it: a fit
        takes up to a minute, too long to keep a manager's request waiting."""
        store = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if store:
            store.fit_requested = True
        else:
            store = self.sudo().create({"company_id": company.id, "fit_requested": True})
        self.env.ref("social_crm.ir_cron_social_crm_learn").sudo()._trigger()
        return store

    @api.model
    def _queued_notification(self, companies):
        message = self.env._(
            "Learning from the corrections for %(companies)s has started in the "
            "background; the result appears under Classifier adaptations within "
            "a few minutes.",
            companies=", ".join(companies.mapped("name")),
        )
        return notification(message, then=SOFT_RELOAD)

    def action_fit(self):
        if not self.env.user.has_group("social_crm.group_social_crm_manager"):
            raise UserError(self.env._("Only Social CRM managers can start learning."))
        for store in self:
            self._request_fit(store.company_id)
        return self._queued_notification(self.company_id)
