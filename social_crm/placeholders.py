"""Reply-template placeholders as a person reads them: ``{{ ... }}``
expressions become "[First name]", "[Handle]", "[personal link]"."""

import re


def _lt(text):
    """Marks ``text`` for the translation template (``make i18n``); the
    caller translates it when shown (``friendly(..., translate=env._)``)."""
    return text


PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
CHAIN = re.compile(r"\bobject((?:\.\w+)+)")

#: (test on the expression, label), first match wins
KNOWN = [
    (lambda e: "consent_link" in e, _lt("personal link")),
    (lambda e: "user.name" in e and "split" in e, _lt("Your first name")),
    (lambda e: "user.name" in e, _lt("Your name")),
    (
        lambda e: "split" in e and ("profile_name" in e or "identity_id.handle" in e),
        _lt("First name"),
    ),
]


def friendly(body, label_of=None, translate=str):
    """``body`` with every placeholder shown as ``[label]``. ``label_of``
    maps an ``object`` field chain (``["identity_id", "handle"]``) to a
    label, else the last field's name is shown; ``translate`` shows the
    known labels in the reader's language."""

    def label(match):
        expression = match.group(1).strip()
        for test, text in KNOWN:
            if test(expression):
                return f"[{translate(text)}]"
        chain = CHAIN.search(expression)
        if chain:
            path = chain.group(1).strip(".").split(".")
            text = (label_of(path) if label_of else "") or path[-1].replace("_", " ")
            return f"[{text}]"
        return "[…]"

    return PLACEHOLDER.sub(label, body or "")
