"""Learning from the team: agents' corrections of a post's language,
sentiment or intent, and each company's adaptation fitted on them
(social_crm.adapt: the shipped classifier stays the prior). The adaptation
itself: social_crm_adaptation.py."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ._helpers import INTENTS, SENTIMENTS
from .social_crm_guard import system

CORRECTABLE = [("lang", "Language"), ("sentiment", "Sentiment"), ("intent", "Intent")]
#: the languages an agent can choose (what the classifier tells apart)
LANGUAGES = [("nl", "Dutch"), ("en", "English"), ("de", "German"), ("fr", "French")]
CHOICES = {
    "lang": [code for code, _label in LANGUAGES],
    "sentiment": [code for code, _label in SENTIMENTS],
    "intent": [code for code, _label in INTENTS],
}


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
        """Manager button: queue the fit of the user's current company's
        adaptation (the scheduled job runs it in the background)."""
        if not self.env.user.has_group("social_crm.group_social_crm_manager"):
            raise AccessError(self.env._("Only Social CRM managers can start learning."))
        Adaptation = self.env["social_crm.adaptation"]
        Adaptation._request_fit(self.env.company)
        return Adaptation._queued_notification(self.env.company)


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
