"""Match social identities to partners: plain Python, no Odoo.

Given a profile (handle, display name, bio, URL, location, the person's texts)
and partner records, :func:`match` proposes candidates with a score in [0, 1]
and human-readable reasons, and decides:

- ``"link"`` only when the platform user id is already stored on exactly one
  partner for that platform, or a handle stored without a user id (typed on
  the contact before its account posted) while no other user id is known for
  that handle. Handles are recycled: a handle stored with another user id is
  only a suggestion ("handle now used by another account"). Nothing typed by
  the poster (an e-mail, phone, customer number in a bio, post or DM) links on
  its own: anyone can type someone else's customer number. A one-time-code
  round trip is the other way to link; the Odoo side handles it.
- An identifier in the public profile (bio, URL) under a name that disagrees
  with the partner's is a warning sign of impersonation, scored low and said
  so; one the poster typed to us in a post or DM keeps its weight.
- ``"suggest"`` when evidence points to partners an agent should confirm.
- ``"none"`` otherwise. A name alone never links, and a common name shared
  by several partners is weakened in proportion.

The name is read from everything that shows it: the display name (titles,
emoji and decorations such as "| Utrecht" dropped), the handle and the local
part of a typed e-mail address ("jdevries72", "j.devries@..."), a first name
shown alone with a surname spelled in the handle. A contact stored with only
an initial counts as the chance that the initial stands for the first name
shown; a city in the location favours the namesakes who live there.

The platform's ``verified`` flag is not identity evidence.
"""

import dataclasses
import functools
import re
import unicodedata
from collections import defaultdict

from .profile import Profile  # noqa: F401 (the type match() takes)

#: score given by each kind of evidence (combined with a noisy-OR)
WEIGHTS = {
    "social": 1.0,
    "email": 0.9,
    "phone": 0.85,
    "ref": 0.85,
    "domain": 0.45,
    "name": 0.55,
    "city": 0.15,
    # a handle stored with another platform user id: the handle was recycled
    "handle_reused": 0.5,
    # a customer's identifier in a public bio under another name: impersonation?
    "public_mismatch": 0.3,
}
SUGGEST_THRESHOLD = 0.3
MAX_CANDIDATES = 5
#: when the location names a city where a name candidate lives, a contact the
#: name fits who lives elsewhere counts for this much (people move, or name
#: the city they work in)
CITY_ELSEWHERE = 0.7
#: other names of a city, folded: the first is looked for, the second found
PLACE_ALIASES = {
    "s gravenhage": "den haag",
    "the hague": "den haag",
    "s hertogenbosch": "den bosch",
    "hertogenbosch": "den bosch",
}

PARTICLES = {
    "van",
    "der",
    "den",
    "de",
    "het",
    "ten",
    "ter",
    "te",
    "t",
    "in",
    "op",
    "d",
    "la",
    "le",
    "du",
    "des",
    "von",
    "zu",
    "vd",
    "v",
    "da",
    "di",
    "del",
    "dos",
    "el",  # El Amrani, El Idrissi
    "o",  # O'Brien
}
TITLES = {
    "dhr",
    "mevr",
    "mw",
    "mevrouw",
    "heer",
    "hr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "drs",
    "ir",
    "ing",
    "prof",
    "sir",
    "dame",
    "mx",
    "jr",
    "sr",
    "bsc",
    "msc",
    "phd",
    "official",
    "real",
    "the",
}
COMPANY_SUFFIXES = {
    "bv",
    "nv",
    "vof",
    "cv",
    "ltd",
    "limited",
    "inc",
    "llc",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "plc",
    "co",
    "corp",
    "company",
    "holding",
    "group",
    "groep",
}
#: nickname -> formal given name (Dutch and English)
NICKNAMES = {
    "bob": "robert",
    "rob": "robert",
    "bobby": "robert",
    "robbie": "robert",
    "bill": "william",
    "will": "william",
    "willy": "william",
    "liam": "william",
    "wim": "willem",
    "pim": "willem",
    "jim": "james",
    "jimmy": "james",
    "mike": "michael",
    "mick": "michael",
    "chris": "christopher",
    "kate": "katherine",
    "katie": "katherine",
    "kathy": "katherine",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "betty": "elizabeth",
    "lisa": "elizabeth",
    "jenny": "jennifer",
    "jen": "jennifer",
    "tom": "thomas",
    "tommy": "thomas",
    "dick": "richard",
    "rick": "richard",
    "rich": "richard",
    "ben": "benjamin",
    "sam": "samuel",
    "alex": "alexander",
    "sasha": "alexander",
    "dave": "david",
    "dan": "daniel",
    "danny": "daniel",
    "steve": "stephen",
    "tony": "anthony",
    "joe": "joseph",
    "nick": "nicholas",
    "kees": "cornelis",
    "cor": "cornelis",
    "joop": "johannes",
    "hans": "johannes",
    "jan": "johannes",
    "johan": "johannes",
    "piet": "pieter",
    "klaas": "nicolaas",
    "henk": "hendrik",
    "rik": "hendrik",
    "jos": "josephus",
    "sjaak": "jacobus",
    "jaap": "jacob",
    "koos": "jacobus",
    "toon": "antonius",
    "ton": "antonius",
    "guus": "augustinus",
    "gert": "gerardus",
    "gerrit": "gerardus",
    "ger": "gerardus",
    "bert": "albertus",
    "ab": "albertus",
    "dirk": "theodorus",
    "ruud": "rudolf",
    "truus": "geertruida",
    "trudy": "geertruida",
    "mieke": "maria",
    "marieke": "maria",
    "ria": "maria",
    "rie": "maria",
    "mies": "maria",
    "annie": "anna",
    "anneke": "anna",
    "hanneke": "johanna",
    "hanna": "johanna",
    "jo": "johanna",
    "lies": "elisabeth",
    "liesbeth": "elisabeth",
    "els": "elisabeth",
    "betsy": "elisabeth",
    "cato": "catharina",
    "tineke": "martina",
    "nel": "petronella",
    "nelleke": "petronella",
    "toos": "catharina",
    "willemijn": "wilhelmina",
    "mina": "wilhelmina",
    "greet": "margaretha",
    "grietje": "margaretha",
    "maggie": "margaret",
    "peggy": "margaret",
    "meg": "margaret",
    "bram": "abraham",
    "joep": "johannes",
    "thijs": "matthijs",
    "sjef": "josephus",
}
#: common given names (Dutch, English, Turkish and Moroccan Dutch) besides
#: those above: the letters beside a surname in a handle that are one of
#: these, or of the candidates' first names, are a first name
COMMON_FIRST_NAMES = frozenset(
    """
    aafke aart abdel adam adrianus adriaan ahmed aisha albert alexandra ali alida amber
    amy andre andrea angela anja anne anneke annemarie anouk antoon arie arjen arnold
    aron ayla aylin bart bas bastiaan bea bernard boris bram bregje bruno carla carolien
    caroline charlotte chantal chloe christiaan claudia coen corrie daan daniel david
    debby demi dennis diana dick dirk dominique edwin eefje elif elise ellen els emily
    emma emre erik esra esther eva evert evi fatima fatma femke finn fleur floor frank
    frans frederik freek gerard gert gijs gerda hanna hannah hasan hein helen henk
    herman hilde hugo ilse inge ingrid iris isa isabel ivo jacob jacqueline jan janneke
    jasper jeroen jesse jessica jill joanna joost jordy joris jorrit josje julia julian
    justin kaj karin karel kevin khadija kim klaas koen kristel lars laura lieke linda
    lisa liam lotte louis lucas luuk lynn maarten mandy manon marco marcel marjolein
    mark martijn martin mary max meryem mila milan mirjam mohamed monique nadia naomi
    nick niek niels nina noah noor olivia olaf patrick paul peter petra pieter quinten
    rachel ralph remco renee richard rik rob robin roel roos rosa ruben rutger ruud
    sam samira sander sandra sanne sara sarah sem sebastiaan simon sofie sophie stefan
    stijn suzanne sven tess teun thijs thomas tim tom ton valerie vera victor vincent
    wendy wessel willem wim wouter yara yasmin yusuf zara zeynep zoe
    """.split()
)
#: the formal given names above: a word shown alone that is one is a first name
FORMAL_NAMES = frozenset(NICKNAMES.values())
#: words known to be first names
KNOWN_FIRST_NAMES = FORMAL_NAMES | frozenset(NICKNAMES) | COMMON_FIRST_NAMES
FREEMAIL = {
    "gmail.com",
    "hotmail.com",
    "hotmail.nl",
    "outlook.com",
    "outlook.nl",
    "live.nl",
    "live.com",
    "yahoo.com",
    "yahoo.nl",
    "icloud.com",
    "me.com",
    "ziggo.nl",
    "kpnmail.nl",
    "planet.nl",
    "home.nl",
    "xs4all.nl",
    "casema.nl",
    "upcmail.nl",
    "msn.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "gmx.net",
    "mail.com",
    "example.com",
}
SOCIAL_HOSTS = {
    "x.com",
    "twitter.com",
    "facebook.com",
    "instagram.com",
    "bsky.app",
    "mastodon.social",
    "linkedin.com",
    "flickr.com",
    "t.co",
    "youtube.com",
    "tiktok.com",
    "linktr.ee",
    "social.example",
}

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
URL_RE = re.compile(r"(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:/\S*)?", re.I)
PHONE_RE = re.compile(r"(?<![\w])(?:\+|00)?\d[\d\s().-]{7,16}\d(?![\w])")
REF_RE = re.compile(
    r"(?:klant(?:en)?\s*(?:nummer|nr\.?|no\.?)|klantnr\.?|lidnummer|relatienummer|"
    r"customer\s*(?:number|no\.?|nr\.?|id|#)|client\s*(?:number|no\.?)|"
    r"account\s*(?:number|no\.?)|member(?:ship)?\s*(?:number|no\.?)|ref(?:erence)?\.?)"
    r"\s*(?:is|was|:|=|#)?\s*#?\s*([A-Za-z]{0,4}[-/]?\d{3,12})",
    re.I,
)


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------
class _Record:
    @classmethod
    def from_dict(cls, data):
        """Build from a JSON object: unknown keys and nulls are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names and v is not None})


@dataclasses.dataclass
class Partner(_Record):
    id: int
    name: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    street: str = ""
    zip: str = ""
    city: str = ""
    country: str = ""
    website: str = ""
    ref: str = ""
    is_company: bool = False
    social: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Candidate:
    partner_id: int
    score: float
    reasons: list

    def as_dict(self):
        return {
            "partner_id": self.partner_id,
            "score": round(self.score, 4),
            "reasons": self.reasons,
        }


@dataclasses.dataclass
class Result:
    id: str
    decision: str
    partner_id: int | None
    candidates: list

    def as_dict(self):
        return {
            "id": self.id,
            "decision": self.decision,
            "partner_id": self.partner_id,
            "candidates": [c.as_dict() for c in self.candidates],
        }


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------
#: letters that Unicode does not decompose into a base letter and a mark
UNDECOMPOSED = str.maketrans(
    {"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss"}
)


_NOT_FOLDED = re.compile(r"[^a-z0-9@.+\-\s,]")
_NOT_LETTER = re.compile(r"[^a-z]")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def fold(text):
    """Lower case, no diacritics (Zoë -> zoe, Yılmaz -> yilmaz), no emoji or symbols."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().translate(UNDECOMPOSED).replace("'t ", "t ")
    return _NOT_FOLDED.sub(" ", text)


def normalize_email(value):
    value = (value or "").strip().lower()
    return value if EMAIL_RE.fullmatch(value) else ""


def normalize_phone(value):
    """Compare phone numbers on their last nine digits (drops +31 / 0 prefixes)."""
    digits = re.sub(r"\D", "", value or "")
    return digits[-9:] if len(digits) >= 9 else ""


def normalize_ref(value):
    return re.sub(r"[^a-z0-9]", "", (value or "").lower())


def normalize_handle(value):
    """``@YesICan``, ``yesican`` and ``https://x.com/YesICan/`` are one handle."""
    value = (value or "").strip()
    if "/" in value:  # a profile URL: its last path segment
        value = [part for part in value.split("?")[0].split("/") if part][-1:] or [""]
        value = value[0]
    return value.lstrip("@").lower()


def domain_of(value):
    value = (value or "").strip().lower()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    match = URL_RE.search(value)
    if not match:
        return ""
    host = match.group(1).lower()
    host = host[4:] if host.startswith("www.") else host
    return "" if host in FREEMAIL or host in SOCIAL_HOSTS else host


@dataclasses.dataclass(frozen=True)
class NameKey:
    """A person's or company's name, reduced for comparison."""

    given: tuple  # given names (formal form), or initials as 1-letter strings
    surname: str  # family name without particles, e.g. "vries" for "Jan de Vries"
    joined: str  # particles + surname glued, e.g. "devries" (for handles)
    company: bool = False
    full: str = ""  # every word glued: "bakkerijjansen" (company names)
    raw_given: tuple = ()  # given names as written: ("bob",) where given is ("robert",)
    particles: tuple = ()  # ("van", "der") for "van der Meer"

    @property
    def initial(self):
        return self.given[0][0] if self.given else ""

    #: the first given name as written, an initial stays an initial ("" for none)
    first: str = dataclasses.field(default="", init=False, compare=False, repr=False)
    #: letters the first given name can be abbreviated to: Kees is K. or C.
    #: (Cornelis), Bob is B. or R. (Robert)
    initials: frozenset = dataclasses.field(
        default=frozenset(), init=False, compare=False, repr=False
    )

    def __post_init__(self):
        first = (self.raw_given or self.given or ("",))[0]
        object.__setattr__(self, "first", first)
        if self.given:
            object.__setattr__(self, "initials", frozenset({first[0], self.given[0][0]}))


def _is_particle(words, dotted, i):
    """Is ``words[i]`` (not the last word) a particle of the surname?

    "d", "t" and "v" are particles ("d'Ancona", "'t Hart", "v.d. Berg") but
    also initials: "D. de Vries", "T. Hart" and "V. de Boer" have a first name.
    """
    word = words[i]
    if word not in PARTICLES:
        return False
    if len(word) > 1:
        return True
    if word == "v":  # "Jan v. Dijk", "v.d. Berg"
        return i > 0 or words[i + 1] == "d"
    # "d" and "t" stand right before the surname, undotted unless "v.d."
    if i != len(words) - 2:
        return False
    return not dotted[i] or (i > 0 and words[i - 1] == "v")


def name_key(name, is_company=False):
    """Parse a display or partner name into a :class:`NameKey` (or None)."""
    text = fold(name)
    for dotted, plain in (("b", "bv"), ("n", "nv")):  # "B.V." -> "bv"
        text = re.sub(rf"\b{dotted}\.\s?v\b\.?", plain, text)
    text = re.sub(r"\bv\.\s?o\.\s?f\b\.?", "vof", text)
    if "," in text:  # "Vries, Jan de" -> "Jan de Vries"
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    tokens = [(t.strip(".-"), t.endswith(".")) for t in text.replace(".", ". ").split()]
    tokens = [
        (w, dot) for w, dot in tokens if w and w not in TITLES and not w.isdigit() and "@" not in w
    ]
    words = [w for w, _dot in tokens]
    dotted = [dot for _w, dot in tokens]
    if is_company or any(w in COMPANY_SUFFIXES for w in words):
        core = [w for w in words if w not in COMPANY_SUFFIXES]
        if not core:
            return None
        joined = "".join(core)
        return NameKey(given=(), surname=joined, joined=joined, company=True, full=joined)
    if not words:
        return None
    # the surname is the last run of words, with its particles
    tail = len(words) - 1
    while tail > 0 and _is_particle(words, dotted, tail - 1):
        tail -= 1
    surname_words = words[tail:]
    given_words = [w for w in words[:tail] if len(w) == 1 or w not in PARTICLES]
    surname = surname_words[-1]
    if len(words) == 1:
        given_words, surname = [], words[0]
    return NameKey(
        given=tuple(NICKNAMES.get(w, w) for w in given_words),
        surname=surname,
        joined="".join(surname_words),
        full="".join(words),
        raw_given=tuple(given_words),
        particles=tuple(surname_words[:-1]),
    )


def partner_keys(name, is_company=False):
    """``(surname key, glued key)`` stored on a partner for exact lookup:
    ("vries", "devries") for "Jan de Vries", the glued name for a company."""
    key = name_key(name, is_company)
    if not key:
        return "", ""
    return key.surname, key.joined


def _letters(text):
    """Only the letters, folded: ``J.de_Vries72`` -> ``jdevries``."""
    return _NOT_LETTER.sub("", fold(text))


def lookup_keys(evidence, min_fragment=4):
    """Keys to look a profile up by: its surname and glued surname, its
    company name, and every tail of its handle ("jdevries72" -> "jdevries",
    "devries", "evries", "vries") and of the other strings that may spell a
    name (an e-mail address's local part, a one-word display name)."""
    keys = set()
    if evidence.name:
        keys |= {evidence.name.surname, evidence.name.joined, evidence.name.full}
    parts = [*evidence.handle_parts, *(letters for _where, letters in evidence.spellings)]
    for part in parts:
        keys |= {part[start:] for start in range(0, max(len(part) - min_fragment + 1, 1))}
    return sorted(k for k in keys if len(k) >= 2)


def _similar(a, b):
    """Exact, or one edit apart for longer words (typos, ij/y)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 6 or abs(len(a) - len(b)) > 1:
        return False
    a, b = a.replace("ij", "y"), b.replace("ij", "y")
    if a == b:
        return True
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _first_names_fit(profile_key, partner_key):
    """Score and reason for two first given names (both present)."""
    pf, qf = profile_key.given[0], partner_key.given[0]
    if len(pf) == 1 or len(qf) == 1:  # an initial on either side
        if profile_key.first[0] == partner_key.first[0]:
            return 0.8, "same last name, matching initial"
        if profile_key.initials & partner_key.initials:  # "C." for "Kees" (Cornelis)
            return 0.6, "same last name, initial of the formal first name"
        return 0.0, ""
    pr, qr = profile_key.first, partner_key.first
    if pr == qr:
        return 1.0, "same first and last name"
    if pf == qf:
        if pr == qf or qr == pf:  # "Bob" for "Robert"
            return 0.95, "same last name, first name a nickname of the other"
        return 0.9, "same last name, both first names short for the same name"  # Hans, Jan
    if (pf[0] == qf[0] and _similar(pf, qf)) or (pr[0] == qr[0] and _similar(pr, qr)):
        return 0.9, "same last name, near-identical first name"
    return 0.0, ""


def name_similarity(profile_key, partner_key):
    """0..1: how well a profile name fits a partner name, with a reason."""
    if not profile_key or not partner_key:
        return 0.0, ""
    if partner_key.company or profile_key.company:
        if profile_key.full == partner_key.full:
            return 1.0, "same company name"
        return 0.0, ""
    if not _similar(profile_key.surname, partner_key.surname):
        return 0.0, ""
    if profile_key.given and partner_key.given:
        score, how = _first_names_fit(profile_key, partner_key)
        if not score:
            return 0.0, ""
    else:
        score, how = 0.5, "same last name only"
    if profile_key.surname != partner_key.surname:
        score *= 0.8
        how += " (spelling differs)"
    elif _particle_sign(profile_key) != _particle_sign(partner_key):
        score *= 0.9  # "M. van Hofsma" fits "M. Hofsma" less than "M. van Hofsma"
        how += " (particles differ)"
    return score, how


def _particle_sign(key):
    """Particles compared by their first letters: "vd", "v.d." and "van der" are one."""
    return "".join(p if p == "vd" else p[0] for p in key.particles)


def handle_name_key(handle):
    """Guess a name from a handle such as ``jdevries72`` or ``anna.de.boer``."""
    return [p for p in _NOT_LETTERS.split(fold(normalize_handle(handle))) if p]


def _surname_forms(key):
    """How a surname is glued into a handle: "vandenberg", "vdberg", "berg"."""
    forms = [key.joined]
    if key.particles:
        forms += ["".join(p[0] for p in key.particles) + key.surname, key.surname]
    return [form for form in dict.fromkeys(forms) if len(form) >= 4]


def _initials_of(word):
    return {word[0], NICKNAMES.get(word, word)[0]}


def spelled_fit(letters, partner_key, hint="", first_names=frozenset()):
    """How well a handle or an e-mail local part (letters only) spells a
    partner's name: ``jdevries``, ``jandevries``, ``devriesj``, ``jvdberg``.

    The letters beside the surname must be the first name or its initial;
    none at all spell the last name only. ``hint`` is a first name the profile
    shows elsewhere (a display name that is just "Jan"): it stands in for a
    missing first name or for an initial it starts with, so "Jan" with
    ``@devries`` or ``@jdevries`` reads as Jan de Vries, not Joost.

    Longer letters beside the surname fit a partner known by an initial only
    when they are a known first name (``first_names``): "janbrugbroek" is no
    J. Broek. A known first name that does not fit is a contradiction.

    :return: ``(score, reason, first name read, hint used)``; a negative score
        is a contradiction
    """
    key = partner_key
    if not key or key.company or not letters:
        return 0.0, "", "", False
    if hint in (key.surname, key.joined):
        hint = ""  # a one-word display name that is the surname is no first name
    for form in _surname_forms(key):
        at = letters.find(form)
        if at < 0:
            continue
        before, after = letters[:at], letters[at + len(form) :]
        before = "" if before in HANDLE_NOISE else before  # "the", "its"
        after = "" if after in HANDLE_NOISE else after  # "_nl", "_official"
        if before and after:
            continue
        rest = before or after
        for name in (key.first, key.given[0] if key.given else ""):
            if len(name) >= 3 and 0 < len(rest) - len(name) <= 2 and rest.startswith(name):
                rest = name  # middle initials: "janpdevries"
        hinted = bool(hint) and (not rest or (len(rest) <= 2 and rest[0] in _initials_of(hint)))
        if hinted:
            given = (hint,)
        elif not rest:
            return 0.5, "the last name", "", False
        elif len(rest) == 1 or (len(rest) == 2 and rest not in NICKNAMES):
            given = tuple(rest)  # initials: "j", "jp"
        else:
            given = (rest,)
            known = rest in first_names or rest in KNOWN_FIRST_NAMES
            if not known and len(key.first) <= 1:
                return 0.0, "", "", False  # "janbrug" + "broek" is no J. Broek
        guess = NameKey(
            given=tuple(NICKNAMES.get(g, g) for g in given),
            surname=key.surname,
            joined=key.joined,
            raw_given=given,
            particles=() if form == key.surname else key.particles,  # "sarahberg": none
        )
        score, how = name_similarity(guess, key)
        if not score and len(rest) > 2 and form == key.joined and not hinted:
            if rest in first_names or rest in KNOWN_FIRST_NAMES:
                return -1.0, "", "", False  # "pietdevries" is not Jan de Vries
        return score, how, given[0] if len(given[0]) > 1 else "", hinted and score > 0
    return 0.0, "", "", False


def handle_fits(handle, partner_key):
    """Does a handle spell the partner's name (``jdevries``, ``jan_de_vries``)?"""
    return spelled_fit(_letters(normalize_handle(handle)), partner_key)[0] > 0.5


# --------------------------------------------------------------------------
# Evidence from a profile
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Evidence:
    emails: set
    phones: set
    refs: set
    domains: set
    name: NameKey | None
    handle_parts: list
    location: str
    #: ``(where, letters)`` of what may spell a name: the handle, the local part
    #: of a typed e-mail address, a one-word display name ("JanDeVries")
    spellings: list = dataclasses.field(default_factory=list)
    #: a first name shown on its own: "jan" for the display name "Jan 🚲"
    given_hint: str = ""
    #: ``(kind, value)`` of the identifiers found only in the public profile
    #: (bio, URL), never typed to us in a post or DM: ``("email", "a@b.nl")``
    public: set = dataclasses.field(default_factory=set)


#: what handles add to a name besides a first name: "verbeek_nl", "thedevries"
#: (two letters are initials more often than a title: "mr" is M. R.)
HANDLE_NOISE = {t for t in TITLES if len(t) > 2} | {"nl", "be", "uk", "us", "eu", "its", "iam"}

#: what display names append to the name: "Anna de Boer | Utrecht", "Jan (he/him)"
DISPLAY_SEPARATORS = re.compile(r"\s+[-–—|/•·:]\s+|[|•·(\[{]")


def display_name_part(display):
    """The part of a display name that is the name: the first segment that
    has letters in "🌷 | Anna de Boer - tandarts"."""
    for segment in DISPLAY_SEPARATORS.split(display or ""):
        if any(c.isalnum() for c in segment):
            return segment.strip()
    return ""


def extract(profile):
    """Identifiers the poster typed: in the bio, URL, location and texts."""
    public_blob = "\n".join([profile.bio or "", profile.profile_url or ""])
    typed_blob = "\n".join(profile.texts or [])
    blob = "\n".join([public_blob, typed_blob])
    public, typed = _identifiers(public_blob), _identifiers(typed_blob)
    emails, phones, refs = (public[kind] | typed[kind] for kind in ("email", "phone", "ref"))
    display = display_name_part(profile.display_name)
    if normalize_handle(display) == normalize_handle(profile.handle):
        display = ""  # a display name that is the handle is no name
    blob_without_emails = EMAIL_RE.sub(" ", blob)
    domains = {domain_of(m.group(0)) for m in URL_RE.finditer(blob_without_emails)} - {""}
    domains |= {domain_of(e) for e in emails} - {""}
    name = name_key(display)
    spellings = [("handle", _letters(normalize_handle(profile.handle)))]
    spellings += [("e-mail address", _letters(e.partition("@")[0])) for e in sorted(emails)]
    hint = ""
    if name and not name.company:
        if name.full == name.surname:  # one word: a first name, a surname or glued
            hint = name.surname
            spellings.append(("display name", _letters(display)))
        elif len(name.surname) == 1 and name.given:  # "Sarah J."
            hint = name.first
    return Evidence(
        emails=emails,
        phones=phones,
        refs=refs,
        domains=domains,
        name=name,
        handle_parts=handle_name_key(profile.handle),
        location=fold(profile.location).strip(),
        spellings=[(where, letters) for where, letters in spellings if letters],
        given_hint=hint if len(hint) > 1 else "",
        public={(kind, value) for kind in public for value in public[kind] - typed[kind]},
    )


def _identifiers(blob):
    """``{"email": set, "phone": set, "ref": set}`` typed in ``blob``."""
    return {
        "email": {normalize_email(e.strip(".")) for e in EMAIL_RE.findall(blob)} - {""},
        "phone": {normalize_phone(p) for p in PHONE_RE.findall(blob)} - {""},
        "ref": {normalize_ref(r) for r in REF_RE.findall(blob)} - {""},
    }


#: what a public identifier is called in the impersonation warning
PUBLIC_KINDS = {"email": "e-mail address", "phone": "phone number", "ref": "customer number"}


def name_disagrees(evidence, key):
    """Does the name the profile shows contradict the partner's name?

    Only the display name counts (an e-mail address in the bio must not vouch
    for itself). No name shown is no contradiction; a name shown that fits
    neither the partner's full name, nor (a single word) its first or last
    name, is one.
    """
    shown = evidence.name
    if not shown or not key:
        return False
    if shown.company or key.company:
        return shown.full != key.full
    if shown.given or len(shown.surname) == 1:
        return not name_similarity(shown, key)[0]
    word = shown.full  # one word: a first name, a surname, or a name glued
    if _similar(word, key.surname) or key.surname in word or key.joined in word:
        return False
    if key.given and len(key.first) > 1:
        return NICKNAMES.get(word, word) != key.given[0] and word != key.first
    if key.given:  # known by an initial only
        return word[0] not in key.initials
    return True


# --------------------------------------------------------------------------
# Index of partners (in memory; Odoo retrieves candidates with SQL instead)
# --------------------------------------------------------------------------
class PartnerIndex:
    """Inverted indexes over partner records for candidate retrieval."""

    def __init__(self, partners=()):
        self.partners = {}
        self.keys = {}
        #: (platform, "id", user id) and (platform, "handle", handle) for the
        #: handles stored without a user id -> partner ids: what links
        self.by_social = defaultdict(set)
        #: (platform, handle) -> {partner id: user ids stored with that handle}:
        #: a recycled handle suggests, never links
        self.handle_users = defaultdict(dict)
        self.by_email = defaultdict(set)
        self.by_phone = defaultdict(set)
        self.by_ref = defaultdict(set)
        self.by_domain = defaultdict(set)
        self.by_surname = defaultdict(set)
        self.by_joined = defaultdict(set)
        for partner in partners:
            self.add(partner)

    def add(self, partner):
        self.partners[partner.id] = partner
        for entry in partner.social or []:
            platform = (entry.get("platform") or "").lower()
            if entry.get("user_id"):
                self.by_social[(platform, "id", str(entry["user_id"]))].add(partner.id)
            if entry.get("handle"):
                handle = normalize_handle(entry["handle"])
                if entry.get("user_id"):
                    owners = self.handle_users[(platform, handle)]
                    owners.setdefault(partner.id, set()).add(str(entry["user_id"]))
                else:
                    self.by_social[(platform, "handle", handle)].add(partner.id)
        if email := normalize_email(partner.email):
            self.by_email[email].add(partner.id)
        for number in (partner.phone, partner.mobile):
            if phone := normalize_phone(number):
                self.by_phone[phone].add(partner.id)
        if ref := normalize_ref(partner.ref):
            self.by_ref[ref].add(partner.id)
        for value in (partner.website, partner.email if partner.is_company else ""):
            if domain := domain_of(value):
                self.by_domain[domain].add(partner.id)
        key = name_key(partner.name, partner.is_company)
        self.keys[partner.id] = key
        if key:
            self.by_surname[key.surname].add(partner.id)
            self.by_joined[key.joined].add(partner.id)

    def name_candidates(self, evidence):
        """Partners whose stored name keys match the profile's lookup keys:
        the same keys the addon looks up in SQL (matching_sql)."""
        ids = set()
        for key in lookup_keys(evidence):
            ids |= self.by_surname.get(key, set()) | self.by_joined.get(key, set())
        return ids

    def commonness(self, key):
        """How many partners share this surname and could share the first initial."""
        if not key:
            return 1
        same = [
            pid
            for pid in self.by_surname.get(key.surname, ())
            if (k := self.keys.get(pid)) and (not key.initials or key.initials & k.initials)
        ]
        return max(len(same), 1)


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------
def _noisy_or(scores):
    miss = 1.0
    for score in scores:
        miss *= 1.0 - score
    return 1.0 - miss


def name_fit(evidence, key, hint="", first_names=frozenset()):
    """``(score, reason, first)``: how well everything the profile shows of a
    name (display name, handle, typed e-mail address) fits one partner, and
    the first name that evidence spelled out ("" for none or an initial)."""
    if not key:
        return 0.0, "", ""
    name = evidence.name
    person = name if name and not name.company else None
    if person and len(person.surname) == 1 and person.given:  # "Sarah J."
        if key.company or not key.joined.startswith(person.surname):
            if not key.surname.startswith(person.surname):
                return 0.0, "", ""
    score, how = name_similarity(name, key)
    first = person.first if person and score and len(person.first) > 1 else ""
    spelled_name = ""  # a spelling that holds the display name's surname spells that name
    if person and person.given and not score:
        if _similar(person.surname, key.surname):
            return 0.0, "", ""  # the display name gives this surname another first name
        if len(person.joined) >= 4:
            spelled_name = person.joined
    if person and score:
        # the display name has the surname, maybe an initial or a nickname: a
        # handle or an e-mail local part may be the first name ("de Vries" or
        # "D. de Vries" with @dirk_86, "Bob Zandberg" with @robert_75)
        for where, letters in evidence.spellings:
            if not 3 <= len(letters) <= 12 or letters in (key.surname, key.joined):
                continue
            known = letters in first_names or letters in KNOWN_FIRST_NAMES
            if len(person.first) > 1:
                if not known or letters == person.first:
                    continue
                if NICKNAMES.get(letters, letters) != person.given[0]:
                    continue
            elif person.given and not (known and person.first in _initials_of(letters)):
                continue
            guess = dataclasses.replace(
                person, given=(NICKNAMES.get(letters, letters),), raw_given=(letters,)
            )
            alt, alt_how = name_similarity(guess, key)
            if not alt and known:
                return 0.0, "", ""  # "D. de Vries" with @dirk_86 is not David de Vries
            if alt > score or (alt == score and not first):  # ties: the first name is news
                score, how, first = alt, f"{alt_how} (first name from the {where})", letters
    for where, letters in evidence.spellings:
        if spelled_name and spelled_name in letters:
            continue  # "lucasvanderhouthorst" spells Lucas van der Houthorst, not L. ter Horst
        alt, alt_how, alt_first, alt_hinted = spelled_fit(letters, key, hint, first_names)
        if alt < 0:
            return 0.0, "", ""
        if alt > score or (alt and alt == score and alt_first and not first):
            spells = f"{where} and the first name shown spell" if alt_hinted else f"{where} spells"
            score, how, first = alt, f"{spells} the name: {alt_how}", alt_first
    return score, how, first


def name_fits(evidence, keys):
    """``{partner id: (score, reason, chance)}`` for the name candidates that fit.

    ``chance`` (0..1] that the contact bears the name the profile shows: 1,
    except for a contact stored with only an initial when the profile shows a
    first name: "S. van der Meer" is any of the first names with an S among
    the contacts named van der Meer, and Sarah.
    """
    people = [k for k in keys.values() if k and not k.company and len(k.first) > 1]
    first_names = {name for k in people for name in (k.first, k.given[0])}
    by_initial = None  # (surname, initial) -> first names (formal), when needed
    shown = evidence.given_hint
    hint = shown if shown in first_names or shown in KNOWN_FIRST_NAMES else ""
    if shown:  # "Sanne" shown alone and in @sannevanderhofwijk is a first name
        first_names.add(shown)
    fits = {}
    for pid, key in keys.items():
        score, how, first = name_fit(evidence, key, hint, first_names)
        if score <= 0:
            continue
        chance = 1.0
        if len(first) > 1 and len(key.first) == 1:
            if by_initial is None:
                by_initial = defaultdict(set)
                for k in people:
                    for letter in k.initials:
                        by_initial[(k.surname, letter)].add(k.given[0])
            names = by_initial[(key.surname, key.first)] | {NICKNAMES.get(first, first)}
            chance = 1.0 / len(names)
            how += f" (the initial is one of {len(names)} first names)" if chance < 1 else ""
        fits[pid] = (score, how, chance)
    return fits


@functools.lru_cache(maxsize=4096)
def _place(text):
    """Words of a place name, padded, aliases resolved: " den haag "."""
    text = f" {' '.join(_NOT_LETTERS.sub(' ', fold(text)).split())} "
    for alias, city in PLACE_ALIASES.items():
        text = text.replace(f" {alias} ", f" {city} ")
    return text


def city_in(city, location):
    """Does the location name the city ("Zwolle, NL"; "Den Haag" = "'s-Gravenhage")?"""
    city = _place(city or "")
    return city != "  " and city in _place(location or "")


def match(profile, index, rejected=()):
    """Match one :class:`Profile` against a :class:`PartnerIndex`.

    :param rejected: partner ids an agent already rejected for this identity;
        they are never proposed again.
    :return: :class:`Result`
    """
    rejected = set(rejected or ())
    platform = (profile.platform or "").lower()
    evidence = extract(profile)
    found = defaultdict(list)  # partner id -> [(weight, reason)]
    social_ids = set()

    def add(ids, kind, reason, weight=None):
        for pid in ids:
            found[pid].append((WEIGHTS[kind] if weight is None else weight, reason, kind))

    if profile.user_id:
        ids = index.by_social.get((platform, "id", str(profile.user_id)), set())
        social_ids |= ids
        add(ids, "social", f"{platform} user id {profile.user_id} is stored on the partner")
    if profile.handle:
        # Handles are recycled: link on a stored handle only while no other
        # user id is known for it; a handle stored with another user id is a
        # suggestion at most.
        handle = normalize_handle(profile.handle)
        user_id = str(profile.user_id or "")
        owners = index.handle_users.get((platform, handle), {})
        others = {pid: uids - {user_id} for pid, uids in owners.items() if uids - {user_id}}
        ids = index.by_social.get((platform, "handle", handle), set())
        if others:
            add(
                ids,
                "social",
                f"handle @{handle} is stored on the partner, but now used by another account",
                WEIGHTS["handle_reused"],
            )
        else:
            social_ids |= ids
            add(ids, "social", f"handle @{handle} is stored on the partner")
        for pid, uids in others.items():
            known = ", ".join(sorted(uids))
            add(
                [pid],
                "social",
                f"handle @{handle} now used by another account (the partner's {platform} "
                f"user id is {known}, this one's {user_id or 'unknown'})",
                WEIGHTS["handle_reused"],
            )

    impersonated = set()  # partners whose identifier is in a bio under another name

    def add_typed(kind, ids, value, what):
        """An identifier typed by the poster: full weight, unless it is only
        in the public profile and the name shown is not the partner's."""
        public = (kind, value) in evidence.public
        for pid in ids:
            if public and name_disagrees(evidence, index.keys.get(pid)):
                warning = (
                    f"warning: a customer's {PUBLIC_KINDS[kind]} in a public bio under "
                    f"another name ({what})"
                )
                add([pid], kind, warning, WEIGHTS["public_mismatch"])
                impersonated.add(pid)
            else:
                add([pid], kind, f"{what} typed by the poster")

    for email in evidence.emails:
        add_typed("email", index.by_email.get(email, ()), email, f"e-mail {email}")
    for phone in evidence.phones:
        what = f"phone number ending {phone[-4:]}"
        add_typed("phone", index.by_phone.get(phone, ()), phone, what)
    for ref in evidence.refs:
        add_typed("ref", index.by_ref.get(ref, ()), ref, f"customer number {ref}")
    for domain in evidence.domains:
        add(index.by_domain.get(domain, ()), "domain", f"website domain {domain}")

    # Each contact the name fits gets its fit times a chance (below 1 for a
    # contact known by an initial only, or living elsewhere than a city the
    # location names) times the square root of its share of all the fits:
    # two or three namesakes still make a useful suggestion, many do not.
    keys = {pid: index.keys.get(pid) for pid in index.name_candidates(evidence)}
    fits = name_fits(evidence, keys)
    # the location names a place when a name candidate lives there
    places = {index.partners[pid].city for pid in keys if index.partners[pid].city}
    named = {city for city in places if city_in(city, evidence.location)} if fits else set()
    chance = {}
    for pid, (_score, _how, name_chance) in fits.items():
        city = index.partners[pid].city
        elsewhere = named and city and city not in named
        chance[pid] = name_chance * (CITY_ELSEWHERE if elsewhere else 1.0)
    total = sum(score * chance[pid] for pid, (score, _how, _chance) in fits.items())
    for pid, (score, how, _chance) in fits.items():
        if pid in impersonated and "e-mail address" in how:
            continue  # the name spelled by a suspect e-mail address vouches for nothing
        weight = WEIGHTS["name"] * score * chance[pid] * (score / total) ** 0.5
        city = index.partners[pid].city
        if named and city and city not in named:
            how += f" (lives in {city}, not where the profile says)"
        reason = how + (f" (shared by {len(fits)} contacts)" if len(fits) > 1 else "")
        found[pid].append((weight, reason, "name"))
        if city in named:
            found[pid].append((WEIGHTS["city"], f"lives in {city}", "city"))

    candidates = []
    for pid, items in found.items():
        if pid in rejected:
            continue
        kinds = {kind for _w, _r, kind in items}
        if kinds <= {"city"}:
            continue
        best = {}
        for weight, reason, kind in items:
            if weight > best.get(kind, (0, ""))[0]:
                best[kind] = (weight, reason)
        score = _noisy_or(w for w, _r in best.values())
        reasons = [r for _w, r in sorted(best.values(), key=lambda x: -x[0])]
        candidates.append(Candidate(pid, round(score, 4), reasons))
    candidates.sort(key=lambda c: (-c.score, c.partner_id))
    candidates = candidates[:MAX_CANDIDATES]

    social_ids -= rejected
    if len(social_ids) == 1:
        [pid] = social_ids
        candidates.sort(key=lambda c: (c.partner_id != pid, -c.score))
        return Result(profile.id, "link", pid, candidates)
    if candidates and candidates[0].score >= SUGGEST_THRESHOLD:
        return Result(profile.id, "suggest", candidates[0].partner_id, candidates)
    return Result(profile.id, "none", None, candidates)
