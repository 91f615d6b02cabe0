"""Train the sentiment layer on the development sets, with cross-validation.

    .venv/bin/python bench/train_sentiment.py [--write]

For English (TweetEval validation) and Dutch (Dutch political tweets): a
multinomial logistic regression over words, word pairs and the lexicon score
(social_crm.classify.features), class-balanced for macro-recall. Prints
5-fold cross-validated macro-recall and accuracy next to the lexicon scorer
alone and the plain baselines, on the same folds. ``--write`` stores the
model trained on all the data in social_crm/data/sentiment_<lang>.json
(development-only dependency: scikit-learn; the addon applies the weights
in plain Python).
"""

import argparse
import json

from devdata import ROOT, C, accuracy, load, macro_recall, pattern_label, vader_label
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

C_VALUE = {"en": 0.03, "nl": 0.1}  # chosen by the 5-fold CV below
MIN_COUNT = 2


def featurize(rows, lang):
    return [C.features(t, C.lexicon_sentiment(t, lang)[1]) for t, _g in rows]


def prune(feature_dicts, vocabulary):
    return [{k: v for k, v in f.items() if k in vocabulary} for f in feature_dicts]


def fit(feature_dicts, labels, lang):
    counts = {}
    for f in feature_dicts:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    vocabulary = {k for k, n in counts.items() if n >= MIN_COUNT or ":" not in k}
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(prune(feature_dicts, vocabulary))
    model = LogisticRegression(C=C_VALUE[lang], class_weight="balanced", max_iter=2000)
    model.fit(x, labels)
    return vectorizer, model, vocabulary


def export(vectorizer, model):
    names = vectorizer.get_feature_names_out()
    weights = {}
    for j, name in enumerate(names):
        row = [round(float(model.coef_[k][j]), 4) for k in range(len(model.classes_))]
        if any(abs(w) >= 1e-3 for w in row):
            weights[name] = row
    return {
        "classes": list(model.classes_),
        "bias": [round(float(b), 4) for b in model.intercept_],
        "weights": weights,
    }


def cross_validate(rows, lang, baseline):
    labels = [g for _t, g in rows]
    feats = featurize(rows, lang)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    pred_model, pred_lex, pred_base, gold = [], [], [], []
    for train, test in folds.split(feats, labels):
        vectorizer, model, vocabulary = fit(
            [feats[i] for i in train], [labels[i] for i in train], lang
        )
        exported = export(vectorizer, model)
        for i in test:
            text = rows[i][0]
            probs = C.apply_model(exported, feats[i])
            pred_model.append(C.webcare_rules(max(probs, key=probs.get), text))
            pred_lex.append(C.lexicon_sentiment(text, lang)[0])
            pred_base.append(baseline(text))
            gold.append(labels[i])
    return gold, pred_model, pred_lex, pred_base


def report(english, dutch, write=False):
    for lang, rows, baseline, name in (
        ("en", english, vader_label, "VADER"),
        ("nl", dutch, pattern_label, "pattern-nl"),
    ):
        gold, model, lex, base = cross_validate(rows, lang, baseline)
        print(f"{lang}: 5-fold CV on {len(rows)} posts | macro-recall / accuracy")
        for label, pred in (("trained layer", model), ("lexicon only", lex), (name, base)):
            print(f"  {label:14} {macro_recall(gold, pred):.3f} / {accuracy(gold, pred):.3f}")
        if write:
            labels = [g for _t, g in rows]
            vectorizer, fitted, _vocab = fit(featurize(rows, lang), labels, lang)
            path = ROOT / "social_crm" / "data" / f"sentiment_{lang}.json"
            path.write_text(json.dumps(export(vectorizer, fitted), separators=(",", ":")))
            print(f"  wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    report(*load(), write=args.write)


if __name__ == "__main__":
    main()
