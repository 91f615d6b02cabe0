"""Match social identities to partners: plain Python, no Odoo.

Given a profile (handle, display name, bio, URL, location, the person's texts)
and partner records, :func:`match` proposes candidates with a score in [0, 1]
and human-readable reasons, and decides:

- ``"link"`` only when the platform user id or handle is already stored on
  exactly one partner for that platform. Nothing typed by the poster (an
  e-mail, phone, customer number in a bio, post or DM) links on its own:
  anyone can type someone else's customer number. A one-time-code round trip
  is the other way to link; the Odoo side handles it.
- ``"suggest"`` when evidence points to partners an agent should confirm.
- ``"none"`` otherwise. A name alone never links, and a common name shared
  by several partners is weakened in proportion.

The platform's ``verified`` flag is not identity evidence.
"""

import dataclasses
import re
import unicodedata
from collections import defaultdict

#: score given by each kind of evidence (combined with a noisy-OR)
WEIGHTS = {
    "social": 1.0,
    "email": 0.9,
    "phone": 0.85,
    "ref": 0.85,
    "domain": 0.45,
    "name": 0.55,
    "city": 0.15,
}
SUGGEST_THRESHOLD = 0.3
MAX_CANDIDATES = 5

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
}
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
class Profile(_Record):
    id: str
    platform: str = ""
    user_id: str = ""
    handle: str = ""
    display_name: str = ""
    bio: str = ""
    location: str = ""
    url: str = ""
    followers: int = 0
    verified: bool = False
    texts: list = dataclasses.field(default_factory=list)

    def __post_init__(self):
        self.id = str(self.id)


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
def fold(text):
    """Lower case, no diacritics (Zoë -> zoe), no emoji or symbols."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("'t ", "t ").replace("ß", "ss")
    return re.sub(r"[^a-z0-9@.+\-\s,]", " ", text)


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

    @property
    def initial(self):
        return self.given[0][0] if self.given else ""


def name_key(name, is_company=False):
    """Parse a display or partner name into a :class:`NameKey` (or None)."""
    text = fold(name)
    for dotted, plain in (("b", "bv"), ("n", "nv")):  # "B.V." -> "bv"
        text = re.sub(rf"\b{dotted}\.\s?v\b\.?", plain, text)
    text = re.sub(r"\bv\.\s?o\.\s?f\b\.?", "vof", text)
    if "," in text:  # "Vries, Jan de" -> "Jan de Vries"
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    words = [w.strip(".-") for w in re.split(r"[\s]+", text.replace(".", ". ")) if w.strip(".-")]
    words = [w for w in words if w not in TITLES and not w.isdigit() and "@" not in w]
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
    while tail > 0 and words[tail - 1] in PARTICLES:
        tail -= 1
    surname_words = words[tail:]
    given_words = [w for w in words[:tail] if w not in PARTICLES]
    surname = surname_words[-1]
    if len(words) == 1:
        given_words, surname = [], words[0]
    given = tuple(NICKNAMES.get(w, w) for w in given_words)
    return NameKey(given=given, surname=surname, joined="".join(surname_words), full="".join(words))


def partner_keys(name, is_company=False):
    """``(surname key, glued key)`` stored on a partner for exact lookup:
    ("vries", "devries") for "Jan de Vries", the glued name for a company."""
    key = name_key(name, is_company)
    if not key:
        return "", ""
    return key.surname, key.joined


def lookup_keys(evidence, min_fragment=4):
    """Keys to look a profile up by: its surname and glued surname, its
    company name, and every tail of its handle ("jdevries72" -> "jdevries",
    "devries", "evries", "vries") that could be a glued surname."""
    keys = set()
    if evidence.name:
        keys |= {evidence.name.surname, evidence.name.joined, evidence.name.full}
    for part in evidence.handle_parts:
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
    exact = profile_key.surname == partner_key.surname
    pg, qg = profile_key.given, partner_key.given
    if pg and qg:
        if pg[0] == qg[0] and len(pg[0]) > 1:
            score, how = 1.0, "same first and last name"
        elif len(pg[0]) == 1 or len(qg[0]) == 1:
            if pg[0][0] != qg[0][0]:
                return 0.0, ""
            score, how = 0.8, "same last name, matching initial"
        elif pg[0][0] == qg[0][0] and _similar(pg[0], qg[0]):
            score, how = 0.9, "same last name, near-identical first name"
        else:
            return 0.0, ""
    else:
        score, how = 0.5, "same last name only"
    if not exact:
        score *= 0.8
        how += " (spelling differs)"
    return score, how


def handle_name_key(handle):
    """Guess a name from a handle such as ``jdevries72`` or ``anna.de.boer``."""
    parts = [p for p in re.split(r"[._\-\d]+", normalize_handle(handle)) if p]
    return parts


def handle_fits(handle, partner_key):
    """Does a handle spell the partner's name (``jdevries``, ``jan_de_vries``)?"""
    if not partner_key or partner_key.company:
        return False
    letters = re.sub(r"[^a-z]", "", normalize_handle(handle))
    if len(partner_key.joined) < 4 or partner_key.joined not in letters:
        return False
    rest = letters.replace(partner_key.joined, "", 1)
    if not partner_key.given:
        return False
    given = partner_key.given[0]
    return rest in (given, given[0]) or rest.startswith(given) or rest.endswith(given)


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


def extract(profile):
    """Identifiers the poster typed: in the bio, URL, location and texts."""
    texts = [profile.bio or "", profile.url or "", *(profile.texts or [])]
    blob = "\n".join(texts)
    emails = {normalize_email(e.strip(".")) for e in EMAIL_RE.findall(blob)} - {""}
    phones = {normalize_phone(p) for p in PHONE_RE.findall(blob)} - {""}
    refs = {normalize_ref(r) for r in REF_RE.findall(blob)} - {""}
    display = profile.display_name or ""
    if normalize_handle(display) == normalize_handle(profile.handle):
        display = ""  # a display name that is the handle is no name
    blob_without_emails = EMAIL_RE.sub(" ", blob)
    domains = {domain_of(m.group(0)) for m in URL_RE.finditer(blob_without_emails)} - {""}
    domains |= {domain_of(e) for e in emails} - {""}
    return Evidence(
        emails=emails,
        phones=phones,
        refs=refs,
        domains=domains,
        name=name_key(display),
        handle_parts=handle_name_key(profile.handle),
        location=fold(profile.location).strip(),
    )


# --------------------------------------------------------------------------
# Index of partners (in memory; Odoo retrieves candidates with SQL instead)
# --------------------------------------------------------------------------
class PartnerIndex:
    """Inverted indexes over partner records for candidate retrieval."""

    def __init__(self, partners=()):
        self.partners = {}
        self.keys = {}
        self.by_social = defaultdict(set)
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
        """How many partners share this surname and first initial."""
        if not key:
            return 1
        same = [
            pid
            for pid in self.by_surname.get(key.surname, ())
            if (k := self.keys.get(pid)) and (not key.initial or k.initial == key.initial)
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
        handle = normalize_handle(profile.handle)
        ids = index.by_social.get((platform, "handle", handle), set())
        social_ids |= ids
        add(ids, "social", f"handle @{handle} is stored on the partner")
    for email in evidence.emails:
        add(index.by_email.get(email, ()), "email", f"e-mail {email} typed by the poster")
    for phone in evidence.phones:
        add(
            index.by_phone.get(phone, ()),
            "phone",
            f"phone number ending {phone[-4:]} typed by the poster",
        )
    for ref in evidence.refs:
        add(index.by_ref.get(ref, ()), "ref", f"customer number {ref} typed by the poster")
    for domain in evidence.domains:
        add(index.by_domain.get(domain, ()), "domain", f"website domain {domain}")

    name_ids = index.name_candidates(evidence)
    common = index.commonness(evidence.name)
    for pid in name_ids:
        key = index.keys.get(pid)
        score, how = name_similarity(evidence.name, key)
        if not score and handle_fits(profile.handle, key):
            score, how = 0.6, "handle spells the name"
        if not score:
            continue
        partner_common = index.commonness(key) if key and not key.company else 1
        spread = max(common, partner_common)
        # two or three namesakes still make a useful suggestion; many do not
        weight = WEIGHTS["name"] * score / spread**0.5
        reason = how + (f" (shared by {spread} contacts)" if spread > 1 else "")
        found[pid].append((weight, reason, "name"))
        partner = index.partners[pid]
        if evidence.location and partner.city and fold(partner.city).strip() in evidence.location:
            found[pid].append((WEIGHTS["city"], f"lives in {partner.city}", "city"))

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
