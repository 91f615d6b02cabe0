from odoo import api, fields, models

from .. import placeholders


class SocialCrmReplyTemplate(models.Model):
    """A canned reply with placeholders, rendered on a conversation.

    Example body: ``Hi {{ object.identity_id.profile_name or '' }}, thanks for
    your message! ^{{ user.name }}``
    """

    _name = "social_crm.reply.template"
    _description = "Social CRM reply template"
    _inherit = ["mail.render.mixin"]
    _order = "sequence, name, id"
    # Like mail.template: any agent may render a stored template, while
    # creating or editing one with code in its placeholders needs the
    # "Mail Template Editor" group (checked by mail.render.mixin).
    _unrestricted_rendering = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    # not translatable: English and Dutch templates are separate records, picked by
    # the poster's language (see i18n/README.md)
    body = fields.Text(required=True, render_engine="inline_template")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    body_preview = fields.Text(
        "Preview",
        compute="_compute_body_preview",
        help="The text with its placeholders shown by name, such as [First name].",
    )

    @api.depends("body")
    @api.depends_context("lang")
    def _compute_body_preview(self):
        for template in self:
            template.body_preview = placeholders.friendly(
                template.body, template._field_label, translate=self.env._
            )

    def _field_label(self, path):
        """The label of the field at ``path`` from a conversation
        (``["identity_id", "handle"]`` → "Handle"), or ""."""
        model = self.env["social_crm.conversation"]
        label = ""
        for name in path:
            field = model._fields.get(name)
            if field is None:
                return ""
            label = field.string
            if field.relational:
                model = self.env[field.comodel_name]
        return label

    def _compute_render_model(self):
        self.render_model = "social_crm.conversation"

    def _render_for(self, conversation, consent_link=""):
        """The template's text for ``conversation``, placeholders filled in.
        ``{{ consent_link }}`` is the personal opt-in link, which only the
        flow that asks for consent knows (agents cannot read it)."""
        self.ensure_one()
        rendered = self._render_field(
            "body", conversation.ids, add_context={"consent_link": consent_link or ""}
        )[conversation.id]
        return str(rendered).strip()
