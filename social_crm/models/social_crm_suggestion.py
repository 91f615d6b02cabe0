import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from .. import consent_wording
from .social_crm_guard import system
from .social_crm_identity import Evidence

#: how long a one-time code is valid, and how many guesses per identity and
#: contact and per day end it (every six-digit number in a post is a guess)
CODE_VALIDITY = timedelta(hours=48)
CODE_MAX_ATTEMPTS = 5
CODE_RE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


class SocialCrmSuggestion(models.Model):
    """A contact proposed for a social identity, for an agent to decide.

    Rejections are kept: the matcher never proposes a rejected pair again.
    """

    _name = "social_crm.suggestion"
    _description = "Social identity suggestion"
    _order = "state, score desc, id desc"

    identity_id = fields.Many2one(
        "social_crm.identity", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", "Contact", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
        help="The company that would link the contact (links are per company).",
    )
    score = fields.Float(digits=(3, 2))
    reasons = fields.Text()
    state = fields.Selection(
        [("pending", "To decide"), ("confirmed", "Confirmed"), ("rejected", "Rejected")],
        default="pending",
        required=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", "Decided by", readonly=True)
    # one-time code round trip: sent to the contact's e-mail on file, it must
    # come back from this social account to prove the two are one person
    code_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    code_sent_at = fields.Datetime("Code sent at", readonly=True, copy=False)
    code_sent_by_id = fields.Many2one("res.users", "Code sent by", readonly=True, copy=False)
    code_expires_at = fields.Datetime("Code valid until", readonly=True, copy=False)
    code_attempts = fields.Integer(
        "Code guesses today",
        compute="_compute_code_attempts",
        help="Six-digit numbers this identity sent today while a code for this contact was "
        "waiting. After 5 the code ends, and no new one is sent before tomorrow.",
    )
    code_last_guess_at = fields.Datetime("Last code guess", readonly=True, copy=False)
    decided_at = fields.Datetime("Decided at", readonly=True)

    # No UNIQUE(identity, partner): Odoo's partner merge deletes rows whose
    # re-pointing would violate one, and a merge must delete nothing (a
    # rejection on either contact stays remembered). The matcher never
    # proposes a pair twice (see social_crm.identity._apply_match).

    def _compute_code_attempts(self):
        for suggestion in self:
            suggestion.code_attempts = suggestion._code_guesses_today()

    def _code_guesses_today(self):
        self.ensure_one()
        return self.env["social_crm.code.guess"]._count(
            self.identity_id, self.partner_id, fields.Datetime.now().date()
        )

    def _decide(self, state):
        if self.filtered(lambda s: s.state != "pending"):
            raise UserError(self.env._("This suggestion was already decided."))
        system(self).write(
            {"state": state, "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
        )

    def action_confirm(self):
        for suggestion in self:
            # the link is the suggestion's company's own
            identity = suggestion.identity_id.with_company(suggestion.company_id)
            if identity.partner_id:
                raise UserError(self.env._("%s is already linked to a contact.", identity.name))
            suggestion._decide("confirmed")
            identity.with_context(
                social_crm_evidence=Evidence((suggestion.reasons or "").replace("\n", "; "))
            ).partner_id = suggestion.partner_id
        return True

    def action_reject(self):
        self._decide("rejected")
        return True

    def action_link_other(self):
        """Open the identity to choose another contact."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.identity",
            "res_id": self.identity_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Verification by one-time code
    # ------------------------------------------------------------------
    def _code_digest(self, code):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        message = f"{self.id}:{self.identity_id.id}:{code}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    def action_send_code(self):
        """E-mail a one-time code to the contact's address on file."""
        self.ensure_one()
        if self.state != "pending":
            raise UserError(self.env._("This suggestion was already decided."))
        if self._code_guesses_today() >= CODE_MAX_ATTEMPTS:
            raise UserError(
                self.env._(
                    "Too many codes were guessed today from %(identity)s for %(partner)s: "
                    "send a new code tomorrow.",
                    identity=self.identity_id.name,
                    partner=self.partner_id.name,
                )
            )
        email = email_normalize(self.partner_id.email)
        if not email:
            raise UserError(
                self.env._(
                    "%s has no valid e-mail address on file to send a code to.",
                    self.partner_id.name,
                )
            )
        code = f"{secrets.randbelow(10**6):06d}"
        identity = self.identity_id
        company = self.env.company
        # the language the person posts in, else the contact's
        latest = identity.sudo().post_ids.sorted("id")[-1:]
        lang = consent_wording.language(latest.lang or self.partner_id.lang)
        texts = consent_wording.mail_texts(
            lang, name=self.partner_id.name, company=company.name, identity=identity.name
        )
        body = self.env["ir.qweb"]._render(
            "social_crm.public_mail",
            {
                "company": company,
                "base_url": self.get_base_url(),
                "lang": lang,
                "paragraphs": [texts["code_intro"]],
                "code": code,
                "notes": [texts["code_valid"]],
                "privacy_label": texts["privacy"],
            },
        )
        self.env["mail.mail"].sudo().create(
            {
                "subject": texts["code_subject"],
                "email_to": email,
                "email_from": company.email_formatted or self.env.user.email_formatted,
                "body_html": body,
                "auto_delete": True,
                # linked to the suggestion, so that erasure finds it
                "model": self._name,
                "res_id": self.id,
            }
        )
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "code_hash": self._code_digest(code),
                "code_sent_at": now,
                "code_sent_by_id": self.env.uid,
                "code_expires_at": now + CODE_VALIDITY,
            }
        )
        masked = re.sub(r"(?<=.).(?=[^@]*@)", "*", email)
        identity.sudo().message_post(
            body=self.env._(
                "Verification code for %(partner)s sent to %(email)s by %(user)s.",
                partner=self.partner_id.name,
                email=masked,
                user=self.env.user.name,
            ),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _check_codes(self, message):
        """Confirm the suggestion whose code comes back in ``message``, a post
        by the suggested identity.

        Every six-digit number in the post is one guess, counted per identity
        and contact and per day (a new code does not reset the count). A post
        holding more numbers than the guesses left is counted and not checked;
        the fifth guess of the day ends the code.
        """
        now = fields.Datetime.now()
        codes = list(dict.fromkeys(CODE_RE.findall(message.text or "")))
        if not codes:
            return self.browse()
        waiting = self.sudo().filtered(
            lambda s: (
                s.state == "pending"
                and s.company_id == message.company_id
                and s.code_hash
                and s.code_expires_at
                and s.code_expires_at > now
            )
        )
        if not waiting:
            return self.browse()
        # one post checked at a time per suggestion: a concurrent check of the
        # same suggestion waits, then fails to serialise and is retried
        self.env.cr.execute(
            "SELECT id FROM social_crm_suggestion WHERE id = ANY(%s) FOR UPDATE", [waiting.ids]
        )
        Guess = self.env["social_crm.code.guess"].sudo()
        for suggestion in waiting:
            used = suggestion._code_guesses_today()
            Guess.create(
                {
                    "identity_id": suggestion.identity_id.id,
                    "partner_id": suggestion.partner_id.id,
                    "day": now.date(),
                    "guesses": len(codes),
                    "message_id": message.id,
                }
            )
            suggestion.code_last_guess_at = now
            if len(codes) <= CODE_MAX_ATTEMPTS - used and any(
                hmac.compare_digest(suggestion._code_digest(code), suggestion.code_hash)
                for code in codes
            ):
                suggestion._confirm_by_code(message)
                return suggestion
            if used + len(codes) >= CODE_MAX_ATTEMPTS:
                suggestion.write({"code_hash": False, "code_expires_at": False})
                suggestion.identity_id.message_post(
                    body=self.env._(
                        "Verification code for %(partner)s ended: %(count)s codes guessed "
                        "today. A new code can be sent tomorrow.",
                        partner=suggestion.partner_id.name,
                        count=used + len(codes),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return self.browse()

    def _confirm_by_code(self, message):
        agent = self.code_sent_by_id or self.env.user
        evidence = self.env._(
            "the one-time code e-mailed to the address on file came back in post %s",
            message.url or message.external_id,
        )
        self.write(
            {
                "state": "confirmed",
                "decided_by_id": agent.id,
                "decided_at": fields.Datetime.now(),
                "code_hash": False,
            }
        )
        self.identity_id.with_user(agent).with_company(self.company_id).with_context(
            social_crm_evidence=Evidence(evidence)
        ).sudo().partner_id = self.partner_id
