"""Near-duplicate posts in the development sets: what would leak between
cross-validation folds, or between a training set and the set it is scored on.

    .venv/bin/python bench/near_duplicates.py

Two posts are near-duplicates when the sets of their lower-cased words
overlap by more than ``JACCARD`` (intersection over union). Printed:

- pairs of near-duplicates inside the Dutch polarity set and inside the
  TweetEval sentiment validation set (and how many of those pairs carry
  different labels): such pairs can land in different folds of the 5-fold
  cross-validation of bench/train_sentiment.py and lift its figure a little;
- rows of the Dutch emotion sheet (gold-emotion.csv) that are not exactly in
  the polarity sheet but are near-duplicates of one of its rows. They look
  like extra Dutch training data (emotion mapped to polarity) but are the
  same tweets with other whitespace or quotes: adding them to the training
  folds lifted the cross-validated Dutch accuracy from 0.66 to 0.70 by
  leaking the test folds' labels, so they are not used.
"""

import csv
import re

from devdata import load

from social_crm.connectors.testing import shared_dir

JACCARD = 0.8
WORDS = re.compile(r"\w+")


def words(text):
    return frozenset(WORDS.findall(text.lower()))


def similarity(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


def inner_pairs(rows):
    """(pairs of near-duplicates, of which with different labels)."""
    sets = [(words(t), g) for t, g in rows]
    pairs = conflicting = 0
    for i, (a, label_a) in enumerate(sets):
        for b, label_b in sets[i + 1 :]:
            if similarity(a, b) > JACCARD:
                pairs += 1
                conflicting += label_a != label_b
    return pairs, conflicting


def groups(rows):
    """A group number per post: near-duplicates (and their near-duplicates)
    share one, so that cross-validation keeps them in the same fold."""
    sets = [words(t) for t, _g in rows]
    parent = list(range(len(rows)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(sets):
        for j in range(i + 1, len(sets)):
            if similarity(a, sets[j]) > JACCARD:
                parent[root(j)] = root(i)
    return [root(i) for i in range(len(rows))]


def main():
    english, dutch = load()
    for name, rows in (("Dutch polarity", dutch), ("TweetEval sentiment val", english)):
        pairs, conflicting = inner_pairs(rows)
        print(
            f"{name}: {len(rows)} posts, {pairs} near-duplicate pairs "
            f"({conflicting} with different labels)"
        )
    data = shared_dir() / "fixtures" / "datasets" / "dutch_political_tweets"
    exact = {t for t, _g in dutch}
    polarity = [words(t) for t, _g in dutch]
    with open(data / "gold-emotion.csv", encoding="utf-8") as handle:
        emotion = [r["content"] for r in csv.DictReader(handle)]
    new = [t for t in emotion if t not in exact]
    leaking = sum(any(similarity(words(t), p) > 0.6 for p in polarity) for t in new)
    print(
        f"Dutch emotion sheet: {len(emotion)} rows, {len(new)} not exactly in the polarity "
        f"sheet, of which {leaking} near-duplicates of a polarity row (word overlap > 0.6)"
    )


if __name__ == "__main__":
    main()
