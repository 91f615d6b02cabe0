"""Learning from the team: a company's corrections adjust the shipped
classifier. Plain Python, deterministic, no ``odoo`` import.

The shipped model stays the prior. A company's adaptation holds:

- **a residual linear layer per field** (sentiment, intent): a multinomial
  logistic regression whose logits are the shipped decision
  (``PRIOR`` x one-hot) plus learnt weights over the very features the
  shipped layers read (hashed words, character n-grams and word pairs with
  negation scope, the lexicon scores, the rules' cues) and the shipped
  scores themselves (sentiment probabilities, request and complaint
  logits). Without corrections every weight is zero and the shipped
  decision stands; L2 keeps a few corrections from overturning it wholesale.
  How far the layer may move (the prior logit, L2, the complaint
  threshold, or no layer at all) is chosen from the corrections themselves
  by cross-validation when there are enough of them (choose(), CV_MIN);
  the choice is kept in the JSON (``chosen``).
- **a memory of corrected posts**: near-duplicates (Jaccard of hashed word
  pairs) of a corrected post get its corrected labels, language included.

Serialised as JSON with hashed feature names only (no words, no text):
:meth:`Adaptation.to_json` / :meth:`Adaptation.from_json`. ``fit()`` takes
corrections ``[{"text", "lang"?, "sentiment"?, "intent"?}]``; the CLI
(``classify --corrections``) and the addon (``social_crm.adaptation``) both
call it and then ``classify.classify(text, adaptation=...)``.
"""

import json
import math
import random
import zlib
from collections import Counter
from itertools import chain

from . import classify as C

FIELDS = ("lang", "sentiment", "intent")
CLASSES = {
    "sentiment": ("negative", "neutral", "positive"),
    "intent": ("complaint", "question", "praise", "other"),
}
#: logit given to the shipped decision: the prior the corrections adjust
PRIOR = 1.5
#: fitting: epochs of SGD, learning rate, and how often a hashed feature must
#: occur in the corrections to get a weight (keeps the file small)
EPOCHS = 30
RATE = 0.5
MIN_COUNT = 3
#: L2 strength over all the corrections (a Gaussian prior on the weights, so
#: the more corrections, the further they may move from the shipped model).
#: ``L2`` holds the hashed words and n-grams: what a company's posts are
#: about. ``DENSE_L2`` holds the dense features (bias, language, lexicon and
#: shipped scores), which shift every post: a skewed handful of corrections
#: (agents correct mostly towards complaint) must not tip unrelated posts.
L2 = 0.5
DENSE_L2 = 0.3
#: ... plus DENSE_FEW / (number of corrections): with a dozen corrections the
#: dense features stay held (about 5, as before), with hundreds they follow
#: the corrections (a company's own complaint threshold)
DENSE_FEW = 60.0
#: memory: a post at least this similar to a corrected one takes its labels
NEAR_DUPLICATE = 0.8
#: class balance of the fit: each correction weighs (n / (K x n_gold)) **
#: BALANCE, so 0 is plain and 1 fully balanced (agents correct mostly
#: towards complaint; the rarer corrections must still count)
BALANCE = 0.0
#: learning rate of the hashed words and n-grams, times RATE
SPARSE_GAIN = 1.0
VERSION = 1
#: trust in the corrections, chosen FROM the corrections (see choose()): with
#: at least CV_MIN corrections of a field that look like a sample of the
#: company's posts (the shipped model agrees with at least CV_AGREE of them:
#: corrections that only record the model's mistakes cannot tell how often
#: it is right), CV_FOLDS-fold cross-validation over the corrections scores
#: each candidate below (macro-F1 of complaint against the rest for intent,
#: over the classes for sentiment: see quality()),
#: fitted with CV_EPOCHS epochs; a candidate other than the first must beat
#: it out of fold by CV_MARGIN. Otherwise the strong prior (SETTINGS) stays.
CV_MIN = 50
#: ... and at least this many of each class the score counts (complaints and
#: other posts for intent, every class for sentiment): with a handful of
#: complaints per fold, out-of-fold F1 is too noisy to choose by
CV_MIN_CLASS = 20
CV_AGREE = 0.25
CV_FOLDS = 3
CV_EPOCHS = 10
CV_MARGIN = 0.02
#: the candidates, from most to least trust in the shipped model; each
#: overrides SETTINGS. "corrections": no prior logit and light L2, so the
#: layer is a logistic regression on the corrections that still reads the
#: shipped scores (s:complaint, s:request, p:*) as features and weighs them
#: as the corrections say
CANDIDATES = (
    ("shipped", {}),
    ("halfway", {"prior": 0.75, "l2": 0.15, "dense_l2": 0.1, "dense_few": 10.0}),
    ("corrections", {"prior": 0.0, "l2": 0.03, "dense_l2": 0.02, "dense_few": 0.0}),
)
#: also tried: no layer at all for the field (the shipped decisions stand,
#: the memory still applies): when the corrections make things worse
NO_LAYER = "none"
#: intent only: each candidate is also tried with these added to its
#: complaint logit (the company's own complaint threshold), kept in the
#: layer as a weight on "bias"
SHIFTS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
#: the settings fit() uses unless told otherwise (bench/adapt.py --tune
#: chooses them by cross-validation inside the complaint set's dev split)
SETTINGS = {
    "prior": PRIOR,
    "epochs": EPOCHS,
    "rate": RATE,
    "l2": L2,
    "dense_l2": DENSE_L2,
    "dense_few": DENSE_FEW,
    "min_count": MIN_COUNT,
    "near": NEAR_DUPLICATE,
    "balance": BALANCE,
    "sparse_gain": SPARSE_GAIN,
    #: choose the trust in the corrections by cross-validation (CANDIDATES);
    #: False: always SETTINGS (the fit before issue 16's second round)
    "choose": True,
}


class CorrectionError(ValueError):
    """A correction that cannot be used (said in plain words)."""


def check(correction):
    """The correction, validated: ``None`` or a plain-words problem."""
    if not isinstance(correction, dict) or not isinstance(correction.get("text"), str):
        return 'no "text" string'
    if not any(correction.get(f) for f in FIELDS):
        return 'none of "lang", "sentiment", "intent"'
    for field, classes in (("sentiment", CLASSES["sentiment"]), ("intent", CLASSES["intent"])):
        value = correction.get(field)
        if value and value not in classes:
            return f'"{field}" must be one of {", ".join(classes)}'
    lang = correction.get("lang")
    if lang and (not isinstance(lang, str) or not 2 <= len(lang) <= 8):
        return '"lang" must be a language code such as "nl"'
    return None


# --------------------------------------------------------------------------
# What the layer reads of a post (the same in fit and in classify)
# --------------------------------------------------------------------------
def _logit(p):
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _count(length):
    if length <= 2:
        return 1
    return 1 + sum(max(length + 2 - n + 1, 0) for n in C.CHAR_NGRAMS)


#: feature_count by the length of the (bare) word
_COUNTS = [_count(n) for n in range(64)]


def feature_count(word):
    """len(classify.word_features(word)), without hashing anything."""
    length = len(word) - 1 if word[:1] == "-" and len(word) > 1 else len(word)
    return _COUNTS[length] if length < 64 else _count(length)


def vectors(result, feats, probs, reading, fields=("sentiment", "intent")):
    """{field: reading} for ``post`` as the shipped classifier saw it
    (``result``, ``feats``, ``probs`` and the intent layer's ``reading``
    from classify.classify). A reading
    is (dense features, words, scale): the words stand for their hashed
    n-grams (see classify.word_features), each weighing ``scale``, which
    makes the sparse part about unit length; see expand()."""
    base, words = feats
    shared, pairs, total = {}, [], 0.0
    for k, v in base.items():
        if k[:2] == "h:":
            pairs.append((k, v))
            total += v * v
        else:
            shared[k] = v
    total += sum(map(feature_count, words))
    scale = 1 / math.sqrt(total) if total else 1.0
    for k, v in pairs:
        shared[k] = v * scale
    shared["bias"] = 1.0
    lang = result["lang"]
    shared[f"lang:{lang}"] = 1.0
    sentiment = shared
    for name, value in (probs or {}).items():
        sentiment[f"p:{name}"] = value
    if "intent" not in fields:
        return {"sentiment": (sentiment, words, scale)}
    intent = dict(sentiment) if "sentiment" in fields else sentiment
    intent[f"label:{result['sentiment']}"] = 1.0
    if reading is not None:
        rule, request, complaint = reading
        intent[f"rule:{rule}"] = 1.0
        intent["s:request"] = _logit(request) / 4
        intent["s:complaint"] = _logit(complaint) / 4
    return {"sentiment": (sentiment, words, scale), "intent": (intent, words, scale)}


def expand(reading):
    """A reading as one sparse vector {feature: value} (for fitting)."""
    dense, words, scale = reading
    vector = dict(dense)
    for word in words:
        for name in C.word_features(word):
            vector[name] = vector.get(name, 0.0) + scale
    return vector


def shingles(words):
    """Hashed word pairs (single words for one-word posts) of a post's
    words (classify.scoped_words): what the memory compares, never the words."""
    words = [w for w in words if w.strip("-")]
    grams = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)] or words
    return {zlib.crc32(g.encode()) & 0xFFFFFF for g in grams}


def observe(text):
    """(words, shipped result, vectors): the one reading of a post."""
    probe = _Probe()
    result = C.classify(text, adaptation=probe)
    return probe.words, result, probe.vectors


class _Probe:
    """An adaptation that changes nothing and keeps what the layer reads."""

    post = words = vectors = None

    def adjust(self, post, result, feats, probs, reading):
        self.post, self.words = post, feats[1]
        self.vectors = vectors(result, feats, probs, reading)
        return result


# --------------------------------------------------------------------------
# The adaptation
# --------------------------------------------------------------------------
class Adaptation:
    """A company's adaptation; apply it with classify(text, adaptation=...)."""

    def __init__(
        self, layers=None, memory=None, counts=None, prior=PRIOR, near=NEAR_DUPLICATE, chosen=None
    ):
        #: field -> {"classes", "weights": {name: [w per class]}, "prior"?}
        #: (a layer's own prior logit when the fit chose one, see choose())
        self.layers = layers or {}
        #: field -> how the trust in the corrections was chosen (see choose())
        self.chosen = chosen or {}
        #: [{"h": [hashes], "lang"?, "sentiment"?, "intent"?}]
        self.memory = memory or []
        self.counts = counts or {}
        #: the shipped decision's logit, and the memory's similarity threshold
        self.prior = prior
        self.near = near
        self._index = None
        #: field -> WordRows (what each word adds to each logit)
        self._words = {}

    # --- serialisation ---------------------------------------------------
    def to_dict(self):
        return {
            "version": VERSION,
            "prior": self.prior,
            "near": self.near,
            "counts": self.counts,
            "layers": self.layers,
            "memory": self.memory,
            "chosen": self.chosen,
        }

    def to_json(self):
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_dict(cls, data):
        if not data or data.get("version") != VERSION:
            return cls()
        return cls(
            data.get("layers"),
            data.get("memory"),
            data.get("counts"),
            data.get("prior", PRIOR),
            data.get("near", NEAR_DUPLICATE),
            data.get("chosen"),
        )

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(json.loads(text) if text else None)

    def __bool__(self):
        return bool(self.layers or self.memory)

    # --- applying --------------------------------------------------------
    def _near(self, words):
        if not self.memory:
            return None
        if self._index is None:
            self._index = {}
            for number, entry in enumerate(self.memory):
                for h in entry["h"]:
                    self._index.setdefault(h, []).append(number)
        mine = shingles(words)
        if not mine:
            return None
        get = self._index.get
        shared = Counter(chain.from_iterable(get(h, ()) for h in mine))
        best, best_score = None, self.near
        # Jaccard <= common / len(mine): most candidates cannot reach it
        need = self.near * len(mine)
        for number, common in sorted(i for i in shared.items() if i[1] >= need):
            other = len(self.memory[number]["h"])
            score = common / (len(mine) + other - common)
            if score >= best_score:
                best, best_score = self.memory[number], score
        return best

    def adjust(self, post, result, feats, probs, reading):
        """``result`` of the shipped classifier, adjusted (called by
        classify.classify when given ``adaptation=``)."""
        result = dict(result)
        if self.layers:
            seen = vectors(result, feats, probs, reading, tuple(self.layers))
            for field, layer in self.layers.items():
                cache = self._words.get(field)
                if cache is None:
                    cache = self._words[field] = WordRows(layer)
                prior = layer.get("prior", self.prior)
                result[field] = decide(layer, seen[field], result[field], cache, prior)
        near = self._near(feats[1])
        if near:
            for field in FIELDS:
                if near.get(field):
                    result[field] = near[field]
        return result


class WordRows:
    """What each word adds to one layer's logits, cached per word. A word's
    features are its hash buckets (classify.word_buckets, already cached by
    the shipped model's pass), looked up as ints: the layer's hashed weights
    are indexed by bucket once, so no feature name is built per word."""

    __slots__ = ("buckets", "rows")

    def __init__(self, layer):
        self.buckets = {
            int(name[2:]): row
            for name, row in layer["weights"].items()
            if name[:2] == "h:" and name[2:].isdigit()
        }
        self.rows = {}

    def row(self, word):
        """What ``word`` and its n-grams add to each logit, or None."""
        rows, buckets = self.rows, self.buckets
        if word in rows:
            return rows[word]
        # a bucket met twice (a repeated n-gram) adds its weights twice
        hits = [buckets[b] for b in C.word_buckets(word) if b in buckets]
        row = [sum(column) for column in zip(*hits, strict=True)] if hits else None
        if row is not None and not any(row):
            row = None  # most words: no weight, nothing to add
        if len(rows) >= C.WORD_CACHE:
            rows.clear()
        rows[word] = row
        return row


def scores(layer, reading, shipped, cache=None, prior=PRIOR):
    """Logits of ``layer`` over a reading (see vectors()) with the shipped
    decision as prior. ``cache`` (WordRows of this layer) keeps what each
    word adds."""
    classes = layer["classes"]
    size = len(classes)
    logits = [prior if c == shipped else 0.0 for c in classes]
    get = layer["weights"].get
    dense, words, scale = reading
    if size == 4:  # unrolled: intent, the layer every correction trains
        a, b, c, d = logits
        for name, value in dense.items():
            row = get(name)
            if row:
                a += row[0] * value
                b += row[1] * value
                c += row[2] * value
                d += row[3] * value
        logits = [a, b, c, d]
    else:
        for name, value in dense.items():
            row = get(name)
            if row:
                for k in range(size):
                    logits[k] += row[k] * value
    if not words:
        return logits
    cache = WordRows(layer) if cache is None else cache
    known, rows = cache.rows.get, []
    for word in words:
        row = known(word, False)  # the cache first: most words are known
        if row is False:
            row = cache.row(word)
        if row is not None:
            rows.append(row)
    # what the words add, summed per class (then scaled once)
    for k, total in enumerate(map(sum, zip(*rows, strict=False))):
        logits[k] += total * scale
    return logits


def decide(layer, reading, shipped, cache=None, prior=PRIOR):
    logits = scores(layer, reading, shipped, cache, prior)
    return layer["classes"][max(range(len(logits)), key=lambda k: (logits[k], -k))]


# --------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------
def fit(corrections, seed=16, **settings):
    """The adaptation fitted on ``corrections`` (dicts, see check()); bad
    ones raise CorrectionError. Deterministic for the same corrections.
    ``settings`` override SETTINGS (for bench/adapt.py --tune)."""
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    settings = {**SETTINGS, **settings}
    rows = {f: [] for f in CLASSES}
    memory, counts = [], {f: 0 for f in FIELDS}
    for number, correction in enumerate(corrections, 1):
        problem = check(correction)
        if problem:
            raise CorrectionError(f"correction {number}: {problem}")
        words, result, seen = observe(correction["text"])
        entry = {"h": sorted(shingles(words))}
        for field in FIELDS:
            value = correction.get(field)
            if value:
                counts[field] += 1
                entry[field] = value
                if field in rows:
                    rows[field].append((expand(seen[field]), result[field], value))
        if entry["h"]:
            memory.append(entry)
    layers, chosen = {}, {}
    for field, data in rows.items():
        if not data:
            continue
        name, mine, shift = None, settings, 0.0
        if settings["choose"]:
            name, mine, shift, chosen[field] = choose(field, data, settings, seed)
        if name == NO_LAYER:
            continue  # the shipped decisions stand (and the memory)
        layer = _fit_layer(CLASSES[field], data, mine, seed)
        if mine["prior"] != settings["prior"]:
            layer["prior"] = mine["prior"]
        if shift:
            bias = layer["weights"].setdefault("bias", [0.0] * len(CLASSES[field]))
            bias[CLASSES[field].index("complaint")] = round(
                bias[CLASSES[field].index("complaint")] + shift, 3
            )
        layers[field] = layer
    return Adaptation(layers, memory, counts, settings["prior"], settings["near"], chosen)


def quality(field, gold, pred):
    """What the choice maximises, macro-F1 (plain Python, class indices):
    for intent over complaint against everything else, so that a company
    whose posts are mostly complaints is not served best by calling every
    post one (complaint F1 alone chose that: bench/adapt_shift.py); for
    sentiment over its classes."""
    classes = CLASSES[field]
    if field == "intent":
        k = classes.index("complaint")
        gold, pred = [g == k for g in gold], [p == k for p in pred]
        targets = (True, False)
    else:
        targets = range(len(classes))
    found = []
    for k in targets:
        tp = sum(g == k and p == k for g, p in zip(gold, pred, strict=True))
        fp = sum(g != k and p == k for g, p in zip(gold, pred, strict=True))
        fn = sum(g == k and p != k for g, p in zip(gold, pred, strict=True))
        found.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(found) / len(found)


def _folds(golds, k, seed):
    """Stratified folds of example indices (deterministic)."""
    rng = random.Random(seed)
    out = [[] for _ in range(k)]
    by_gold = {}
    for i, gold in enumerate(golds):
        by_gold.setdefault(gold, []).append(i)
    n = 0
    for gold in sorted(by_gold):
        members = by_gold[gold]
        rng.shuffle(members)
        for i in members:
            out[n % k].append(i)
            n += 1
    return out


def choose(field, data, settings, seed):
    """(name, settings, shift, report): how far ``field``'s layer may move
    from the shipped model, chosen from the corrections ``data`` themselves
    by CV_FOLDS-fold cross-validation over CANDIDATES (each with the
    SHIFTS of the complaint logit), and NO_LAYER; see CV_MIN. ``name`` is
    NO_LAYER when the field should keep the shipped decisions. The report
    says what was chosen and why (kept in the adaptation JSON): ``why`` in
    words, ``reason`` as a code (few, few_class, mistakes, no_gain, cv)."""
    classes = CLASSES[field]
    golds = [classes.index(gold) for _v, _s, gold in data]
    shipped = [classes.index(s) if s in classes else -1 for _v, s, _g in data]
    agree = sum(s == g for s, g in zip(shipped, golds, strict=True)) / len(data)
    report = {"n": len(data), "agree": round(agree, 3), "setting": CANDIDATES[0][0], "shift": 0.0}
    if len(data) < CV_MIN:
        report["why"] = f"fewer than {CV_MIN} corrections"
        report["reason"] = "few"
        return CANDIDATES[0][0], settings, 0.0, report
    if field == "intent":
        complaints = golds.count(classes.index("complaint"))
        counts = (complaints, len(golds) - complaints)
    else:
        counts = [golds.count(k) for k in range(len(classes))]
    if min(counts) < CV_MIN_CLASS:
        report["why"] = f"fewer than {CV_MIN_CLASS} corrections of a class the score counts"
        report["reason"] = "few_class"
        return CANDIDATES[0][0], settings, 0.0, report
    if agree < CV_AGREE:
        report["why"] = "the corrections hold only the model's mistakes"
        report["reason"] = "mistakes"
        return CANDIDATES[0][0], settings, 0.0, report
    parts = _folds(golds, CV_FOLDS, seed)
    shifts = SHIFTS if field == "intent" else (0.0,)
    target = classes.index("complaint") if field == "intent" else 0
    scored = {(NO_LAYER, 0.0): quality(field, golds, shipped)}
    for name, override in CANDIDATES:
        trial = {**settings, **override, "epochs": min(CV_EPOCHS, settings["epochs"])}
        logits = [None] * len(data)
        for number, held in enumerate(parts):
            train = [data[i] for p, part in enumerate(parts) if p != number for i in part]
            layer = _fit_layer(classes, train, trial, seed)
            for i in held:
                logits[i] = scores(layer, (data[i][0], (), 1.0), data[i][1], None, trial["prior"])
        for shift in shifts:
            pred = []
            for row in logits:
                row = list(row)
                row[target] += shift
                pred.append(max(range(len(row)), key=lambda k, row=row: (row[k], -k)))
            scored[(name, shift)] = quality(field, golds, pred)
    reference = (CANDIDATES[0][0], 0.0)
    order = [reference, *(key for key in scored if key != reference)]
    best = max(order, key=lambda key: (scored[key], -order.index(key)))
    report["cv"] = {f"{name} {shift:+g}": round(v, 4) for (name, shift), v in scored.items()}
    report["folds"] = CV_FOLDS
    if best == reference or scored[best] < scored[reference] + CV_MARGIN:
        report["why"] = "cross-validation: nothing clearly better than the shipped prior"
        report["reason"] = "no_gain"
        return CANDIDATES[0][0], settings, 0.0, report
    name, shift = best
    report["setting"], report["shift"] = name, shift
    report["why"] = "cross-validation on the corrections"
    report["reason"] = "cv"
    return name, {**settings, **dict(CANDIDATES).get(name, {})}, shift, report


def _fit_layer(classes, data, settings, seed):
    """SGD on the (class-weighted) softmax loss of prior x one-hot(shipped)
    + W.x, L2 on W."""
    epochs, rate, l2 = settings["epochs"], settings["rate"], settings["l2"]
    prior, min_count = settings["prior"], settings["min_count"]
    frequency = {}
    for vector, _shipped, _gold in data:
        for name in vector:
            frequency[name] = frequency.get(name, 0) + 1
    index = {}
    examples = []
    for vector, shipped, gold in data:
        sparse = []
        for name, value in vector.items():
            if value and (frequency[name] >= min_count or not name.startswith("h:")):
                sparse.append((index.setdefault(name, len(index)), value))
        examples.append(
            (sparse, classes.index(shipped) if shipped in classes else -1, classes.index(gold))
        )
    size = len(classes)
    weights = [[0.0] * size for _ in index]
    dense_l2 = settings["dense_l2"] + settings["dense_few"] / len(examples)
    golds = {}
    for _sparse, _shipped, gold in examples:
        golds[gold] = golds.get(gold, 0) + 1
    weigh = {g: (len(examples) / (len(golds) * n)) ** settings["balance"] for g, n in golds.items()}
    decay = [(l2 if name.startswith("h:") else dense_l2) / len(examples) for name in index]
    gain = settings["sparse_gain"]
    speed = [gain if name.startswith("h:") else 1.0 for name in index]
    order = list(range(len(examples)))
    rng = random.Random(seed)
    exp = math.exp
    for epoch in range(epochs):
        rng.shuffle(order)
        step = rate / (1 + epoch)
        # per feature: what one step keeps of a weight (L2) and its rate
        keep = [1 - step * s * d for s, d in zip(speed, decay, strict=True)]
        pace = [step * s for s in speed]
        for i in order:
            sparse, shipped, gold = examples[i]
            logits = [prior if k == shipped else 0.0 for k in range(size)]
            if size == 4:  # unrolled: intent, the layer every correction trains
                a, b, c, d = logits
                for j, value in sparse:
                    row = weights[j]
                    a += row[0] * value
                    b += row[1] * value
                    c += row[2] * value
                    d += row[3] * value
                logits = [a, b, c, d]
            else:
                for j, value in sparse:
                    row = weights[j]
                    for k in range(size):
                        logits[k] += row[k] * value
            top = max(logits)
            exps = [exp(v - top) for v in logits]
            total = sum(exps)
            w = weigh[gold]
            grads = [w * (e / total - (k == gold)) for k, e in enumerate(exps)]
            if size == 4:
                g0, g1, g2, g3 = grads
                for j, value in sparse:
                    row = weights[j]
                    kept, move = keep[j], pace[j] * value
                    row[0] = row[0] * kept - move * g0
                    row[1] = row[1] * kept - move * g1
                    row[2] = row[2] * kept - move * g2
                    row[3] = row[3] * kept - move * g3
            else:
                for j, value in sparse:
                    row = weights[j]
                    kept, move = keep[j], pace[j] * value
                    for k in range(size):
                        row[k] = row[k] * kept - move * grads[k]
    names = sorted(index, key=index.get)
    table = {}
    for name, row in zip(names, weights, strict=True):
        rounded = [round(w, 3) for w in row]
        if any(rounded):
            table[name] = rounded
    return {"classes": list(classes), "weights": table}


def read_corrections(stream, name="corrections"):
    """Corrections from JSON lines; raises CorrectionError with the line."""
    found = []
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as error:
            raise CorrectionError(f"{name} line {number}: not valid JSON ({error})") from None
        problem = check(data)
        if problem:
            raise CorrectionError(f"{name} line {number}: {problem}")
        found.append(data)
    return found
