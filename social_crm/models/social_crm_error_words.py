"""Errors in the reader's language (issue 14).

A platform error is stored as words (``*_words``: ``{"key", "params",
"text"}``, see ``connectors/messages.py`` and ``_helpers.error_words``),
not as a sentence: a scheduled action runs as OdooBot, in English, and a
Dutch agent must still read Dutch. The text fields people see
(``error_message``, ``follower_error``, ``last_error``, the outgoing post's
``error``) are computed from the words in the reader's language. Writing
the text (``False`` to clear, or words of one's own) stores it as words
without a key, shown as written; so are sentences stored before this
version (see the 18.0.1.5.0 migration).
"""

from odoo import api, fields, models

from ._helpers import words_text


def _text_field(words, **kwargs):
    return fields.Text(
        compute=f"_compute_{words}",
        inverse=f"_inverse_{words}",
        store=False,
        readonly=True,
        copy=False,
        **kwargs,
    )


def _compute(words, text):
    @api.depends(words)
    @api.depends_context("lang")
    def compute(self):
        for record in self:
            record[text] = words_text(self.env, record[words]) or False

    return compute


def _inverse(words, text):
    def inverse(self):
        for record in self:
            record[words] = {"text": record[text]} if record[text] else False

    return inverse


class SocialCrmAccount(models.Model):
    _inherit = "social_crm.account"

    error_words = fields.Json(readonly=True, copy=False)
    error_message = _text_field("error_words")
    follower_error_words = fields.Json(readonly=True, copy=False)
    follower_error = _text_field("follower_error_words")

    _compute_error_words = _compute("error_words", "error_message")
    _inverse_error_words = _inverse("error_words", "error_message")
    _compute_follower_error_words = _compute("follower_error_words", "follower_error")
    _inverse_follower_error_words = _inverse("follower_error_words", "follower_error")


class SocialCrmStream(models.Model):
    _inherit = "social_crm.stream"

    last_error_words = fields.Json(readonly=True, copy=False)
    last_error = _text_field("last_error_words")

    _compute_last_error_words = _compute("last_error_words", "last_error")
    _inverse_last_error_words = _inverse("last_error_words", "last_error")


class SocialCrmOutbound(models.Model):
    _inherit = "social_crm.outbound"

    error_words = fields.Json(readonly=True, copy=False)
    error = _text_field("error_words")

    _compute_error_words = _compute("error_words", "error")
    _inverse_error_words = _inverse("error_words", "error")
