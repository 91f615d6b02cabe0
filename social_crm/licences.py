"""Photo licences: what a photo's own licence allows a photo campaign to do.

Plain Python (no Odoo). The table holds Flickr's licences by the id that
``flickr.photos.licenses.getInfo`` gives them (ids 0 to 16, as Flickr listed
them in the recording bundled in tests/fixtures/recorded/flickr), with what
each allows:

- CC BY and CC BY-SA (2.0 and 4.0): reuse, also commercial, with attribution;
  CC BY-SA asks that adaptations keep the licence, which a crop for a banner
  is, so we credit the licence with it.
- NC ("non-commercial"): a company's campaign is commercial use, so no.
- ND ("no derivatives"): shown as it is, yes; cropped, no.
- CC0 and the Public Domain Mark: free; we still credit the author.
- 0 "All Rights Reserved": only the author's own yes.
- 7 "No known copyright restrictions" (Flickr Commons) is a statement by an
  institution, not a licence; 8 "United States Government Work" is public
  domain in the United States only. Both need the author's yes here.

:func:`decide` turns a licence id and the campaign's use into a decision:
``grant`` (with the attribution to show) or ``ask`` (the usual rights
request, with the reason).
"""

import dataclasses


def _lt(text):
    """Marks ``text`` for the translation template; the caller translates it
    when shown (``env._(reason)``)."""
    return text


@dataclasses.dataclass(frozen=True)
class Licence:
    """One licence as the campaign reads it."""

    id: str
    name: str
    url: str
    #: a licence at all (7 and 8 are statements, 0 reserves every right)
    is_licence: bool = True
    #: commercial use allowed (no NC)
    commercial: bool = False
    #: adaptations, such as a crop, allowed (no ND)
    derivatives: bool = False
    #: adaptations must keep the licence (SA)
    share_alike: bool = False
    #: the author must be credited (BY); CC0 and PDM do not require it
    attribution: bool = True


def _cc(id_, code, version):
    parts = code.split("-")
    return Licence(
        id=id_,
        name=f"CC {code.upper()} {version}",
        url=f"https://creativecommons.org/licenses/{code}/{version}/",
        commercial="nc" not in parts,
        derivatives="nd" not in parts,
        share_alike="sa" in parts,
    )


#: Flickr's licences by id (flickr.photos.licenses.getInfo)
FLICKR_LICENCES = {
    "0": Licence(
        "0",
        "All Rights Reserved",
        "https://www.flickrhelp.com/hc/en-us/articles/10710266545556-Using-Flickr-images-shared-by-other-members",
        is_licence=False,
    ),
    "1": _cc("1", "by-nc-sa", "2.0"),
    "2": _cc("2", "by-nc", "2.0"),
    "3": _cc("3", "by-nc-nd", "2.0"),
    "4": _cc("4", "by", "2.0"),
    "5": _cc("5", "by-sa", "2.0"),
    "6": _cc("6", "by-nd", "2.0"),
    "7": Licence(
        "7",
        "No known copyright restrictions",
        "https://www.flickr.com/commons/usage/",
        is_licence=False,
    ),
    "8": Licence(
        "8",
        "United States Government Work",
        "https://www.usa.gov/government-copyright",
        is_licence=False,
    ),
    "9": Licence(
        "9",
        "Public Domain Dedication (CC0)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        commercial=True,
        derivatives=True,
        attribution=False,
    ),
    "10": Licence(
        "10",
        "Public Domain Mark",
        "https://creativecommons.org/publicdomain/mark/1.0/",
        commercial=True,
        derivatives=True,
        attribution=False,
    ),
    "11": _cc("11", "by", "4.0"),
    "12": _cc("12", "by-sa", "4.0"),
    "13": _cc("13", "by-nd", "4.0"),
    "14": _cc("14", "by-nc", "4.0"),
    "15": _cc("15", "by-nc-sa", "4.0"),
    "16": _cc("16", "by-nc-nd", "4.0"),
}

#: the reasons of an ``ask``, in our words (translated when shown)
REASON_RESERVED = _lt("All rights reserved: only the author's yes allows the campaign to use it.")
REASON_NOT_LICENCE = _lt(
    "'%(licence)s' is not a licence: only the author's yes allows the campaign to use it."
)
REASON_NC = _lt("%(licence)s forbids commercial use, which a company's campaign is.")
REASON_ND = _lt("%(licence)s forbids adaptations, and this campaign crops its photos.")
REASON_UNKNOWN = _lt("The photo's licence (%(licence)s) is unknown: ask the author.")


@dataclasses.dataclass(frozen=True)
class Decision:
    """What the campaign may do with a photo, by its licence alone."""

    #: ``"grant"`` (the licence allows the use) or ``"ask"`` (request the rights)
    action: str
    licence: Licence
    #: why we must ask (a template with ``%(licence)s``); "" when granted
    reason: str = ""

    @property
    def granted(self):
        return self.action == "grant"


def licence(licence_id, platform="flickr"):
    """The :class:`Licence` of ``licence_id``, or None when unknown."""
    if platform != "flickr":
        return None
    return FLICKR_LICENCES.get(str(licence_id if licence_id is not None else "").strip())


def decide(licence_id, crops=True, platform="flickr"):
    """Does the photo's licence allow a company's photo campaign to use it
    (commercially, cropped when ``crops``)?

    >>> decide("4").action
    'grant'
    >>> decide("0").action, decide("2").action, decide("7").action
    ('ask', 'ask', 'ask')
    >>> decide("6", crops=True).action, decide("6", crops=False).action
    ('ask', 'grant')
    """
    found = licence(licence_id, platform)
    if found is None:
        unknown = Licence(str(licence_id or ""), str(licence_id or "?"), "", is_licence=False)
        return Decision("ask", unknown, REASON_UNKNOWN)
    if found.id == "0":
        return Decision("ask", found, REASON_RESERVED)
    if not found.is_licence:
        return Decision("ask", found, REASON_NOT_LICENCE)
    if not found.commercial:
        return Decision("ask", found, REASON_NC)
    if crops and not found.derivatives:
        return Decision("ask", found, REASON_ND)
    return Decision("grant", found)


def attribution(licence_, title="", author="", url=""):
    """The credit to show with a photo: title, author, source and licence
    (the TASL form Creative Commons recommends).

    >>> attribution(FLICKR_LICENCES["4"], "Canal", "Anna de Vries", "https://flic.kr/p/1")
    '"Canal" by Anna de Vries (https://flic.kr/p/1), CC BY 2.0 (https://creativecommons.org/licenses/by/2.0/)'
    """
    title = " ".join((title or "").split())
    author = " ".join((author or "").split())
    what = f'"{title}"' if title else "Photo"
    parts = [what]
    if author:
        parts.append(f"by {author}")
    if url:
        parts.append(f"({url})")
    credit = " ".join(parts)
    licence_part = licence_.name + (f" ({licence_.url})" if licence_.url else "")
    return f"{credit}, {licence_part}"
