"""Dutch polarity: the feature and learner variants tried for issue 16, each
scored against the shipped setting before it on the same grouped folds.

    SOCIAL_CRM_SHARED=../shared nice -n 10 .venv/bin/python bench/nl_variants.py [--seeds 7,1,2]

5-fold StratifiedGroupKFold (near-duplicates in one fold) on the 899 Dutch
political tweets, per fold seed. The word model (bench/train_sentiment.py,
the expensive part) is fitted once per fold, with its inner out-of-fold
scores; every variant then fits only the stacked layer over those scores
and its dense features, exactly as train_sentiment.fit() does (the collapse
into one linear model does not change the decisions). "before" is the
layer over the dense features shipped before issue 16 (no ``nl_*``
features); "shipped" is the current C.features. Prints the mean accuracy
over the seeds and the delta against "before" on the same folds. About
1 to 2 minutes per seed on a quiet core.
"""

import argparse
import math
import re
import warnings

import numpy as np
from devdata import C, accuracy, load
from near_duplicates import groups
from sklearn.feature_extraction import DictVectorizer
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.naive_bayes import MultinomialNB
from train_sentiment import C_LAYER, MIN_COUNT, _logistic, featurize, fit_words

PATTERN = ("nl_pattern", "nl_pattern_pos", "nl_pattern_neg", "nl_pattern_subj")
CUES = ("nl_digits", "nl_first_person", "nl_we", "nl_quote")

# ---- experimental features that were not shipped --------------------------
#: compound modifiers with a valence of their own ("klotebeleid", "topavond")
PREFIXES = {"klote": -3.0, "kut": -3.0, "kanker": -3.0, "tering": -3.0, "schijt": -2.5}
PREFIXES |= {"top": 2.5, "super": 2.0, "mega": 1.0, "pracht": 2.5, "wonder": 2.0}
PREFIXES |= {"prut": -2.0, "bagger": -2.5}


def lexicon_value(word, cache={}):  # noqa: B006 - a deliberate per-process cache
    """LUPJE/pattern valence with inflections, diminutives, compound heads
    ("coronacrisis" -> "crisis") and valenced modifiers ("klotebeleid")."""
    if word in cache:
        return cache[word]
    table = C.dutch_lexicon()
    value = table.get(word)
    if value is None and len(word) > 4:
        for suffix in C.DUTCH_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                value = next(
                    (table[s] for s in C._dutch_stems(word[: -len(suffix)]) if s in table), None
                )
                if value is not None:
                    break
    if value is None and len(word) >= 7:
        value = next(
            (table[word[c:]] for c in range(3, len(word) - 4) if table.get(word[c:])), None
        )
        if value is None:
            value = next(
                (v for p, v in PREFIXES.items() if word.startswith(p) and len(word) > len(p) + 2),
                None,
            )
    cache[word] = value
    return value


def lexicon_features(post):
    """The VADER-style Dutch score again over lexicon_value(), negation
    ("niet", "geen") inverting up to 3 words on, boosters, a clause break
    ending the scope."""
    tokens = [t.lower() for t in C.WORD_RE.findall(post.clean)]
    values = []
    for i, token in enumerate(tokens):
        value = lexicon_value(token) if token.isalpha() else None
        if not value:
            continue
        for distance, previous in enumerate(reversed(tokens[max(0, i - 3) : i]), 1):
            if distance == 1 and previous in C.BOOSTERS_NL:
                value += math.copysign(C.BOOSTERS_NL[previous] * 2, value)
            if previous in C.NEGATIONS_NL:
                value *= -0.74
                break
            if previous in ",.;:!?":
                break
        values.append(value)
    pos, neg = sum(v for v in values if v > 0), -sum(v for v in values if v < 0)
    total = pos - neg
    return {
        "x_pos": pos / (pos + 3),
        "x_neg": neg / (neg + 3),
        "x_npos": min(sum(v > 0 for v in values), 4) / 4,
        "x_nneg": min(sum(v < 0 for v in values), 4) / 4,
        "x_comp": total / math.sqrt(total * total + 15) if total else 0.0,
    }


def subjectivity_features(post):
    words = [t.lower() for t in C.WORD_RE.findall(post.clean) if t.isalpha()]
    subj = [e[1] for e in map(C.dutch_pattern_entry, words) if e and e[1]]
    return {
        "x_subj_mean": sum(subj) / len(subj) if subj else 0.0,
        "x_subj_n": min(sum(s >= 0.5 for s in subj), 4) / 4,
        "x_subj_share": len(subj) / max(len(words), 1),
    }


QUESTION = re.compile(
    r"^(wat|waar|wanneer|hoe|waarom|welke|wie|kan|kun|kunnen|mag|moet|is|zijn|heeft|"
    r"hebben|weet|gaat|wordt|komt)\b",
    re.I,
)


def question_features(post):
    """Tried with the shipped cues, then left out: no gain on the political
    tweets, and customers' questions read as negative."""
    text = post.text.strip()
    return {
        "x_q_end": float(text.endswith("?")),
        "x_excl_end": float(text.endswith("!")),
        "x_q_start": float(bool(QUESTION.match(post.clean))),
        "x_length": min(len(post.clean.split()), 40) / 40,
    }


EMOTICON_POS = re.compile(r"(?<!\w)[:;=8][-']?[)\]dDpP]|\(:|<3|\^\^|xD")
EMOTICON_NEG = re.compile(r"(?<!\w)[:;=][-']?[(\[/\\|]|:'\(|</3")


def emoji_features(post):
    emoji = C._emoji_score(post.text)
    pos, neg = sum(x for x in emoji if x > 0), -sum(x for x in emoji if x < 0)
    return {
        "x_emo_pos": pos / (pos + 2),
        "x_emo_neg": neg / (neg + 2),
        "x_emo_n": min(len(emoji), 3) / 3,
        "x_emoticon_pos": float(bool(EMOTICON_POS.search(post.text))),
        "x_emoticon_neg": float(bool(EMOTICON_NEG.search(post.text))),
    }


class _NaiveBayes:
    """Multinomial NB over binary hashed features, scored as centred joint
    log-likelihoods (linear, so it would collapse like the word model)."""

    def __init__(self, sparse, labels):
        counts = {}
        for f in sparse:
            for k in f:
                counts[k] = counts.get(k, 0) + 1
        self.vectorizer = DictVectorizer()
        x = self.vectorizer.fit_transform(
            [{k: 1.0 for k in f if counts[k] >= MIN_COUNT} for f in sparse]
        )
        self.nb = MultinomialNB(alpha=0.5).fit(x, labels)

    def decision_function(self, sparse):
        x = self.vectorizer.transform([dict.fromkeys(f, 1.0) for f in sparse])
        joint = np.asarray(x @ self.nb.feature_log_prob_.T) + self.nb.class_log_prior_
        return joint - joint.mean(axis=1, keepdims=True)


# ---- the folds -------------------------------------------------------------
def fold_scores(sparse, labels, train, test, fitter):
    """(inner out-of-fold scores on ``train``, scores of ``test``)."""
    out_of_fold = np.zeros((len(train), 3))
    inner = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    rows, gold = [sparse[i] for i in train], [labels[i] for i in train]
    for a, b in inner.split(rows, gold):
        model = fitter([rows[i] for i in a], [gold[i] for i in a])
        out_of_fold[b] = model([rows[i] for i in b])
    return out_of_fold, fitter(rows, gold)([sparse[i] for i in test])


def words_fitter(rows, gold):
    vectorizer, model = fit_words(rows, gold, "nl")
    return lambda s: model.decision_function(vectorizer.transform(s))


def nb_fitter(rows, gold):
    return _NaiveBayes(rows, gold).decision_function


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="7,1,2")
    seeds = [int(s) for s in parser.parse_args().seeds.split(",")]
    warnings.filterwarnings("ignore")
    _english, dutch = load()
    labels, texts = [g for _t, g in dutch], [t for t, _g in dutch]
    feats = featurize(dutch, "nl")
    sparse = [{k: v for k, v in f.items() if ":" in k} for f in feats]
    shipped = [{k: v for k, v in f.items() if ":" not in k} for f in feats]
    before = [{k: v for k, v in f.items() if not k.startswith("nl_")} for f in shipped]
    posts = [C.Post(t) for t in texts]

    def plus(keys=(), *extra):
        rows = []
        for b, s, post in zip(before, shipped, posts, strict=True):
            row = dict(b, **{k: s[k] for k in keys})
            for function in extra:
                row.update(function(post))
            rows.append(row)
        return rows

    variants = {
        "before issue 16 (baseline)": (before, False),
        "+ LUPJE/pattern lookup with inflections, diminutives, compounds, negation scope": (
            plus((), lexicon_features),
            False,
        ),
        "+ emoji and emoticons, dense": (plus((), emoji_features), False),
        "+ pattern-nl subjectivity only": (plus((), subjectivity_features), False),
        "+ pattern-nl's own reading (polarity, subjectivity)": (plus(PATTERN), False),
        "+ opinion/report cues (ik, wij, numbers, quote)": (plus(CUES), False),
        "+ those cues and ?/! at the end, question word, length": (
            plus(CUES, question_features),
            False,
        ),
        "+ naive Bayes over the hashed words, stacked": (before, True),
        "+ pattern-nl reading + cues (SHIPPED)": (shipped, False),
        "+ pattern-nl reading + cues + ?/!/length": (
            plus(PATTERN + CUES, question_features),
            False,
        ),
        "+ pattern-nl reading + cues + subjectivity": (
            plus(PATTERN + CUES, subjectivity_features),
            False,
        ),
        "+ everything above": (
            plus(
                PATTERN + CUES,
                question_features,
                subjectivity_features,
                lexicon_features,
                emoji_features,
            ),
            True,
        ),
    }
    results = {name: [] for name in variants}
    for seed in seeds:
        folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
        preds = {name: [None] * len(texts) for name in variants}
        for train, test in folds.split(sparse, labels, groups(dutch)):
            words = fold_scores(sparse, labels, train, test, words_fitter)
            bayes = fold_scores(sparse, labels, train, test, nb_fitter)
            for name, (dense, with_nb) in variants.items():
                stacked = [words, bayes] if with_nb else [words]
                vectorizer = DictVectorizer(sparse=False)
                x_train = np.hstack(
                    [*(s[0] for s in stacked), vectorizer.fit_transform([dense[i] for i in train])]
                )
                x_test = np.hstack(
                    [*(s[1] for s in stacked), vectorizer.transform([dense[i] for i in test])]
                )
                layer = _logistic(C_LAYER["nl"]).fit(x_train, [labels[i] for i in train])
                for i, label in zip(test, layer.predict(x_test), strict=True):
                    preds[name][i] = C.webcare_rules(label, texts[i])
        for name in variants:
            results[name].append(accuracy(labels, preds[name]))
        print(f"fold seed {seed} done", flush=True)
    base = np.mean(results["before issue 16 (baseline)"])
    print(f"\nDutch accuracy, 5-fold grouped CV, mean over fold seeds {seeds}")
    print("| variant | mean accuracy | delta vs baseline, same folds | per seed |")
    print("| --- | --- | --- | --- |")
    for name, accs in results.items():
        per_seed = " ".join(f"{a:.3f}" for a in accs)
        print(f"| {name} | {np.mean(accs):.3f} | {np.mean(accs) - base:+.3f} | {per_seed} |")


if __name__ == "__main__":
    main()
