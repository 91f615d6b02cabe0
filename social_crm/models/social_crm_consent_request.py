import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, email_split

from .. import consent_wording
from ._helpers import by_token

REQUEST_VALIDITY = timedelta(days=7)
CONFIRM_VALIDITY = timedelta(days=2)
#: a consent for commercial messages is asked again after two years
CONSENT_VALIDITY = timedelta(days=730)


class SocialCrmConsentRequest(models.Model):
    """A personal opt-in link sent to a poster, and its double opt-in.

    The link's token is long, random and single-use; it expires. The page
    asks for an e-mail address; consent is granted only once the person
    opens the confirmation link sent there and presses "Confirm" (a GET of a
    link never records anything). The page never links the identity to a
    contact: it proposes the contact for an agent to confirm.

    The link may have been sent as a public reply, and anyone who has it can
    confirm it with an address of their own: see :meth:`_confirm` for who
    the consent is recorded on.
    """

    _name = "social_crm.consent.request"
    _description = "Social CRM consent request"
    _order = "id desc"
    _rec_name = "identity_id"

    identity_id = fields.Many2one(
        "social_crm.identity", required=True, ondelete="cascade", readonly=True, index=True
    )
    conversation_id = fields.Many2one("social_crm.conversation", ondelete="set null", readonly=True)
    message_id = fields.Many2one(
        "social_crm.message", "Asked in reply to", ondelete="set null", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", "Asked by", readonly=True)
    purpose = fields.Selection([("commercial", "Commercial messages")], default="commercial")
    sent_as = fields.Selection(
        [("private", "Private message"), ("reply", "Public reply")],
        "Link sent as",
        readonly=True,
    )
    lang = fields.Selection([("en", "English"), ("nl", "Dutch")], default="en", required=True)
    token = fields.Char(readonly=True, copy=False, index=True, groups="base.group_system")
    # admin-only: whoever holds the link can answer it (see _confirm)
    url = fields.Char("Opt-in link", compute="_compute_url", groups="base.group_system")
    expires_at = fields.Datetime(readonly=True)
    state = fields.Selection(
        [
            ("sent", "Link sent"),
            ("submitted", "Waiting for e-mail confirmation"),
            ("confirmed", "Confirmed"),
            ("expired", "Expired"),
        ],
        default="sent",
        required=True,
        readonly=True,
        index=True,
    )
    email = fields.Char(readonly=True)
    phone = fields.Char(readonly=True)
    ip_address = fields.Char("IP address", readonly=True)
    submitted_at = fields.Datetime(readonly=True)
    confirm_token = fields.Char(readonly=True, copy=False, index=True, groups="base.group_system")
    confirm_expires_at = fields.Datetime(readonly=True)
    confirmed_at = fields.Datetime(readonly=True)
    confirm_ip_address = fields.Char("Confirmed from IP address", readonly=True)
    partner_id = fields.Many2one("res.partner", "Contact", readonly=True)
    consent_id = fields.Many2one("social_crm.consent", readonly=True)
    withdraw_token = fields.Char(
        readonly=True, copy=False, index="btree_not_null", groups="base.group_system"
    )
    withdrawn_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("token_unique", "UNIQUE(token)", "Token collision."),
        ("confirm_token_unique", "UNIQUE(confirm_token)", "Token collision."),
        ("withdraw_token_unique", "UNIQUE(withdraw_token)", "Token collision."),
    ]

    @api.depends_context("uid")
    def _compute_url(self):
        base = self._base_url()
        for request in self:
            token = request.sudo().token
            request.url = f"{base}/social_crm/consent/{token}" if token else False

    @api.model
    def _ask(self, conversation):
        """A new request for the person who started ``conversation``."""
        identity = conversation.identity_id
        if not identity:
            raise UserError(self.env._("This conversation has no poster to ask."))
        target = conversation._reply_target()
        return self.sudo().create(
            {
                "identity_id": identity.id,
                "conversation_id": conversation.id,
                "message_id": target.id,
                "company_id": conversation.company_id.id,
                "user_id": self.env.uid,
                "lang": consent_wording.language(target.lang),
                "token": secrets.token_urlsafe(32),
                "expires_at": fields.Datetime.now() + REQUEST_VALIDITY,
            }
        )

    # ------------------------------------------------------------------
    # Public page (called as superuser by the controller)
    # ------------------------------------------------------------------
    @api.model
    def _from_token(self, token, field="token", states=("sent",)):
        """The live request for ``token``, else an empty recordset: unknown,
        used, or expired tokens all look the same from outside."""
        request = by_token(self, token, field)
        if not request or request.state not in states:
            return self.browse()
        expiry = {"token": request.expires_at, "confirm_token": request.confirm_expires_at}.get(
            field
        )
        if expiry and expiry < fields.Datetime.now():
            request.state = "expired"
            return self.browse()
        return request

    def _texts(self):
        company = self.company_id.name
        version, wording = consent_wording.WORDING[(self.purpose, self.lang)]
        account = self.conversation_id.account_id.sudo()
        platform = consent_wording.via(
            account.platform or self.identity_id.platform, account.handle, self.lang
        )
        page = consent_wording.mail_texts(
            self.lang, company=company, platform=platform, email=self.email
        )
        return version, wording.format(company=company), page

    def _submit(self, email, phone, ip_address):
        """The person left an address: send the confirmation link there."""
        self.ensure_one()
        normalized = email_normalize(email or "")
        if not normalized:
            raise ValueError("bad_email")
        self.write(
            {
                "state": "submitted",
                "email": normalized,
                "phone": (phone or "").strip()[:32] or False,
                "ip_address": ip_address,
                "submitted_at": fields.Datetime.now(),
                "confirm_token": secrets.token_urlsafe(32),
                "confirm_expires_at": fields.Datetime.now() + CONFIRM_VALIDITY,
            }
        )
        self._send_mail(
            "mail_subject", "mail_intro", "mail_button", f"confirm/{self.confirm_token}"
        )

    def _send_mail(self, subject_key, intro_key, button_key, path):
        """E-mail the address given on the page a personal link, as a
        button, in the page's language, with the company's logo and name."""
        _version, _wording, page = self._texts()
        link = f"{self._base_url()}/social_crm/consent/{path}"
        body = self.env["ir.qweb"]._render(
            "social_crm.public_mail",
            {
                "company": self.company_id,
                "base_url": self._base_url(),
                "lang": self.lang,
                "paragraphs": [page[intro_key]],
                "button": page[button_key],
                "link": link,
                "fallback": page["link_fallback"],
                "notes": [page["mail_ignore"]] if subject_key == "mail_subject" else [],
                "privacy_label": page["privacy"],
            },
        )
        self.env["mail.mail"].sudo().create(
            {
                "email_to": self.email,
                "email_from": self.company_id.email_formatted or False,
                "subject": page[subject_key],
                "body_html": body,
                "auto_delete": True,
                # linked to the request, so that erasure finds it
                "model": self._name,
                "res_id": self.id,
            }
        )

    def _base_url(self):
        return self.env["ir.config_parameter"].sudo().get_param("web.base.url")

    def _confirm(self, ip_address):
        """Double opt-in done: the owner of the address pressed "Confirm"
        from ``ip_address``. Record the grant with its evidence (which moves
        the funnel on), propose the contact, and mail a personal link to
        withdraw.

        Who the grant is recorded on (the link may have been sent publicly,
        so whoever confirms it is only known to own the address):

        - identity not linked to a contact: the identity, and the contact
          with that address (the only one, else a new contact), which is
          proposed to an agent as a suggestion;
        - identity linked to a contact that has the address (its e-mail
          field): the identity and that contact;
        - identity linked to a contact that does not have the address: only
          the contact with that address (or a new one), proposed as a
          suggestion. Not the identity: its events count for its linked
          contact, which must not become contactable by somebody else's
          confirmation.
        """
        self.ensure_one()
        identity = self.identity_id
        linked = identity.partner_id
        on_identity = not linked or self.email in self._addresses(linked)
        partner = linked if on_identity and linked else self._find_or_create_partner()
        self.write(
            {
                "state": "confirmed",
                "confirmed_at": fields.Datetime.now(),
                "confirm_ip_address": ip_address,
                "partner_id": partner.id,
                "withdraw_token": secrets.token_urlsafe(32),
            }
        )
        self.consent_id = self._record("grant", ip_address, on_identity=on_identity)
        if partner != linked and partner not in identity.suggestion_ids.partner_id:
            # a suggestion, never a link: an agent confirms who this is
            reasons = self.env._(
                "Gave and confirmed %(email)s on the consent page.", email=self.email
            )
            if linked:
                reasons += " " + self.env._(
                    "The identity is linked to %(contact)s, who does not have this address: "
                    "the consent was recorded on the suggested contact only.",
                    contact=linked.display_name,
                )
            self.env["social_crm.suggestion"].sudo().create(
                {
                    "identity_id": identity.id,
                    "partner_id": partner.id,
                    "score": 0.9,
                    "reasons": reasons,
                }
            )
        self._send_mail(
            "done_subject", "done_intro", "done_button", f"withdraw/{self.withdraw_token}"
        )
        return self.consent_id

    @staticmethod
    def _addresses(partner):
        """The normalized e-mail addresses in ``partner``'s e-mail field."""
        return {email_normalize(e) for e in email_split(partner.email or "")} - {False}

    def _consent_expired(self):
        """Has the grant recorded by this request expired?"""
        self.ensure_one()
        expires_at = self.consent_id.expires_at
        return bool(expires_at and expires_at < fields.Datetime.now())

    def _withdraw(self, ip_address):
        """The person used their withdrawal link: withdrawn for the same
        people the grant was recorded on."""
        self.ensure_one()
        self.withdrawn_at = fields.Datetime.now()
        return self._record("withdraw", ip_address, on_identity=bool(self.consent_id.identity_id))

    def _record(self, event, ip_address, on_identity=True):
        version, wording, _page = self._texts()
        return (
            self.env["social_crm.consent"]
            .sudo()
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "identity_id": self.identity_id.id if on_identity else False,
                    "purpose": self.purpose,
                    "event": event,
                    "expires_at": fields.Datetime.now() + CONSENT_VALIDITY
                    if event == "grant"
                    else False,
                    "channel": "web_page",
                    "message_id": self.message_id.id,
                    "source_url": f"{self._base_url()}/social_crm/consent/{self.token}",
                    "wording_version": version,
                    "wording": wording,
                    "ip_address": ip_address,
                    "email": self.email,
                    "phone": self.phone,
                    "user_id": self.user_id.id,
                    "company_id": self.company_id.id,
                    "note": self.env._(
                        "Opt-in link sent as a %(how)s; e-mail address confirmed by its owner.",
                        how=dict(self._fields["sent_as"].selection)
                        .get(self.sent_as, self.env._("message"))
                        .lower(),
                    )
                    if event == "grant"
                    else False,
                }
            )
        )

    def _find_or_create_partner(self):
        Partner = self.env["res.partner"].sudo()
        found = Partner.search([("email_normalized", "=", self.email)])
        if len(found) == 1:
            return found
        identity = self.identity_id
        return Partner.create(
            {
                "name": identity.profile_name or identity.handle or self.email,
                "email": self.email,
                "phone": self.phone or False,
                "company_id": False,
                "social_crm_consent_page": True,
            }
        )
