"""The faster classifier gives exactly what it gave before: outputs and
scores recorded from main's code before the speed work, on self-written
posts (tests/fixtures/speed16/README.md)."""

import io
import json
from pathlib import Path

import pytest

from social_crm import classify as C
from social_crm import cli

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
        assert (probs, list(reading)) == (expected["probs"], expected["reading"]), post["text"]
