"""Small helpers shared by the models (not a model)."""

import logging
import re
import secrets
from urllib.parse import urlparse

import requests

from odoo.osv import expression
from odoo.tools import config

from ..connectors import ConnectorError
from ..connectors.messages import Message, render

_logger = logging.getLogger(__name__)


#: The value of a flow's context key. JSON-RPC carries JSON, never this
#: object, so a client cannot switch a write guard off by sending the key:
#: only server code that holds it can (``flow(records, key)``).
_FLOW = object()


def flow(records, key):
    """``records`` in the flow ``key``: the write guards that check
    ``in_flow(records, key)`` let the flow's own writes through."""
    return records.with_context(**{key: _FLOW})


def in_flow(records, key):
    """Was ``records``' environment set up by ``flow(records, key)`` on the
    server? A client that sends ``key`` over RPC sends a JSON value, which is
    never the sentinel."""
    return records.env.context.get(key) is _FLOW


def retry_time(error, now, transient_wait, error_wait):
    """When to try again after ``error``: when the platform said so, soon for
    passing trouble (``transient_wait``), later for what a person must fix."""
    if getattr(error, "retry_at", None):
        return max(error.retry_at, now)
    return now + (transient_wait if getattr(error, "transient", False) else error_wait)


class PlainError(Exception):
    """An unexpected error, in plain words (``str``), with the technical
    facts in ``detail`` (for administrators) and the words to store
    (``words``: ``{"key", "params", "text"}``, see :func:`error_words`)."""

    def __init__(self, message, detail="", words=None):
        super().__init__(message)
        self.detail = detail
        self.words = words or {"text": str(message)}


def run_guarded(env, what, work, on_failure, logger=_logger):
    """Run ``work()`` under a savepoint and return ``(result, None)``. On any
    error, roll the work back (a cursor written with it stays put), log it,
    hand it to ``on_failure`` and return ``(None, error)``: a scheduled
    action must not be deactivated by a platform's trouble or one bad batch.
    """
    try:
        with env.cr.savepoint():
            return work(), None
    except ConnectorError as exc:
        error = exc
        logger.info("social_crm: %s: %s", what, error)
    except Exception as exc:  # pylint: disable=broad-except
        logger.exception("social_crm: %s failed", what)
        # never a repr for users: our words, the facts for administrators
        words, detail = error_words(env, exc, env._("the platform"))
        error = PlainError(words_text(env, words), detail, words)
        error.__cause__ = exc
    on_failure(error)
    return None, error


#: secrets a URL in an exception's text may carry (query strings)
_SECRET_PARAMS = re.compile(r"((?:access_token|appsecret_proof|token|key|secret)=)[^&\s'\"]+", re.I)


def error_place(platform_label, server_url=""):
    """Where a platform call goes, as a person says it: the server's host
    name (``mastodon.social``) when the account has one, else the platform."""
    url = (server_url or "").strip()
    if url and "://" not in url:
        url = f"https://{url}"
    return urlparse(url).hostname or platform_label if url else platform_label


def words_text(env, words):
    """Stored error words (``{"key", "params", "text"}``, or ``{"text"}`` for
    words stored before keys) as a sentence in the reader's language
    (``env.lang``): the catalogue's template (``connectors/messages.py``)
    through ``env._``, so ``social_crm/i18n/*.po`` translates it."""
    # env._ finds the module's translations from its caller: this module
    return render(words, lambda template, **params: env._(template, **params))


def error_words(env, error, place):
    """``(words, detail)`` about ``error`` for the people who see it.

    ``words`` (``{"key", "params", "text"}``, JSON: store it, render it with
    :func:`words_text` in the reader's language) say in plain words what
    failed and what to do, for every user: never a repr, an exception's
    class or a platform's own words. ``detail`` holds those technical facts
    (class, status, code, the platform's text from
    :attr:`ConnectorError.detail`), for administrators only (store it in a
    field with ``groups="base.group_system"``).
    """
    root = error
    while isinstance(root.__cause__, ConnectorError):
        root = root.__cause__  # re-raised with more words (outbound: "may have been posted")
    cause = root.__cause__ if isinstance(root, ConnectorError) else root
    key = getattr(root, "key", "") if isinstance(root, ConnectorError) else ""
    if isinstance(cause, requests.Timeout) or key == "timeout":
        words = Message("place_timeout", place=place).to_json()
    elif isinstance(cause, requests.RequestException) or key.startswith("unreachable"):
        words = Message("place_unreachable", place=place).to_json()
    elif isinstance(root, ConnectorError):
        words = root.words()  # the connectors' own plain words
    elif isinstance(root, PlainError):
        words = root.words
    else:
        words = Message("unexpected").to_json()
    if error is not root and isinstance(error, ConnectorError):
        words = _wrapped(error, root, words)
    if isinstance(root, PlainError):
        return words, root.detail
    facts = [type(root).__name__]
    if cause is not None and cause is not root:
        facts.append(type(cause).__name__)
    if getattr(root, "status", None):
        facts.append(f"status {root.status}")
    if getattr(root, "code", ""):
        facts.append(f"code {root.code}")
    text = getattr(root, "detail", "") or (str(cause) if cause is not None else "") or str(root)
    facts.append(_SECRET_PARAMS.sub(r"\1***", text))
    return words, ": ".join(f for f in facts if f)


def _wrapped(error, root, words):
    """The words of ``error``, which re-raised ``root`` with more words
    (``Message("maybe_posted", error=...)``): ``root``'s words (as
    :func:`error_words` chose them) inside ``error``'s."""
    if error.key and "error" in error.params:
        outer = error.words()
        outer["params"]["error"] = {k: v for k, v in words.items() if k != "text"}
        outer["text"] = render(outer)
        return outer
    more = str(error)[len(str(root)) :] if str(error).startswith(str(root)) else ""
    return {"text": f"{render(words)}{more}"} if more else words


def human_error(env, error, place):
    """``(sentence, detail)`` about ``error``: :func:`error_words`, the
    sentence in the reader's language."""
    words, detail = error_words(env, error, place)
    return words_text(env, words), detail


def error_text(env, error):
    """A connector error's own plain words in the reader's language (for a
    message raised in the user's request)."""
    if isinstance(error, ConnectorError):
        return words_text(env, error.words())
    return str(error)


def count_by(records, model, field):
    """``{record: n}``: how many ``model`` rows point to each of ``records``
    through ``field``, in one grouped query."""
    return dict(records.env[model]._read_group([(field, "in", records.ids)], [field], ["__count"]))


def company_link(records, identity_field):
    """Compute ``partner_id`` of ``records``: the contact that each record's
    company linked its identity (``identity_field``) to. The link is per
    company (``social_crm.identity.partner_id`` is company-dependent), so a
    post, conversation or follower shows its own company's contact only."""
    for record in records:
        identity = record[identity_field]
        company = record.company_id or record.env.company
        linked = identity.sudo().with_company(company).partner_id
        record.partner_id = linked.id or False


def client_ip(httprequest):
    """The address of the client that sent ``httprequest``, for evidence.

    Behind a reverse proxy ``remote_addr`` is the proxy's. With Odoo's
    ``proxy_mode`` on, Odoo applies werkzeug's ProxyFix (one trusted hop) only
    when the proxy also sends ``X-Forwarded-Host``; without it, take the
    client address the same way: the last hop of ``X-Forwarded-For``, the one
    our own proxy appended (earlier hops are whatever the client claimed).
    Without ``proxy_mode`` the header is ignored: anyone could send it.
    """
    remote = httprequest.remote_addr
    if config.get("proxy_mode") and "werkzeug.proxy_fix.orig" not in httprequest.environ:
        hops = [hop.strip() for hop in httprequest.headers.get("X-Forwarded-For", "").split(",")]
        if hops[-1]:
            return hops[-1]
    return remote


def company_manager(env, company):
    """A Social CRM manager of ``company``, to own work nobody else owns."""
    managers = env.ref("social_crm.group_social_crm_manager").users
    return managers.filtered(lambda u: company in u.company_ids and not u.share)[:1]


#: the client action that reloads the current view
SOFT_RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}


def notification(message, kind="info", *, sticky=False, then=None, title=None):
    """A client action showing ``message`` (kind: info, success, warning or
    danger), followed by the action ``then`` (e.g. SOFT_RELOAD)."""
    params = {"message": message, "type": kind, "sticky": sticky}
    if then:
        params["next"] = dict(then)  # a copy: SOFT_RELOAD is shared
    if title:
        params["title"] = title
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}


def window_action(records, xmlid, field):
    """The window action ``xmlid`` restricted to rows whose ``field`` is in ``records``."""
    action = records.env["ir.actions.act_window"]._for_xml_id(xmlid)
    action["domain"] = [(field, "in", records.ids)]
    return action


ERASED = "[erased]"

#: what the classifier says of a post (social_crm.classify), as selections
SENTIMENTS = [("negative", "Negative"), ("neutral", "Neutral"), ("positive", "Positive")]
INTENTS = [
    ("complaint", "Complaint"),
    ("question", "Question"),
    ("praise", "Praise"),
    ("other", "Other"),
]


def contains_any(text, needles):
    """Does ``text`` contain one of ``needles`` (case-insensitive)?"""
    text = (text or "").casefold()
    return any(needle.casefold() in text for needle in needles if needle)


def link_key(record):
    """A Message-Id for a chatter copy made on another record for
    ``record`` (a post quoted on a lead, an identity's link logged on a
    contact): erasure finds the copy by this link, never by its text."""
    tag = record._name.replace("_", "-")
    return f"<{tag}-{record.id}-{secrets.token_hex(8)}@social-crm>"


def linked_copies(records):
    """The chatter messages stamped ``link_key(record)`` for one of ``records``."""
    Message = records.env["mail.message"].sudo()
    if not records:
        return Message
    tag = records._name.replace("_", "-")
    # the pattern is built from the model name and integer ids: no wildcard from text
    return Message.search(
        expression.OR([[("message_id", "=like", f"<{tag}-{rid}-%")] for rid in records.ids])
    )


def blank_messages(messages):
    """Blank these chatter messages (body, tracking values, sender,
    subject, attached files such as the images of a reply) and drop the
    e-mails queued for them.

    :return: how many messages were blanked
    """
    messages = messages.sudo().exists()
    if not messages:
        return 0
    messages.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)]).unlink()
    messages = messages.exists()
    messages.tracking_value_ids.unlink()
    messages.attachment_ids.unlink()
    messages.write({"body": ERASED, "email_from": False, "subject": False})
    return len(messages)


def record_messages(records):
    """The chatter messages of ``records`` (by model and res_id)."""
    return (
        records.env["mail.message"]
        .sudo()
        .search([("model", "=", records._name), ("res_id", "in", records.ids)])
    )


def forget_record_names(records):
    """Messages copy their record's name (and put it in their reply-to):
    blank those copies once the record's name was erased."""
    record_messages(records).write({"record_name": ERASED, "reply_to": False})


def drop_linked_mail(records):
    """Delete the e-mails still queued about ``records`` (by model and res_id)."""
    mails = records.env["mail.mail"].sudo()
    if records:
        mails.search([("model", "=", records._name), ("res_id", "in", records.ids)]).unlink()


#: the public links' tokens are ``secrets.token_urlsafe(16)`` (22 characters)
#: or ``token_urlsafe(32)`` (43): anything else is not looked up at all
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def by_token(model, token, field="access_token"):
    """The record of ``model`` whose ``field`` holds ``token``, read as
    superuser for a public page, or an empty recordset. The one guard for
    every personal link: a URL-safe token of 16 to 64 characters."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return model.browse()
    return model.sudo().search([(field, "=", token)], limit=1)
