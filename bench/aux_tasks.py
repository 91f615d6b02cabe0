"""Sentiment with auxiliary tasks stacked in: does a word model for a related
label (emotion, irony, proactivity) help the sentiment layer on the grouped folds?

    SOCIAL_CRM_SHARED=../shared nice -n 10 .venv/bin/python bench/aux_tasks.py \
        --lang nl [--seeds 7,1,2]

The shipped sentiment model (bench/train_sentiment.py) stacks one layer over
the word model's out-of-fold scores and the dense lexicon features. Here the
layer also reads the scores of word models for other labels:

- Dutch: the thesis's emotion (6 classes) and proactivity sheets label the
  same political tweets as the polarity sheet. Inside each CV fold, those
  auxiliary models are fitted on the *training* tweets' emotion/proactivity
  labels only (inner out-of-fold scores for the layer, as for the words), so
  no held-out tweet's label of any kind is read.
- English: the TweetEval emotion (374) and irony (955) validation tweets are
  other tweets than the sentiment ones; their models are fitted on them and
  score every sentiment tweet.

Every word model is linear in the same hashed features, so the stack still
collapses into one linear model of the shipped shape; the CV scores that
collapsed model through C.apply_model, as the addon would. "none" is the
shipped recipe, refitted on the same folds.
"""

import argparse
import csv
import warnings

import numpy as np
from devdata import C, accuracy, load, macro_recall
from near_duplicates import groups, similarity, words
from sklearn.feature_extraction import DictVectorizer
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from train_sentiment import C_LAYER, _logistic, export, featurize, fit_words, webcare_rows

from social_crm.connectors.testing import shared_dir


def _sparse(f):
    return {k: v for k, v in f.items() if ":" in k}


def _dense(f):
    return {k: v for k, v in f.items() if ":" not in k}


def dutch_aux(dutch):
    """{name: [label or None per polarity row]}: the emotion and proactivity
    sheets matched to the polarity tweets by their word sets (> 0.8 overlap,
    the near-duplicate rule: the sheets differ in whitespace and quotes)."""
    base = shared_dir() / "fixtures" / "datasets" / "dutch_political_tweets"
    targets = [words(t) for t, _g in dutch]
    exact = {w: i for i, w in enumerate(targets)}
    out = {}
    for name in ("emotion", "proactivity"):
        labels = [None] * len(dutch)
        with open(base / f"gold-{name}.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                w = words(row["content"])
                i = exact.get(w)
                if i is None:
                    best = max(range(len(targets)), key=lambda j, w=w: similarity(w, targets[j]))
                    i = best if similarity(w, targets[best]) > 0.8 else None
                if i is not None:
                    labels[i] = row[name]
        out[name] = labels
        print(
            f"  {name}: {sum(x is not None for x in labels)} of {len(dutch)} polarity tweets",
            "labelled",
        )
    return out


def english_aux():
    """{name: (sparse features, labels)} of the TweetEval emotion and irony
    validation tweets (none of them is a sentiment validation tweet)."""
    base = shared_dir() / "fixtures" / "datasets" / "tweeteval_val"
    out = {}
    for name in ("emotion", "irony"):
        texts = (base / name / "val_text.txt").read_text(encoding="utf-8").splitlines()
        labels = (base / name / "val_labels.txt").read_text().split()
        out[name] = ([_sparse(C.features(t, "en")) for t in texts], labels)
    return out


def _scores(model, sparse):
    vectorizer, lr = model
    s = lr.decision_function(vectorizer.transform(sparse))
    return s.reshape(len(sparse), -1)


def _fit_labelled(sparse, labels, lang, rows):
    rows = [i for i in rows if labels[i] is not None]
    return fit_words([sparse[i] for i in rows], [labels[i] for i in rows], lang)


def fit(feats, labels, lang, inside, outside, weights=None):
    """The stacked model with auxiliary word models, collapsed for export.
    ``inside``: {name: [aux label or None per row]} (labels of these rows);
    ``outside``: {name: (sparse, labels)} of other posts."""
    sparse, dense = [_sparse(f) for f in feats], [_dense(f) for f in feats]
    n = len(labels)
    pick = (lambda r: None) if weights is None else (lambda r: np.asarray([weights[i] for i in r]))
    oof = {"words": np.zeros((n, 3))}
    inner = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for a, b in inner.split(sparse, labels):
        model = fit_words([sparse[i] for i in a], [labels[i] for i in a], lang, pick(a))
        oof["words"][b] = _scores(model, [sparse[i] for i in b])
        for name, aux in inside.items():
            s = _scores(_fit_labelled(sparse, aux, lang, a), [sparse[i] for i in b])
            oof.setdefault(name, np.zeros((n, s.shape[1])))[b] = s
    models = {"words": fit_words(sparse, labels, lang, pick(range(n)))}
    for name, aux in inside.items():
        models[name] = _fit_labelled(sparse, aux, lang, range(n))
    for name, (aux_sparse, aux_labels) in outside.items():
        models[name] = fit_words(aux_sparse, aux_labels, lang)
        oof[name] = _scores(models[name], sparse)
    blocks = list(models)
    dense_vectorizer = DictVectorizer(sparse=False)
    x = np.hstack([*(oof[b] for b in blocks), dense_vectorizer.fit_transform(dense)])
    layer = _logistic(C_LAYER[lang]).fit(x, labels, sample_weight=weights)
    # collapse: each block's layer coefficients times that block's word model
    total, start = {}, 0
    bias = layer.intercept_.copy()
    for b in blocks:
        vectorizer, lr = models[b]
        width = oof[b].shape[1]
        on = layer.coef_[:, start : start + width]
        start += width
        coef = on @ lr.coef_
        bias = bias + on @ lr.intercept_
        for j, name in enumerate(vectorizer.get_feature_names_out()):
            total[name] = total.get(name, 0) + coef[:, j]
    for j, name in enumerate(dense_vectorizer.get_feature_names_out()):
        total[name] = layer.coef_[:, start + j]
    names = list(total)
    return export(names, np.array([total[k] for k in names]).T, bias, layer.classes_)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", choices=("en", "nl"), required=True)
    parser.add_argument("--seeds", default="7,1,2")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    warnings.filterwarnings("ignore")
    english, dutch = load()
    rows = dutch if args.lang == "nl" else english
    lang = args.lang
    labels, feats = [g for _t, g in rows], featurize(rows, lang)
    extra_feats, extra_labels, extra_weights = webcare_rows(lang)
    if lang == "nl":
        aux = dutch_aux(rows)
        variants = {
            "none (shipped recipe)": ({}, {}),
            "+ emotion": ({"emotion": aux["emotion"]}, {}),
            "+ proactivity": ({"proactivity": aux["proactivity"]}, {}),
            "+ both": (aux, {}),
        }
    else:
        aux = english_aux()
        variants = {
            "none (shipped recipe)": ({}, {}),
            "+ emotion": ({}, {"emotion": aux["emotion"]}),
            "+ irony": ({}, {"irony": aux["irony"]}),
            "+ both": ({}, aux),
        }
    metric = accuracy if lang == "nl" else macro_recall
    results = {v: [] for v in variants}
    for seed in seeds:
        folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
        preds = {v: [None] * len(rows) for v in variants}
        for train, test in folds.split(feats, labels, groups(rows)):
            train_feats = [feats[i] for i in train] + extra_feats
            train_labels = [labels[i] for i in train] + extra_labels
            weights = [1.0] * len(train) + extra_weights if extra_feats else None
            for v, (inside, outside) in variants.items():
                inside_rows = {
                    k: [lab[i] for i in train] + [None] * len(extra_feats)
                    for k, lab in inside.items()
                }
                model = fit(train_feats, train_labels, lang, inside_rows, outside, weights)
                for i in test:
                    probs = C.apply_model(model, feats[i])
                    preds[v][i] = C.webcare_rules(max(probs, key=probs.get), rows[i][0])
        for v in variants:
            results[v].append(metric(labels, preds[v]))
        print(
            f"seed {seed}: " + ", ".join(f"{v} {r[-1]:.3f}" for v, r in results.items()), flush=True
        )
    base = np.mean(results["none (shipped recipe)"])
    name = "accuracy" if lang == "nl" else "macro-recall"
    print(f"\n{lang} {name}, 5-fold grouped CV, mean over fold seeds {seeds}")
    print("| variant | mean | delta vs shipped recipe | per seed |")
    print("| --- | --- | --- | --- |")
    for v, r in results.items():
        print(
            f"| {v} | {np.mean(r):.3f} | {np.mean(r) - base:+.3f} |",
            " ".join(f"{a:.3f}" for a in r),
            "|",
        )


if __name__ == "__main__":
    main()
