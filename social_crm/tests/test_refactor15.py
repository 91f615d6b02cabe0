"""Issue 15, smaller models: one guard for every personal link's token."""

import secrets
from datetime import timedelta

from odoo import fields

from .common import SocialCrmCommon


class TestRefactor15Tokens(SocialCrmCommon):
    """``_from_token`` of the consent request, the review invitation and the
    photo campaign all go through ``_helpers.by_token``: the same guard (a
    URL-safe token of 16 to 64 characters) and the same lookup."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        identity = cls.env["social_crm.identity"].create(
            {"platform": "demo", "user_id": "demo-r15", "handle": "r15"}
        )
        cls.consent = (
            cls.env["social_crm.consent.request"]
            .sudo()
            .create(
                {
                    "identity_id": identity.id,
                    "company_id": cls.company.id,
                    "token": secrets.token_urlsafe(32),
                    "expires_at": fields.Datetime.now() + timedelta(days=1),
                }
            )
        )
        partner = cls.env["res.partner"].create({"name": "Tom Token", "email": "tom@example.com"})
        cls.review = (
            cls.env["social_crm.review"]
            .sudo()
            .create({"partner_id": partner.id, "company_id": cls.company.id})
        )
        cls.review.write({"state": "sent", "expires_at": fields.Datetime.now() + timedelta(days=1)})
        cls.campaign = cls.env["social_crm.content.campaign"].create(
            {"name": "Tokens", "hashtag": "#Tokens"}
        )

    def lookups(self):
        """(model, the record's own token, the record) for each personal link."""
        return [
            (self.env["social_crm.consent.request"], self.consent.sudo().token, self.consent),
            (self.env["social_crm.review"], self.review.sudo().access_token, self.review),
            (
                self.env["social_crm.content.campaign"],
                self.campaign.sudo().access_token,
                self.campaign,
            ),
        ]

    def test_every_issued_token_opens_its_own_record(self):
        for model, token, record in self.lookups():
            with self.subTest(model=model._name):
                self.assertTrue(16 <= len(token) <= 64, token)
                self.assertEqual(model._from_token(token), record)

    def test_one_guard_for_all_links(self):
        bad = [None, "", 5, "a" * 15, "a" * 65, "a" * 500, "x' OR 1=1 --aaaaaaaa", "ab/cd" * 5]
        for model, token, _record in self.lookups():
            for value in bad + [token[:-1] + "!", token + "A" * (65 - len(token))]:
                with self.subTest(model=model._name, value=value):
                    with self.assertQueryCount(0):
                        self.assertFalse(model._from_token(value))
