"""The language of the public pages (reviews, photo campaign): the visitor's.

Odoo keeps the language of a visitor's first request in their session, and
maps ``nl-BE`` to ``nl_BE`` only; these pages instead follow the browser's
``Accept-Language`` on every request, matched to an installed language by
its code or by its first part (``nl-BE`` -> ``nl_NL``), else English."""

import functools

from odoo.http import request


def visitor_lang():
    """The code of the installed language the visitor's browser prefers most,
    or ``en_US``."""
    installed = [code for code, _name in request.env["res.lang"].get_installed()]
    for value, _quality in request.httprequest.accept_languages:
        wanted = value.replace("-", "_")
        for code in installed:
            if code.lower() == wanted.lower():
                return code
        first = wanted.split("_")[0].lower()
        # the language's main country first (nl_NL before nl_BE)
        for code in sorted(installed, key=lambda c: c.split("_")[-1].lower() != first):
            if code.split("_")[0].lower() == first:
                return code
    return "en_US"


def visitor_language(handler):
    """Decorate a route handler (under ``@http.route``) so that its page,
    its messages and its "not valid" page are in :func:`visitor_lang`."""

    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        request.update_context(lang=visitor_lang())
        return handler(*args, **kwargs)

    return wrapper
