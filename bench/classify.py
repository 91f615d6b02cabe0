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
- Speed: posts per second of the whole classify() (language, sentiment,
  intent) on one core, as a ratio to plain VADER on the same posts.
"""

import argparse
import time

from devdata import VADER, C, load
from train_sentiment import SEEDS, report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=1, choices=range(1, len(SEEDS) + 1))
    args = parser.parse_args()
    english, dutch = load()
    report(english, dutch, repeats=args.repeats)
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


if __name__ == "__main__":
    main()
