"""The faster classifier gives exactly what it gave before: outputs and
scores recorded from main's code before the speed work, on self-written
posts (tests/fixtures/speed16/README.md)."""

import io
import json
import re
import sys
import zlib
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from social_crm import classify as C
from social_crm import cli
from social_crm.regexes import factored

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "speed16"


def _lines(name):
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _cli(*argv):
    stdin = io.StringIO((FIXTURES / "posts.jsonl").read_text(encoding="utf-8"))
    stdout, stderr = io.StringIO(), io.StringIO()
    assert cli.main(["classify", *argv], stdin, stdout, stderr) == 0, stderr.getvalue()
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_cli_output_is_unchanged():
    assert _cli() == _lines("expected.jsonl")


def test_cli_output_with_corrections_is_unchanged():
    got = _cli("--corrections", str(FIXTURES / "corrections.jsonl"))
    assert got == _lines("expected_corrections.jsonl")
    assert got != _lines("expected.jsonl")  # the corrections do change decisions


@pytest.mark.parametrize("cold", [True, False])
def test_layer_scores_are_bit_identical(cold):
    """Probabilities and intent scores to the last bit, with cold caches
    (every word new) and warm ones."""
    if cold:
        C.clear_caches()
    for post, expected in zip(_lines("posts.jsonl"), _lines("expected_scores.jsonl"), strict=True):
        p = C.Post(post["text"])
        lang = C.detect_language(p.clean)[0]
        label, _compound, feats, probs = C._sentiment(p, lang if lang in ("nl", "und") else "en")
        reading = C._intent_reading(p, label, feats, probs, lang, C.intent_model())
        if sys.version_info >= (3, 12):  # sum() of floats is compensated there
            assert probs == pytest.approx(expected["probs"], abs=1e-12), post["text"]
            assert reading[0] == expected["reading"][0]
            assert list(reading[1:]) == pytest.approx(expected["reading"][1:], abs=1e-12)
        else:
            assert (probs, list(reading)) == (expected["probs"], expected["reading"]), post["text"]


# --- the factored cue patterns (social_crm/regexes.py) ----------------------
CUES = ("SARCASM", "COMPLAINT_WORDS", "PRAISE_WORDS", "SERVICE_PROBLEM", "RHETORICAL", "SPAM")
ORIGINALS = {
    # the patterns as written in classify.py (before factored())
    "SPAM": re.compile(r"(klik (hier|nu)|click here|\bwin (een|a|an)\b|we'?re hiring|\bsale\b.*%)"),
    "WORDS": re.compile(r"\b(nog steeds|nog|niet geleverd|kapot|still|stil|broken)\b"),
    "MIXED": re.compile(r"#(not|irony)\b|\byeah,? right\b|\bja hoor\b|\bjust (great|perfect)\b|🙄"),
}


def _spans(pattern, text):
    return [
        (m.span(), m.group(0), m.group(1) if pattern.groups else None)
        for m in pattern.finditer(text)
    ]


def _texts():
    posts = [p["text"] for p in _lines("posts.jsonl")]
    tricky = [
        "xwin a car",
        "win a car!",
        "we're hiring",
        "awe're hiring",
        "sale: 50%",
        "a🙄b",
        "x#not",
        "#not",
        "yeah right",
        "_yeah right",
        "1yeah right",
        "ja hoor",
        "nja hoor",
        "nog steeds kapot",
        "nogsteeds",
        "still stil stilll",
        "é still",
        "still_",
        "niet geleverd!",
        "Yeah right",
        "STILL",
        "just great... just perfect",
    ]
    return posts + [p.lower() for p in posts] + tricky


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_factored_pattern_matches_the_same_spans(name):
    original = ORIGINALS[name]
    faster = factored(original)
    assert faster.pattern != original.pattern  # it was factored
    for text in _texts():
        assert _spans(faster, text) == _spans(original, text), text


@pytest.mark.parametrize("name", CUES)
def test_classifier_cues_are_factored(name):
    assert "(?:" in getattr(C, name).pattern or "(?<!" in getattr(C, name).pattern


def test_unsafe_patterns_are_left_alone():
    for source in (r"\b(a+b|c)\b", r"(x)\1|xy", r"(?i)\b(ab|ac)\b", r"\b(\w+|ab)\b"):
        pattern = re.compile(source)
        assert factored(pattern) is pattern


def test_vader_shortcuts_score_as_vader_does():
    """_VaderWithValences reads only the words VADER's checks use and skips
    the emoji copy for posts without emoji: the scores are VADER's own."""

    class Plain(SentimentIntensityAnalyzer):
        def score_valence(self, sentiments, text):
            scores = super().score_valence(sentiments, text)
            scores["valences"] = sentiments
            return scores

    ours, plain = C._VaderWithValences(), Plain()
    texts = [p["text"] for p in _lines("posts.jsonl")] + [
        "never so good",
        "not bad at all",
        "without doubt the best",
        "kind of nice",
        "the shit",
        "yeah right great",
        "it is never this good",
        "isn't very good at least",
        "sort of bad really",
        "no doubt good",
        "good bus stop",
        "  padded good  ",
        "😀 good",
    ]
    for text in texts:
        for variant in (text, C.Post(text).clean):
            assert ours.polarity_scores(variant) == plain.polarity_scores(variant), variant


@pytest.mark.parametrize(
    "word", ["a", "ab", "abc", "bezorging", "-goed", "-ab", "-", "ĳsje", "-éé", "😀😀", "x" * 70]
)
def test_word_features_are_the_hashed_words_and_ngrams(word):
    """word_buckets() hashes from a prefix CRC and slices bytes: the names are
    still hashed("w", word) and hashed("c", mark + n-gram), in that order."""
    mark, bare = ("-", word[1:]) if word[:1] == "-" and len(word) > 1 else ("", word)
    names = [C.hashed("w", word)]
    if len(bare) > 2:
        padded = f"<{bare}>"
        names += [
            C.hashed("c", mark + padded[i : i + n])
            for n in C.CHAR_NGRAMS
            for i in range(len(padded) - n + 1)
        ]
    # hashed() itself, as first written
    assert C.hashed("c", "<be") == f"h:{zlib.crc32(b'c|<be') & C._HASH_MASK}"
    assert C.word_features(word) == tuple(names)
    assert C.word_buckets(word) == tuple(int(n[2:]) for n in names)
