"""The classifier on hand-written Dutch and English posts."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from social_crm import cli
from social_crm.classify import (
    Post,
    _features,
    apply_model,
    classify,
    detect_language,
    english_adjectives,
    features,
    hashed,
    intent_model,
    normalize,
    sentiment_model,
    word_features,
)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Wanneer begint de uitverkoop bij jullie?", "nl"),
        ("When does the sale start at your store?", "en"),
        ("Guten Tag, wo ist meine Bestellung?", "de"),
        ("Bonjour, où est ma commande? Merci", "fr"),
        ("👍👍", "und"),
        ("ok", "und"),
    ],
)
def test_language(text, lang):
    assert detect_language(normalize(text)[0])[0] == lang


@pytest.mark.parametrize(
    "text, sentiment, intent",
    [
        # negation
        ("Niet blij met mijn bestelling", "negative", "complaint"),
        ("not happy with my order", "negative", "complaint"),
        # emoji, intensifiers, elongation
        ("Wat een fijne service vandaag! Echt top 😍", "positive", "praise"),
        ("suuuper blij met jullie!!!", "positive", "praise"),
        ("Thanks @hollandia, love the new store! https://t.co/x", "positive", "praise"),
        # complaints
        (
            "Drie keer gebeld, mijn koelkast is nog steeds kapot. Dit is echt niet normaal 😡",
            "negative",
            "complaint",
        ),
        ("I was charged twice for the same order. Please fix this.", "negative", "complaint"),
        # sarcasm markers
        ("Great, my package is lost again #not", "negative", "complaint"),
        ("Ja hoor, weer geen bezorging. Top service 🙄", "negative", "complaint"),
        # questions
        ("Is the store open on Sunday?", "neutral", "question"),
        ("Wanneer begint de uitverkoop?", "neutral", "question"),
        # mixed languages
        ("Love jullie nieuwe winkel, echt super!", "positive", "praise"),
    ],
)
def test_sentiment_and_intent(text, sentiment, intent):
    result = classify(text)
    assert (result["sentiment"], result["intent"]) == (sentiment, intent), result


@pytest.mark.parametrize(
    "text, intent",
    [
        # a complaint asked as a question is a complaint
        ("Waarom is mijn pakket na twee weken nog steeds niet bezorgd?", "complaint"),
        ("Why does my card keep getting declined at your terminals?", "complaint"),
        ("Seriously @airline? Downgraded without any explanation.", "complaint"),
        # a plain question is a question
        ("Hoe kan ik mijn abonnement overzetten naar mijn nieuwe adres?", "question"),
        # spam, giveaways and thread acknowledgements are not praise
        ("WIN een iPhone!! Klik hier en vul je gegevens in", "other"),
        ("DM verstuurd 👍", "other"),
        ("Got it, thanks", "other"),
        # a problem solved is praise
        ("Probleem binnen 10 minuten opgelost door @Ziggo, top!", "praise"),
        # negative, but not about a company: other
        ("Het regent alweer, wat een rotweer vandaag", "other"),
    ],
)
def test_intent_reads_like_webcare(text, intent):
    assert classify(text)["intent"] == intent, classify(text)


def test_cli_classify_reports_bad_lines_and_loses_none():
    stdin = io.StringIO('{"id": "1", "text": "Top service!"}\n{oops\n{"id": "3"}\n')
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["classify"], stdin, out, err) == 1
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["1", None, "3"]
    assert rows[0]["sentiment"] == "positive" and set(rows[0]) == {
        "id",
        "lang",
        "sentiment",
        "intent",
        "scores",
    }
    assert "line 2" in rows[1]["error"] and 'no "text"' in rows[2]["error"]


def test_runs_offline_without_training_libraries():
    """The trained layer is plain JSON weights: no scikit-learn, no downloads."""
    code = (
        "import sys, socket\n"
        "socket.socket = None  # any network access would fail\n"
        "from social_crm.classify import classify, intent_model, sentiment_model\n"
        "assert sentiment_model('en') and sentiment_model('nl') and intent_model()\n"
        "print(classify('Echt top, bedankt!')['sentiment'])\n"
        "assert 'sklearn' not in sys.modules and 'numpy' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "positive"


def test_normalize_repairs_escapes_and_entities():
    text = r"won\u2019t go\u002c ok \ud83d\ude02 \ud83d &amp; more"
    assert normalize(text)[0] == "won't go, ok 😂 \\ud83d & more"


def test_features_mark_negated_words_until_punctuation():
    feats = features("This is not really good. Fine!", "en")
    words = {hashed("w", w) for w in ("not", "-really", "-good", "fine")}
    assert words <= set(feats)
    assert hashed("w", "good") not in feats and hashed("w", "-fine") not in feats
    negated = features("This is not really good.", "en")
    assert negated["pattern"] < 0 and negated["vader"] < 0
    dutch = features("Ik ben niet blij, wel tevreden", "nl")
    assert {hashed("w", "-blij"), hashed("w", "tevreden")} <= set(dutch)
    assert "vader" not in dutch


def test_sparse_features_are_hashed_with_character_ngrams():
    """The shipped weights name hash buckets, never words: no vocabulary of
    the development data is shipped. A word brings its character n-grams,
    so an unseen inflection or compound shares most of its features."""
    names = set(features("bezorging", "nl"))
    assert all(n.startswith("h:") for n in names if ":" in n)
    shared = set(word_features("bezorging")) & set(word_features("bezorgd"))
    assert hashed("c", "bez") in shared and len(shared) >= 5
    assert set(word_features("-goed")).isdisjoint(word_features("goed"))
    for lang in ("en", "nl"):
        sparse = [n for n in sentiment_model(lang)["weights"] if ":" in n]
        assert sparse and all(n.startswith("h:") for n in sparse)
    for part in ("request", "complaint"):
        sparse = [n for n in intent_model()[part]["weights"] if n.startswith(("h", "w", "b"))]
        assert all(n.startswith("h:") for n in sparse if ":" in n)


def test_english_adjectives_as_pattern_reads_them():
    table = english_adjectives()
    assert table["good"][0] > 0 > table["terrible"][0]
    assert table["terribly"][0] < 0 and table["terribly"][3]  # adverb made from "terrible"


def test_shipped_weights_match_the_features():
    """Every dense weight is a feature features() computes: a renamed
    feature would silently drop out of the trained layer."""
    for lang, text in (("en", "Not good at all... https://x.co"), ("nl", "Niet blij 😡")):
        names = {n for n in sentiment_model(lang)["weights"] if ":" not in n}
        assert names <= set(features(text, lang)) | {"val_first", "val_last"}, lang


def test_shipped_model_files_are_small():
    data = Path(__file__).resolve().parent.parent / "social_crm" / "data"
    sizes = [p.stat().st_size for p in data.glob("*.json")]
    assert sizes and sum(sizes) < 20 * 1024 * 1024


def test_fast_path_scores_exactly_what_training_sees():
    """classify() adds each word's weights from a cache; training sees every
    hashed feature: both give the same probabilities."""
    model = sentiment_model("en")
    for text in ("Not good, not good at all!! 😡", "Love love LOVE this store"):
        whole = apply_model(model, features(text, "en"))
        feats, words = _features(Post(text), "en")
        fast = apply_model(model, feats, words)
        assert all(abs(whole[k] - fast[k]) < 1e-9 for k in whole)


@pytest.mark.parametrize(
    "text, intent",
    [
        # problem reports without complaint words are complaints
        ("@AcmeHelp my earbuds disconnect every few minutes since the update", "complaint"),
        (
            "@AcmeSupport paid for the premium plan on Monday and still nothing on my account",
            "complaint",
        ),
        # a customer asking for help, with no failure in it: a question, even without "?"
        ("@AcmeSupport how do I move my subscription to a new email address", "question"),
        # ordinary posts that name a brand stay other
        ("Watching the new season on Netflix tonight with pizza", "other"),
    ],
)
def test_intent_layer_reads_customer_care(text, intent):
    assert classify(text)["intent"] == intent, classify(text)
