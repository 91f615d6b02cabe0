"""The complaint development set: references and hand labels, texts from ../shared.

    .venv/bin/python bench/complaint_devset.py sample   # list the sampled references
    .venv/bin/python bench/complaint_devset.py show     # references with their texts
    .venv/bin/python bench/complaint_devset.py extend   # the second draw (2026-12)
    .venv/bin/python bench/complaint_devset.py extend-show
    .venv/bin/python bench/complaint_devset.py third    # the third draw (2026-12-03)
    .venv/bin/python bench/complaint_devset.py third-show

``bench/data/complaint_dev.jsonl`` holds one line per post: ``ref`` (which
development set and which row), ``complaint`` (1 or 0, labelled by hand) and
``split`` (``dev`` or ``test``). It holds no text: the texts are read from
``../shared/fixtures/datasets`` at run time (their licences allow development
use, not redistribution). See bench/data/README.md for how it was made.
"""

import csv
import json
import random
import re
import sys
from pathlib import Path

from devdata import ROOT  # noqa: F401  (puts the addon on sys.path)

from social_crm.connectors.testing import shared_dir

DATA = Path(__file__).resolve().parent / "data"
LABELS = DATA / "complaint_dev.jsonl"
SEED = 16
#: the second draw (extension to about 600 posts): its own seed
EXTEND_SEED = 1612
#: the third draw (every customer message to a company not yet labelled)
THIRD_SEED = 1603

#: TweetEval tweets that name a brand, a product or a company
BRANDS = re.compile(
    r"\b(apple|iphone|ipad|mac|amazon|google|microsoft|samsung|netflix|uber|starbucks|"
    r"mcdonald'?s|walmart|nike|verizon|at&t|comcast|delta|united airlines|airline|xbox|"
    r"playstation|ps4|sony|nintendo|facebook|twitter|snapchat|instagram|spotify|tesla|ford|"
    r"disney|target|best buy|ebay|paypal|sprint|t-mobile|tmobile|att|customer service|store|"
    r"company|bank|vodafone|o2|virgin|british airways|kindle|galaxy|note 7|android|ios|"
    r"windows|youtube|hbo|fedex|ups|usps|dominos|pizza hut|burger king|kfc|chipotle|"
    r"taco bell|wendy'?s|coke|pepsi|red bull)\b",
    re.I,
)


def datasets():
    base = shared_dir()
    if base is None:
        sys.exit("../shared/fixtures/datasets is not present")
    return base / "fixtures" / "datasets"


def texts():
    """ref -> text for every post the set may reference (read, never copied)."""
    data = datasets()
    found = {}
    with open(data / "twcs_sample" / "sample.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["inbound"].upper() == "TRUE":
                found[f"twcs:{row['tweet_id']}"] = row["text"]
    for conversation in json.loads((data / "ibm_customer_care" / "dev.json").read_text()):
        first, *later = conversation["dialogContent"]
        found[f"ibm_dev:{first['tweet_ID']}"] = first["message"]
        for turn in later:  # the customer's later messages in the thread
            if "client" in turn:
                found[f"ibm_turn:{turn['tweet_ID']}"] = turn["message"]
    lines = (data / "tweeteval_val" / "sentiment" / "val_text.txt").read_text().splitlines()
    for index, text in enumerate(lines):
        found[f"tweeteval_sentiment_val:{index}"] = text
    with open(data / "dutch_political_tweets" / "gold-polarity.csv", encoding="utf-8") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            found[f"dutch_polarity:{index}"] = row["content"]
    # sets the shipped models were never trained on (the second draw)
    for task in ("emotion", "irony"):
        lines = (data / "tweeteval_val" / task / "val_text.txt").read_text().splitlines()
        for index, text in enumerate(lines):
            found[f"tweeteval_{task}_val:{index}"] = text
    with open(data / "dutch_political_tweets" / "gold-emotion.csv", encoding="utf-8") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            found[f"dutch_emotion:{index}"] = row["content"]
    return found


def sample():
    """The sampled references, in a fixed order, with their split."""
    every = texts()
    rng = random.Random(SEED)
    by_set = {}
    for ref in every:
        by_set.setdefault(ref.split(":")[0], []).append(ref)
    chosen = list(by_set["twcs"])  # all 49 inbound customer tweets
    chosen += rng.sample(by_set["ibm_dev"], 180)  # customer-care openers
    chosen += [r for r in by_set["tweeteval_sentiment_val"] if BRANDS.search(every[r])]
    chosen += rng.sample(by_set["dutch_polarity"], 80)
    test = set(rng.sample(chosen, round(len(chosen) * 0.3)))
    return [(ref, "test" if ref in test else "dev") for ref in chosen]


def extend():
    """The second draw, (ref, split), in a fixed order: posts of the same
    kinds that are not in the first draw.

    - 90 more IBM customer-care openers: **dev split only**, because the
      shipped request layer (bench/train_intent.py) was trained on every
      IBM opener outside the first draw;
    - every TweetEval emotion and irony validation tweet that names a brand
      (same keyword list) and is not a sentiment tweet too, and 20 Dutch
      tweets of gold-emotion.csv that are not in gold-polarity.csv: sets no
      shipped model was trained on, so 30% of them go to the test split.
    """
    every = texts()
    first = {r for r, _s in sample()}
    rng = random.Random(EXTEND_SEED)
    seen_text = {every[r] for r in every if r.split(":")[0] in ("tweeteval_sentiment_val",)}
    polarity = {every[r] for r in every if r.startswith("dutch_polarity:")}
    by_set = {}
    for ref in every:
        by_set.setdefault(ref.split(":")[0], []).append(ref)
    ibm = rng.sample([r for r in by_set["ibm_dev"] if r not in first], 90)
    unseen, texts_taken = [], set()
    for kind in ("tweeteval_emotion_val", "tweeteval_irony_val"):
        for ref in by_set[kind]:
            text = every[ref]
            if BRANDS.search(text) and text not in seen_text and text not in texts_taken:
                unseen.append(ref)
                texts_taken.add(text)
    dutch = [r for r in by_set["dutch_emotion"] if every[r] not in polarity]
    unseen += rng.sample(dutch, 20)
    test = set(rng.sample(unseen, round(len(unseen) * 0.3)))
    return [(r, "dev") for r in ibm] + [(r, "test" if r in test else "dev") for r in unseen]


def third():
    """The third draw, (ref, split), in a fixed order: every customer message
    to a company that the first two draws left out.

    - the remaining IBM customer-care openers: **dev split only**, for the
      reason given in extend();
    - every later customer message in the IBM threads (``ibm_turn:``): no
      shipped model was trained on them, so 30% go to the test split.
    """
    every = texts()
    labelled = {r for r, _s in sample()} | {r for r, _s in extend()}
    openers = [r for r in every if r.startswith("ibm_dev:") and r not in labelled]
    turns = [r for r in every if r.startswith("ibm_turn:")]
    rng = random.Random(THIRD_SEED)
    test = set(rng.sample(turns, round(len(turns) * 0.3)))
    return [(r, "dev") for r in openers] + [(r, "test" if r in test else "dev") for r in turns]


def load(split=None):
    """[(text, complaint, ref)] of the labelled set (one split or both)."""
    every = texts()
    rows = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
    return [
        (every[r["ref"]], r["complaint"], r["ref"])
        for r in rows
        if split is None or r["split"] == split
    ]


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else "sample"
    every = texts()
    drawn = {"extend": extend, "third": third}.get(command.split("-")[0], sample)()
    for number, (ref, split) in enumerate(drawn):
        if command.endswith("show"):
            print(f"{number}\t{ref}\t{split}\t{' '.join(every[ref].split())[:240]}")
        else:
            print(ref, split)


if __name__ == "__main__":
    main()
