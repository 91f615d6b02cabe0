"""Classifier speed and quality on the development sets, next to baselines
measured in the same run.

    .venv/bin/python bench/classify.py [--repeats N]

- English sentiment (TweetEval validation, 2,000 tweets): macro-recall.
- Dutch polarity (Dutch political tweets, 899): accuracy.
  For both: the shipped classifier's trained layer is scored by 5-fold
  cross-validation only (it was trained on these sets, so scoring it on them
  directly would be in-sample); the lexicon scorer alone and the baselines
  (plain VADER; the pattern-nl lexicon alone) are scored on the same folds.
  ``--repeats N`` adds the layer's mean over N fold seeds (one split's
  figure moves by about +-0.005).
- Complaints and customer care (bench/train_intent.py): complaint precision,
  recall and F1 on the hand-labelled complaint set (5-fold CV on its dev
  split, and its held-out test split once), and the share of the 525 IBM
  customer-care openers recognised as complaint or question, each scored by
  a model not trained on it.
- Speed: posts per second of the whole classify() (language, sentiment,
  intent) on one core, and through the CLI (``python -m social_crm.cli
  classify``, start-up included), as a ratio to plain VADER on the same
  posts in the same run.
"""

import argparse
import json
import subprocess
import sys
import time

import train_intent
from devdata import ROOT, VADER, C, load
from train_sentiment import SEEDS, report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=1, choices=range(1, len(SEEDS) + 1))
    args = parser.parse_args()
    english, dutch = load()
    report(english, dutch, repeats=args.repeats)
    train_intent.report()
    posts = [t for t, _g in english + dutch] * 3
    C.classify("warm up")
    start = time.perf_counter()
    for text in posts:
        C.classify(text)
    ours = len(posts) / (time.perf_counter() - start)
    start = time.perf_counter()
    for text in posts:
        VADER.polarity_scores(text)
    vader = len(posts) / (time.perf_counter() - start)
    print(
        f"speed, one core: {ours:,.0f} posts/s for classify() "
        f"({ours / vader:.2f}x plain VADER's {vader:,.0f} posts/s; target >= 2,000 posts/s)"
    )
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(posts))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "social_crm.cli", "classify"],
        input=lines,
        text=True,
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    cli = len(posts) / (time.perf_counter() - start)
    print(
        f"speed through the CLI, start-up included: {cli:,.0f} posts/s "
        f"({cli / vader:.2f}x plain VADER) for {len(posts):,} posts"
    )


if __name__ == "__main__":
    main()
