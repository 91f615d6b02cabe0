from odoo import api, fields, models


class SocialCrmCodeGuess(models.Model):
    """Guesses at one-time codes, per identity, contact and day.

    Kept apart from the suggestion and its code, so that neither a new code
    nor a new suggestion for the same pair resets the count; written by the
    server only (no one has write access).
    """

    _name = "social_crm.code.guess"
    _description = "One-time code guesses"
    _order = "id desc"

    identity_id = fields.Many2one(
        "social_crm.identity", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", "Contact", required=True, ondelete="cascade")
    day = fields.Date(required=True, index=True)
    guesses = fields.Integer(required=True, help="Six-digit numbers in the post")
    message_id = fields.Many2one("social_crm.message", "Post", ondelete="set null")

    @api.model_create_multi
    def create(self, vals_list):
        self.env["social_crm.suggestion"].invalidate_model(["code_attempts"])
        return super().create(vals_list)

    @api.model
    def _count(self, identity, partner, day):
        groups = self.sudo()._read_group(
            [("identity_id", "=", identity.id), ("partner_id", "=", partner.id), ("day", "=", day)],
            [],
            ["guesses:sum"],
        )
        return (groups[0][0] or 0) if groups else 0
