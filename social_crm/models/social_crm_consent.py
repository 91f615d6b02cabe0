from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .. import funnel
from ._helpers import in_flow

CHANNELS = [
    ("web_page", "Consent page (double opt-in)"),
    ("social", "Social post or direct message"),
    ("email", "E-mail"),
    ("phone", "Phone call"),
    ("in_person", "In person"),
]

#: the fields erasure may blank; everything else is evidence and never changes
ERASABLE = {"identity_id", "message_id", "ip_address", "email", "phone", "source_url", "note"}


class SocialCrmConsent(models.Model):
    """One consent event: a grant or a withdrawal, with its evidence.

    Append-only. Nobody edits or deletes an event (erasure only blanks the
    personal details of the evidence); a withdrawal is a new event. The
    current status of a person for a purpose is read from their latest event
    and its expiry (``_status``).
    """

    _name = "social_crm.consent"
    _description = "Social CRM consent event"
    _order = "event_date desc, id desc"
    _rec_name = "purpose"

    partner_id = fields.Many2one("res.partner", "Contact", readonly=True, index="btree_not_null")
    identity_id = fields.Many2one(
        "social_crm.identity", readonly=True, index="btree_not_null", ondelete="set null"
    )
    purpose = fields.Selection(funnel.PURPOSES, required=True, readonly=True, index=True)
    event = fields.Selection(
        [("grant", "Granted"), ("withdraw", "Withdrawn")], required=True, readonly=True
    )
    event_date = fields.Datetime(
        "When", required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    expires_at = fields.Datetime("Expires", readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    message_id = fields.Many2one(
        "social_crm.message", "Post or message", readonly=True, ondelete="set null"
    )
    source_url = fields.Char("Page", readonly=True)
    wording_version = fields.Char(readonly=True)
    wording = fields.Text("Wording shown", readonly=True)
    ip_address = fields.Char("IP address", readonly=True)
    email = fields.Char("E-mail given", readonly=True)
    phone = fields.Char("Phone given", readonly=True)
    note = fields.Text(readonly=True)
    user_id = fields.Many2one(
        "res.users", "Agent", readonly=True, default=lambda self: self.env.user
    )
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, default=lambda self: self.env.company
    )

    @api.constrains("partner_id", "identity_id", "event", "channel", "wording", "message_id")
    def _check_evidence(self):
        # erasure blanks the person's details (the post, the page, the note);
        # the event, its wording and its channel stay and are always checked
        erasing = in_flow(self, "social_crm_erasure")
        for consent in self:
            if consent.event != "grant":
                continue
            if not consent.wording or not consent.wording_version:
                raise ValidationError(
                    self.env._("A consent needs the exact wording the person agreed to.")
                )
            if consent.purpose == "commercial" and consent.channel != "web_page":
                raise ValidationError(
                    self.env._(
                        "Consent for commercial messages is granted only by double opt-in: "
                        "send the person the consent link."
                    )
                )
        if erasing:
            return
        for consent in self:
            if not consent.partner_id and not consent.identity_id:
                raise ValidationError(self.env._("A consent event needs a contact or an identity."))
            if consent.event != "grant":
                continue
            if consent.channel == "social" and not consent.message_id:
                raise ValidationError(
                    self.env._("A consent given on social media needs the post as evidence.")
                )
            if consent.channel == "web_page" and not consent.source_url:
                raise ValidationError(self.env._("A consent given on a page needs its address."))
            if consent.channel not in ("web_page", "social") and not consent.note:
                raise ValidationError(
                    self.env._("Describe how the consent was given (who, when, what was said).")
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("channel") == "web_page" for vals in vals_list):
            # only the consent page itself records what happened on it
            raise AccessError(
                self.env._("Consent given on the consent page is recorded by the page itself.")
            )
        consents = super().create(vals_list)
        consents._apply()
        return consents

    def write(self, vals):
        if not in_flow(self, "social_crm_erasure") or set(vals) - ERASABLE:
            raise UserError(
                self.env._(
                    "Consent evidence cannot be changed. To withdraw consent, record a withdrawal."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_for_erasure(self):
        if not in_flow(self, "social_crm_erasure"):
            raise UserError(self.env._("Consent evidence cannot be deleted."))

    # ------------------------------------------------------------------
    # Status
    # ------------------------------------------------------------------
    @api.model
    def _status(self, purpose, partners=None, identities=None):
        """``{record: status}`` for ``partners`` or ``identities`` (one of the
        two): the status given by the latest event of the person for
        ``purpose`` recorded by ``env.company``. A partner's events include
        those of its identities, and an identity's those of its contact (both
        links as that company made them)."""
        records = partners if partners is not None else identities
        if not records:
            return {}
        if partners is not None:
            people = {p.id: p for p in partners}
            ids = partners.social_identity_ids
            domain = ["|", ("partner_id", "in", partners.ids), ("identity_id", "in", ids.ids)]
        else:
            people = {i.id: i for i in identities}
            domain = [
                "|",
                ("identity_id", "in", identities.ids),
                ("partner_id", "in", identities.partner_id.ids),
            ]
        events = self.sudo().search(
            domain + [("purpose", "=", purpose), ("company_id", "=", self.env.company.id)]
        )
        keyed = []
        for event in events:
            if partners is not None:
                keys = {event.partner_id.id, event.identity_id.partner_id.id}
            else:
                keys = {event.identity_id.id} | {
                    i.id
                    for i in identities
                    if event.partner_id and i.partner_id == event.partner_id
                }
            keyed += [(key, event.event_date, event.id, event) for key in keys if key in people]
        latest = funnel.latest_per_key(keyed)
        now = fields.Datetime.now()
        return {
            record: funnel.consent_status(
                latest[record.id].event if record.id in latest else None,
                latest[record.id].expires_at if record.id in latest else None,
                now,
            )
            for record in records
        }

    # ------------------------------------------------------------------
    # Honouring an event
    # ------------------------------------------------------------------
    def _people(self):
        identities = self.identity_id | self.partner_id.social_identity_ids
        partners = self.partner_id | identities.partner_id
        return partners, identities

    def _apply(self):
        """Honour new events everywhere: blacklist on withdrawal, the
        contactable flags of identities and contacts, their leads, the
        funnel on a grant for commercial messages, and photo entries on a
        withdrawal of content reuse; each in the event's company."""
        for company in self.company_id:
            self.filtered(lambda c, co=company: c.company_id == co).with_company(
                company
            )._apply_in_company()
        self.filtered(lambda c: not c.company_id)._apply_in_company()

    def _apply_in_company(self):
        if not self:
            return
        for model in ("res.partner", "social_crm.identity"):
            self.env[model].invalidate_model(
                [f"social_crm_consent_{purpose}" for purpose, _label in funnel.PURPOSES]
            )
        commercial = self.filtered(lambda c: c.purpose == "commercial")
        for consent in commercial.filtered(lambda c: c.event == "withdraw"):
            consent._blacklist()
        for consent in commercial.filtered(lambda c: c.event == "grant"):
            identities = consent.identity_id | consent.partner_id.social_identity_ids
            identities._funnel_advance(
                "consented", "consent", message=consent.message_id, company=self.env.company
            )
        if commercial:
            commercial._sync_contactable()
        reuse_withdrawn = self.filtered(
            lambda c: c.purpose == "content_reuse" and c.event == "withdraw"
        )
        if reuse_withdrawn:
            # "stop using my photos": every granted entry of theirs goes offline
            self.env["social_crm.content"].sudo()._rights_withdrawn(
                reuse_withdrawn._people()[1], reuse_withdrawn
            )

    def _sync_contactable(self):
        """Set the logged "contactable" flags from the current status."""
        self._write_contactable(*self._people())

    @api.model
    def _write_contactable(self, partners, identities):
        partners, identities = partners.sudo(), identities.sudo()
        for records in (partners, identities):
            status = self._status(
                "commercial", **{"partners" if records is partners else "identities": records}
            )
            for record, state in status.items():
                ok = state == "granted"
                if record.social_crm_contactable != ok:
                    record.social_crm_contactable = ok
        leads = (
            self.env["crm.lead"]
            .sudo()
            .search(
                [
                    ("company_id", "in", [False, self.env.company.id]),
                    "|",
                    ("partner_id", "in", partners.ids),
                    ("social_crm_identity_id", "in", identities.ids),
                ]
            )
        )
        leads._social_crm_sync_marketing()

    def _blacklist(self):
        """Withdrawn commercial consent: no more e-mail or text messages."""
        self.ensure_one()
        partners, _identities = self._people()
        because = self.env._(
            "Consent for commercial messages withdrawn (Social CRM, %(channel)s, %(date)s).",
            channel=dict(CHANNELS)[self.channel],
            date=fields.Datetime.to_string(self.event_date),
        )
        emails = {e for e in partners.mapped("email") + [self.email] if e}
        for email in emails:
            self.env["mail.blacklist"].sudo()._add(email, message=because)
        PhoneBlacklist = self.env.get("phone.blacklist")
        if PhoneBlacklist is None:
            return
        given = [(self.env.user, self.phone)]
        given += [(p, n) for p in partners for n in (p.phone, p.mobile)]
        numbers = {owner._phone_format(number=n) for owner, n in given if n} - {False}
        if numbers:
            PhoneBlacklist.sudo()._add(sorted(numbers), message=because)

    @api.model
    def _cron_expire(self):
        """Scheduled action: clear the contactable flags of people whose
        consent expired."""
        done = 0
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            Consent = self.with_company(company)
            partners = Consent.env["res.partner"].search([("social_crm_contactable", "=", True)])
            identities = Consent.env["social_crm.identity"].search(
                [("social_crm_contactable", "=", True)]
            )
            Consent._write_contactable(partners, identities)
            done += len(partners) + len(identities)
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
