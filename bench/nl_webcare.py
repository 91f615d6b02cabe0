"""Dutch sentiment for webcare posts too: the Dutch layer trained on the
political tweets plus the 80 Dutch webcare DEV posts (bench/data/
intent_dev.jsonl, our own hand-written posts), with a sample weight per
webcare row, against the layer trained on the political tweets alone.

    SOCIAL_CRM_SHARED=../shared nice -n 10 .venv/bin/python bench/nl_webcare.py \\
        [--seeds 7,1,2] [--weights 2] [--jobs 2]

Measured for every variant in the same run, on the same folds:

(a) political accuracy, 5-fold StratifiedGroupKFold over the 899 Dutch
    political tweets per fold seed (the folds of bench/train_sentiment.py);
    the webcare dev posts are always in the training folds, the political
    test fold is scored;
(b) webcare dev CV: 5-fold StratifiedKFold over the 80 Dutch webcare dev
    posts (fold seed 7), all political tweets always in training, the held
    out webcare posts scored as classify() scores them (its language
    detection; posts not read as Dutch keep the shipped English/lexicon
    label); sentiment macro-F1 over the 80, as bench/intent_eval.py computes
    it. Weight 0 is the political-only layer (what shipped before).

The weight is chosen on (a) and (b) only; the held-out test posts
(intent_test.jsonl) are neither trained on nor scored here: the chosen
layer is written by ``bench/train_sentiment.py --lang nl --webcare-weight W
--write`` and scored once by bench/intent_eval.py.
Each fit is the full stacked fit of bench/train_sentiment.py (about 30 s).
"""

import argparse
import json
import re
import warnings
from multiprocessing import Pool

import numpy as np
from devdata import ROOT, C, accuracy, load
from intent_eval import SENTIMENTS, macro_f1
from near_duplicates import groups
from sklearn.feature_extraction import DictVectorizer
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from train_sentiment import C_LAYER, _logistic, featurize, fit_words

DATA = ROOT / "bench" / "data"
STATE = {}

# ---- idea 2: cue definitions that webcare posts trip over ---------------------
#: a time (8:12), a duration or count with its unit (2 uur, 3 dagen, 1 keer,
#: 10 min) or an ordinal (3e keer): a customer's report, not a news figure
CUSTOMER_NUMBER = re.compile(
    r"\b\d+[:.]\d\d\b|\b\d+\s*(?:e|de|ste)\b|"
    r"\b\d+(?:[,.]\d+)?\s*(?:min|minuten|minuut|uur|uren|dag|dagen|week|weken|maand|maanden|keer|x)\b",
    re.I,
)
#: "Naam: ..." or a quotation at the start (not a URL's or a time's colon)
QUOTE_START = re.compile(r"^\W{0,3}[\"'\u201c\u201e]|^[^\s:]+(?:\s[^\s:]+){0,3}:\s")


def fixed_digits(post):
    numbers = len(C.DIGITS.findall(CUSTOMER_NUMBER.sub(" ", post.clean)))
    return {"nl_digits": min(numbers, 4) / 4}


def fixed_quote(post):
    return {"nl_quote": float(bool(QUOTE_START.search(post.clean)))}


VARIANTS = {
    "shipped cues": (),
    "no numbers cue": ("drop",),
    "numbers: times, durations, counts not counted": (fixed_digits,),
    "quote: start only, not a URL's or time's colon": (fixed_quote,),
    "both fixes": (fixed_digits, fixed_quote),
}


def dense_variants(rows, feats):
    """{variant: dense feature dicts} for these posts."""
    shipped = [{k: v for k, v in f.items() if ":" not in k} for f in feats]
    out = {}
    for name, changes in VARIANTS.items():
        dense = []
        for (text, _g), base in zip(rows, shipped, strict=True):
            row = dict(base)
            for change in changes:
                if change == "drop":
                    del row["nl_digits"]
                else:
                    row.update(change(C.Post(text)))
            dense.append(row)
        out[name] = dense
    return out


def webcare(name):
    rows = [json.loads(line) for line in (DATA / f"intent_{name}.jsonl").open()]
    return [(r["text"], r["sentiment"]) for r in rows if r["lang"] == "nl"]


def webcare_label(model, text, feats):
    """The sentiment classify() gives ``text`` with ``model`` as the Dutch layer."""
    if C.detect_language(C.Post(text).clean)[0] != "nl":
        return C.classify(text)["sentiment"]  # not read as Dutch: the layer is not used
    probs = C.apply_model(model, feats)
    return C.webcare_rules(max(probs, key=probs.get), text)


def word_scores(sparse, labels, weights, held):
    """As train_sentiment.fit(): the word model's inner out-of-fold scores
    on the training rows, and the full word model's scores of ``held``."""
    out_of_fold = np.zeros((len(labels), 3))
    inner = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for a, b in inner.split(sparse, labels):
        vectorizer, words = fit_words(
            [sparse[i] for i in a], [labels[i] for i in a], "nl", weights[a]
        )
        out_of_fold[b] = words.decision_function(vectorizer.transform([sparse[i] for i in b]))
    vectorizer, words = fit_words(sparse, labels, "nl", weights)
    return out_of_fold, words.decision_function(vectorizer.transform(held))


def run(task):
    """One word model per (kind, seed, fold, weight), then the stacked layer
    for every cue variant -> (task, {variant: {index: label}})."""
    kind, seed, fold, weight = task
    political, dev = STATE["political"], STATE["dev"]
    p_sparse, d_sparse = STATE["p_sparse"], STATE["d_sparse"]
    p_labels = [g for _t, g in political]
    d_labels = [g for _t, g in dev]
    if kind == "political":
        folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
        train, held = list(folds.split(p_sparse, p_labels, STATE["groups"]))[fold]
        dev_rows = list(range(len(dev))) if weight else []
        held_rows, held_set = list(held), "p"
    else:  # webcare: political always in training, dev posts held out
        train = list(range(len(political)))
        if kind == "webcare":
            folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
            dev_train, held = list(folds.split(d_sparse, d_labels))[fold]
            dev_rows = list(dev_train)
        else:  # "webcare0": the political-only layer, every dev post held out
            dev_rows, held = [], range(len(dev))
        held_rows, held_set = list(held), "d"
    sparse = [p_sparse[i] for i in train] + [d_sparse[i] for i in dev_rows]
    labels = [p_labels[i] for i in train] + [d_labels[i] for i in dev_rows]
    weights = np.asarray([1.0] * len(train) + [float(weight)] * len(dev_rows))
    held_sparse = [(p_sparse if held_set == "p" else d_sparse)[i] for i in held_rows]
    out_of_fold, held_scores = word_scores(sparse, labels, weights, held_sparse)
    out = {}
    for name in VARIANTS:
        p_dense, d_dense = STATE["p_dense"][name], STATE["d_dense"][name]
        dense = [p_dense[i] for i in train] + [d_dense[i] for i in dev_rows]
        vectorizer = DictVectorizer(sparse=False)
        x = np.hstack([out_of_fold, vectorizer.fit_transform(dense)])
        layer = _logistic(C_LAYER["nl"]).fit(x, labels, sample_weight=weights)
        held_dense = [(p_dense if held_set == "p" else d_dense)[i] for i in held_rows]
        predicted = layer.predict(np.hstack([held_scores, vectorizer.transform(held_dense)]))
        texts = political if held_set == "p" else dev
        labelled = {}
        for i, label in zip(held_rows, predicted, strict=True):
            text = texts[i][0]
            if held_set == "d" and C.detect_language(C.Post(text).clean)[0] != "nl":
                labelled[int(i)] = C.classify(text)["sentiment"]
            else:
                labelled[int(i)] = C.webcare_rules(str(label), text)
        out[name] = labelled
    return task, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="7,1,2")
    parser.add_argument("--weights", default="2")
    parser.add_argument("--webcare-seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    weights = [0.0] + [float(w) for w in args.weights.split(",")]
    warnings.filterwarnings("ignore")
    political = load()[1]
    dev = webcare("dev")
    p_feats, d_feats = featurize(political, "nl"), featurize(dev, "nl")
    STATE.update(
        political=political,
        dev=dev,
        groups=groups(political),
        p_sparse=[{k: v for k, v in f.items() if ":" in k} for f in p_feats],
        d_sparse=[{k: v for k, v in f.items() if ":" in k} for f in d_feats],
        p_dense=dense_variants(political, p_feats),
        d_dense=dense_variants(dev, d_feats),
    )
    tasks = [("webcare0", args.webcare_seed, 0, 0.0)]
    tasks += [("webcare", args.webcare_seed, f, w) for f in range(5) for w in weights if w]
    tasks += [("political", s, f, w) for s in seeds for f in range(5) for w in weights]
    results = {}
    with Pool(args.jobs) as pool:
        for task, out in pool.imap_unordered(run, tasks):
            kind = "webcare" if task[0] == "webcare0" else task[0]
            for name, labels in out.items():
                results.setdefault((kind, task[1], task[3], name), {}).update(labels)
            print("done", task, flush=True)
    p_gold = [g for _t, g in political]
    d_gold = [g for _t, g in dev]
    shipped = C.sentiment_model("nl")
    check = [webcare_label(shipped, t, d_feats[i]) for i, (t, _g) in enumerate(dev)]
    check = macro_f1(d_gold, check, SENTIMENTS)
    print(f"\nshipped sentiment_nl.json on the 80 dev posts: {check:.3f}")
    print(
        f"Dutch layer + 80 webcare dev posts; political 5-fold grouped CV, fold seeds {seeds}; "
        f"webcare dev 5-fold CV, fold seed {args.webcare_seed}"
    )
    print(
        "| webcare row weight | Dutch cues | political CV accuracy, mean (per seed) | "
        "delta, same folds | webcare dev CV macro-F1 |"
    )
    print("| --- | --- | --- | --- | --- |")
    base = None
    for w in weights:
        for name in VARIANTS:
            accs = []
            for s in seeds:
                pred = results[("political", s, w, name)]
                accs.append(accuracy(p_gold, [pred[i] for i in range(len(political))]))
            base = np.mean(accs) if base is None else base
            pred = results[("webcare", args.webcare_seed, w, name)]
            dev_f1 = macro_f1(d_gold, [pred[i] for i in range(len(dev))], SENTIMENTS)
            weight = "0 (political only)" if not w else f"{w:g}"
            per_seed = " ".join(f"{a:.3f}" for a in accs)
            print(
                f"| {weight} | {name} | {np.mean(accs):.3f} ({per_seed}) | "
                f"{np.mean(accs) - base:+.3f} | {dev_f1:.3f} |"
            )


if __name__ == "__main__":
    main()
