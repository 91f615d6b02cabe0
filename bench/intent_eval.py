"""Intent (and sentiment) on the hand-labelled webcare sets, per language.

    .venv/bin/python bench/intent_eval.py [--set test|dev|both]

bench/data/intent_test.jsonl (320 posts, half Dutch) is held out: rules are
tuned on intent_dev.jsonl only. Prints macro-F1 for intent and for sentiment,
per language and overall, next to a baseline from the same run: a keyword
rule ("?" means question, VADER's negative means complaint, positive means
praise, else other).
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from social_crm.classify import classify  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
INTENTS = ["complaint", "question", "praise", "other"]
SENTIMENTS = ["negative", "neutral", "positive"]


def macro_f1(gold, predicted, labels):
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0)
    return sum(scores) / len(scores)


def baseline(text, analyzer):
    compound = analyzer.polarity_scores(text)["compound"]
    sentiment = "negative" if compound <= -0.05 else "positive" if compound >= 0.05 else "neutral"
    if "?" in text:
        intent = "question"
    else:
        intent = {"negative": "complaint", "positive": "praise"}.get(sentiment, "other")
    return intent, sentiment


def evaluate(rows):
    analyzer = SentimentIntensityAnalyzer()
    ours = [classify(row["text"]) for row in rows]
    base = [baseline(row["text"], analyzer) for row in rows]
    gold_i = [row["intent"] for row in rows]
    gold_s = [row["sentiment"] for row in rows]
    return {
        "n": len(rows),
        "intent": macro_f1(gold_i, [o["intent"] for o in ours], INTENTS),
        "intent_baseline": macro_f1(gold_i, [b[0] for b in base], INTENTS),
        "sentiment": macro_f1(gold_s, [o["sentiment"] for o in ours], SENTIMENTS),
        "sentiment_baseline": macro_f1(gold_s, [b[1] for b in base], SENTIMENTS),
        "confusion": Counter(
            (g, o["intent"]) for g, o in zip(gold_i, ours, strict=True) if g != o["intent"]
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=["test", "dev", "both"], default="both")
    parser.add_argument("--errors", action="store_true", help="show the most common confusions")
    args = parser.parse_args()
    names = ["dev", "test"] if args.set == "both" else [args.set]
    print("set   lang  n    intent F1 (baseline)   sentiment F1 (baseline)")
    for name in names:
        rows = [json.loads(line) for line in (DATA / f"intent_{name}.jsonl").open()]
        for lang in ("nl", "en", "all"):
            subset = [r for r in rows if lang in ("all", r["lang"])]
            result = evaluate(subset)
            print(
                f"{name:5} {lang:4} {result['n']:4} "
                f"{result['intent']:.3f} ({result['intent_baseline']:.3f})        "
                f"{result['sentiment']:.3f} ({result['sentiment_baseline']:.3f})"
            )
            if args.errors and lang == "all":
                for (gold, got), count in result["confusion"].most_common(8):
                    print(f"      {gold} -> {got}: {count}")


if __name__ == "__main__":
    main()
