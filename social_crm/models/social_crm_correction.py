"""Learning from the team: agents' corrections of a post's language,
sentiment or intent, and each company's adaptation fitted on them
(social_crm.adapt: the shipped classifier stays the prior)."""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import adapt
from ._helpers import INTENTS, SENTIMENTS, run_guarded
from .social_crm_guard import system

_logger = logging.getLogger(__name__)

CORRECTABLE = [("lang", "Language"), ("sentiment", "Sentiment"), ("intent", "Intent")]
#: the languages an agent can choose (what the classifier tells apart)
LANGUAGES = [("nl", "Dutch"), ("en", "English"), ("de", "German"), ("fr", "French")]
CHOICES = {
    "lang": [code for code, _label in LANGUAGES],
    "sentiment": [code for code, _label in SENTIMENTS],
    "intent": [code for code, _label in INTENTS],
}
#: parsed adaptations: {(db, company id, fitted at): adapt.Adaptation}
_CACHE = {}


class SocialCrmCorrection(models.Model):
    """One agent's correction of one label of one post. It keeps a copy of
    the post's text to fit the company's adaptation on: personal data,
    covered by export, erasure and retention (social_crm_correction_apply)."""

    _name = "social_crm.correction"
    _inherit = ["social_crm.guarded"]
    _description = "Label correction"
    _order = "date desc, id desc"
    _rec_name = "field"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    message_id = fields.Many2one(
        "social_crm.message", "Post", ondelete="cascade", index=True, readonly=True
    )
    field = fields.Selection(CORRECTABLE, "Corrected", required=True, readonly=True)
    old_value = fields.Char("Was", readonly=True)
    new_value = fields.Char("Corrected to", required=True, readonly=True)
    text = fields.Text("Post text", readonly=True, help="Copy of the post, to learn from.")
    user_id = fields.Many2one("res.users", "Agent", readonly=True, index=True)
    date = fields.Datetime(default=fields.Datetime.now, readonly=True, index=True)
    count = fields.Integer(default=1, readonly=True, aggregator="sum")

    # every field is the record of what an agent did: only the correction
    # flow (social_crm.message._social_crm_correct) writes them
    _social_crm_protected = frozenset(
        {"company_id", "message_id", "field", "old_value", "new_value", "text", "user_id"}
        | {"date", "count"}
    )

    @api.model
    def action_learn(self):
        """Manager button: fit the adaptation of the user's current company."""
        if not self.env.user.has_group("social_crm.group_social_crm_manager"):
            raise AccessError(self.env._("Only Social CRM managers can start learning."))
        store = self.env["social_crm.adaptation"].sudo()._fit(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Learnt from %(count)s corrections for %(company)s.",
                    count=store.correction_count,
                    company=self.env.company.name,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


class SocialCrmAdaptation(models.Model):
    """A company's adaptation of the classifier (admin and managers only)."""

    _name = "social_crm.adaptation"
    _description = "Classifier adaptation"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True)
    data = fields.Text("Fitted layer (JSON)", readonly=True, groups="base.group_system")
    fitted_at = fields.Datetime(readonly=True)
    correction_count = fields.Integer("Corrections", readonly=True)
    size_kb = fields.Integer("Size (kB)", readonly=True)

    _sql_constraints = [
        ("company_unique", "UNIQUE(company_id)", "One adaptation per company."),
    ]

    @api.model
    def _corrections_for(self, company):
        """The company's corrections as adapt.fit reads them: one per post,
        the latest value of each field."""
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
        return list(by_post.values())

    @api.model
    def _fit(self, company):
        """Fit ``company``'s adaptation on its corrections and store it."""
        corrections = self._corrections_for(company)
        fitted = adapt.fit(corrections) if corrections else adapt.Adaptation()
        data = fitted.to_json() if fitted else False
        vals = {
            "data": data,
            "fitted_at": fields.Datetime.now(),
            "correction_count": len(corrections),
            "size_kb": len(data or "") // 1024,
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
    def _cron_fit(self):
        """Scheduled action (daily): refit the companies whose corrections
        changed since their last fit, one company per batch."""
        Correction = self.env["social_crm.correction"].sudo()
        pending = []
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            store = self.sudo().search([("company_id", "=", company.id)], limit=1)
            domain = [("company_id", "=", company.id)]
            if store.fitted_at:
                domain.append(("write_date", ">", store.fitted_at))
            if Correction.search_count(domain, limit=1) or (
                store.data and not Correction.search_count([("company_id", "=", company.id)])
            ):
                pending.append(company)
        for done, company in enumerate(pending, 1):
            run_guarded(
                self.env,
                f"learning from corrections for {company.name}",
                lambda c=company: self._fit(c),
                lambda error: None,
            )
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(pending) - done)

    def action_fit(self):
        if not self.env.user.has_group("social_crm.group_social_crm_manager"):
            raise UserError(self.env._("Only Social CRM managers can start learning."))
        for store in self:
            self._fit(store.company_id)
        return True


def _check_value(env, field, value):
    if field not in CHOICES or value not in CHOICES[field]:
        raise UserError(env._("This is not a label a post can have."))


def correct(posts, field, value):
    """The correction flow: check that the acting user may correct each post
    (a post of their companies they can read, as an agent), record the
    correction, and set the label (through the write guard's SYSTEM flow).

    :return: the corrections created
    """
    env = posts.env
    _check_value(env, field, value)
    if not env.user.has_group("social_crm.group_social_crm_agent"):
        raise AccessError(env._("Only Social CRM agents can correct posts."))
    posts.check_access("read")  # company rules: their own companies' posts only
    vals_list, changed = [], posts.browse()
    for post in posts:
        if post.direction != "in" or post.erased:
            raise UserError(env._("Only received posts can be corrected."))
        old = post[field] or False
        if old == value:
            continue
        vals_list.append(
            {
                "company_id": post.company_id.id,
                "message_id": post.id,
                "field": field,
                "old_value": old,
                "new_value": value,
                "text": post.text,
                "user_id": env.user.id,
            }
        )
        changed |= post
    corrections = system(env["social_crm.correction"]).create(vals_list)
    if changed:
        system(changed.sudo()).write({field: value})
    return corrections
