"""Learning from corrections (social_crm.adapt) and the CLI contract
``python -m social_crm.cli classify --corrections FILE.jsonl``.

The posts are self-written for this test."""

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from social_crm import adapt, cli
from social_crm import classify as C
from social_crm.classify import classify

ROOT = Path(__file__).resolve().parent.parent

#: a company whose app shows a blank screen after an update: its agents
#: mark these posts as complaints (the shipped model reads several as
#: questions or "other")
CORRECTIONS = [
    {"text": "The new app update shows a blank screen when I open my bills", "intent": "complaint"},
    {"text": "After the update the app shows a blank screen on my phone", "intent": "complaint"},
    {"text": "Blank screen again in the app since this morning's update", "intent": "complaint"},
    {"text": "Your app update gives me a blank screen on the payments page", "intent": "complaint"},
    {"text": "Since the last update the app is just a blank screen", "intent": "complaint"},
    {"text": "The app update left my tablet with a blank screen", "intent": "complaint"},
    {"text": "Sinds de update zie ik alleen een wit scherm in de app", "intent": "complaint"},
    {"text": "Na de update van de app krijg ik een wit scherm", "intent": "complaint"},
    {"text": "Wit scherm in jullie app sinds de laatste update", "intent": "complaint"},
    # and what they confirmed was right
    {"text": "What time does the store in Leiden open on Saturday?", "intent": "question"},
    {"text": "Thanks for sorting out my order so quickly, great service", "intent": "praise"},
    {"text": "Nice weather for a bike ride along the canals today", "intent": "other"},
]
#: similar posts, none a near-duplicate of a correction
SIMILAR = [
    "Blank screen in the app after the update, on both phones",
    "Got a blank screen in your app after today's update",
    "De app geeft een wit scherm na de update",
]
UNRELATED = [
    "What time does the store in Utrecht open on Sunday?",
    "Thanks for the quick help yesterday, great service!",
    "Our team is hiring a new designer, come join us",
    "Lovely weather in Amsterdam today, going for a walk",
    "Mijn pakket is nog steeds niet geleverd, al twee weken wachten!",
    "Hoe kan ik mijn abonnement overzetten naar mijn nieuwe adres?",
    "Wat een topservice, binnen 5 minuten geholpen 👏",
    "I was charged twice for the same order. Please fix this.",
]


def run_cli(tmp_path, posts, corrections=None):
    argv = ["classify"]
    if corrections is not None:
        path = tmp_path / "corrections.jsonl"
        path.write_text("".join(json.dumps(c) + "\n" for c in corrections), encoding="utf-8")
        argv += ["--corrections", str(path)]
    stdin = io.StringIO(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(posts))
    )
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.main(argv, stdin, stdout, stderr)
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()], stderr.getvalue()


def test_corrections_change_similar_posts_and_not_unrelated_ones(tmp_path):
    posts = SIMILAR + UNRELATED
    _code, before, _err = run_cli(tmp_path, posts)
    code, after, err = run_cli(tmp_path, posts, CORRECTIONS)
    assert code == 0, err
    # the shipped model misses these complaints ...
    assert [r["intent"] for r in before[: len(SIMILAR)]] != ["complaint"] * len(SIMILAR)
    # ... the company's corrections teach it
    assert [r["intent"] for r in after[: len(SIMILAR)]] == ["complaint"] * len(SIMILAR)
    # and change nothing about unrelated posts
    for old, new in zip(before[len(SIMILAR) :], after[len(SIMILAR) :], strict=True):
        assert (new["lang"], new["sentiment"], new["intent"]) == (
            old["lang"],
            old["sentiment"],
            old["intent"],
        ), new


def test_without_corrections_unchanged(tmp_path):
    code, rows, _err = run_cli(tmp_path, UNRELATED)
    assert code == 0
    assert [{k: v for k, v in r.items() if k != "id"} for r in rows] == [
        classify(t) for t in UNRELATED
    ]


def test_cli_as_a_process(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CORRECTIONS), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "social_crm.cli", "classify", "--corrections", str(path)],
        input=json.dumps({"id": 1, "text": SIMILAR[1]}) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(done.stdout)["intent"] == "complaint"


def test_memory_corrects_language_and_sentiment_of_near_duplicates(tmp_path):
    text = "Bestelling 4411 nog niet binnen, graag even checken"
    corrections = [{"text": text, "lang": "nl", "sentiment": "negative", "intent": "complaint"}]
    _code, [after], _err = run_cli(tmp_path, [text + "!!"], corrections)
    assert (after["lang"], after["sentiment"], after["intent"]) == ("nl", "negative", "complaint")


def test_bad_corrections_line_stops_with_its_number(tmp_path):
    bad = [{"text": "ok", "intent": "complaint"}, {"text": "x", "intent": "angry"}]
    code, rows, err = run_cli(tmp_path, ["hello"], bad)
    assert code == 2 and not rows
    assert "line 2" in err and "intent" in err


def test_fit_is_deterministic_small_and_holds_no_words():
    first = adapt.fit(CORRECTIONS).to_json()
    assert adapt.fit(CORRECTIONS).to_json() == first
    assert len(first) < 200_000
    for word in ("blank", "screen", "scherm", "update", "Leiden"):
        assert word not in first
    again = adapt.Adaptation.from_json(first)
    assert [classify(t, adaptation=again)["intent"] for t in SIMILAR] == ["complaint"] * 3


def test_a_layer_reads_a_word_as_the_sum_of_its_named_features():
    """adapt.WordRows looks a word's hash buckets up as ints; what it adds
    must be what the word's named features (classify.word_features, as
    expand() fits them) add: repeated n-grams twice, negated words their
    own n-grams, non-ASCII and emoji too."""
    layer = adapt.fit(CORRECTIONS).layers["intent"]
    rows = adapt.WordRows(layer)
    words = ["blank", "screen", "-screen", "scherm", "update", "aaaa", "ëën", "😡", "x", "the"]
    for word in words:
        named = [layer["weights"][n] for n in C.word_features(word) if n in layer["weights"]]
        want = [sum(column) for column in zip(*named, strict=True)] if named else None
        if want is not None and not any(want):
            want = None
        assert rows.row(word) == want, word
    assert any(rows.row(word) for word in words)  # the check is not empty
    assert rows.row("blank") is rows.rows["blank"]  # cached
    # a repeated n-gram ("aaa" in "<aaaa>") counts each time it occurs
    features = C.word_features("aaaa")
    assert len(set(features)) < len(features)
    synthetic = {"classes": ["a", "b"], "weights": {n: [1.0, 0.0] for n in features}}
    assert adapt.WordRows(synthetic).row("aaaa") == [float(len(features)), 0.0]


def test_an_empty_adaptation_is_the_shipped_model():
    empty = adapt.Adaptation.from_json("")
    assert not empty
    for text in UNRELATED + SIMILAR:
        assert classify(text, adaptation=empty) == classify(text)


@pytest.mark.parametrize("bad", [{"intent": "complaint"}, {"text": "x"}, {"text": "x", "lang": 3}])
def test_check(bad):
    assert adapt.check(bad)


# --------------------------------------------------------------------------
# Trust in the corrections, chosen from the corrections (issue 16, item 2,
# second round). A self-written synthetic domain: an energy company whose
# customers complain in polite questions ("Could you check my direct debit,
# why it was charged twice?"). The shipped model reads most of them as
# questions; the company's agents mark them complaint and confirm the real
# questions ("..., when it will be sent?").
# --------------------------------------------------------------------------
OPENERS = [
    "Could you check",
    "Can someone look at",
    "Would you mind checking",
    "Can you tell me",
    "Could somebody explain",
    "May I ask",
]
THINGS = [
    "my meter reading",
    "the invoice for March",
    "my monthly instalment",
    "the solar feed-in credit",
    "my contract renewal",
    "the annual statement",
    "my direct debit",
    "the gas tariff on my bill",
]
PROBLEMS = [
    "why it shows double the usual amount",
    "why it was charged twice",
    "why it is 300 euros higher than agreed",
    "why it still lists my old address after three calls",
    "why it was never applied",
    "why it went up without notice",
]
#: the same kind of complaint in phrasings no correction uses
NEW_PROBLEMS = [
    "why it was billed three times",
    "why it doubled since June",
    "why nobody replied in four weeks",
    "why the discount vanished",
    "why the amount is wrong again",
]
QUESTIONS = [
    "when it will be sent",
    "how it is calculated",
    "where I can find it online",
    "which date it is due",
    "how to download it",
    "what it includes",
]


def energy_posts(tails, count, seed, exclude=()):
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        text = f"{rng.choice(OPENERS)} {rng.choice(THINGS)}, {rng.choice(tails)}?"
        if text not in found and text not in exclude:
            found.append(text)
    return found


def energy_corrections(seed=1, question_seed=2):
    complaints = energy_posts(PROBLEMS, 40, seed)
    questions = energy_posts(QUESTIONS, 40, question_seed)
    # agents mark the complaints; the questions they leave as the model read them
    return [{"text": t, "intent": "complaint"} for t in complaints] + [
        {"text": t, "intent": classify(t)["intent"]} for t in questions
    ]


def complaints(texts, adaptation=None):
    return sum(classify(t, adaptation=adaptation)["intent"] == "complaint" for t in texts)


def test_many_consistent_corrections_are_followed_on_new_phrasings():
    """Five companies' draws of 80 corrections. Whether cross-validation
    over 80 corrections sees a gain of CV_MARGIN depends on the draw (the
    strong prior already fits the corrections' own phrasings well out of
    fold); where it does, the new phrasings are followed."""
    unseen = energy_posts(NEW_PROBLEMS, 25, 3)
    assert complaints(unseen) <= 15  # the shipped model misses many of them
    chosen_by_cv = 0
    for seed in (1, 2, 3, 5, 8):
        corrections = energy_corrections(seed, seed + 100)
        fitted = adapt.fit(corrections)
        strong = adapt.fit(corrections, choose=False)
        assert not strong.chosen
        chosen = json.loads(fitted.to_json())["chosen"]["intent"]
        assert chosen["n"] == 80 and chosen["cv"]
        # never below the strong prior alone (the fit before) ...
        assert complaints(unseen, fitted) >= complaints(unseen, strong) > complaints(unseen)
        # ... the company's real questions stay questions ...
        questions = energy_posts(QUESTIONS, 25, 4, {c["text"] for c in corrections})
        assert complaints(questions, fitted) == 0
        if chosen["why"] == "cross-validation on the corrections":
            # ... and where the fit chose to trust the corrections more than
            # the strong prior does, the new phrasings are complaints for it
            chosen_by_cv += 1
            assert complaints(unseen, fitted) >= 20
            assert complaints(unseen, strong) <= 15
        else:
            assert chosen["reason"] == "no_gain"
    assert chosen_by_cv >= 2


def test_the_choice_is_deterministic_and_survives_json():
    corrections = energy_corrections()
    first = adapt.fit(corrections).to_json()
    assert adapt.fit(corrections).to_json() == first
    again = adapt.Adaptation.from_json(first)
    unseen = energy_posts(NEW_PROBLEMS, 25, 3)
    assert complaints(unseen, again) == complaints(unseen, adapt.fit(corrections))


def test_few_corrections_or_only_mistakes_keep_the_strong_prior():
    # a dozen corrections: no cross-validation, exactly the fit before
    few = adapt.fit(CORRECTIONS)
    assert few.chosen["intent"]["why"].startswith("fewer than")
    assert few.layers == adapt.fit(CORRECTIONS, choose=False).layers
    # what the addon stores: only the labels agents changed. Out-of-fold the
    # shipped model would always look wrong, so cross-validation cannot tell
    mistakes = [
        {"text": t, "intent": "complaint"}
        for t in energy_posts(PROBLEMS + NEW_PROBLEMS, 150, 5)
        if classify(t)["intent"] != "complaint"
    ]
    assert len(mistakes) >= adapt.CV_MIN
    # complaints only: no other posts to score the choice on either
    fitted = adapt.fit(mistakes)
    assert fitted.chosen["intent"]["reason"] == "few_class"
    assert fitted.layers == adapt.fit(mistakes, choose=False).layers
    # and with other posts the agents changed too (questions marked praise)
    mistakes += [
        {"text": t, "intent": "praise"}
        for t in energy_posts(QUESTIONS, 30, 6)
        if classify(t)["intent"] != "praise"
    ]
    fitted = adapt.fit(mistakes)
    assert fitted.chosen["intent"]["setting"] == "shipped"
    assert fitted.chosen["intent"]["why"] == "the corrections hold only the model's mistakes"
    assert fitted.layers == adapt.fit(mistakes, choose=False).layers


def test_the_choice_does_not_reward_calling_every_post_a_complaint():
    # 7 complaints, 3 other posts: calling all 10 complaints has the higher
    # complaint F1 (0.82 against 0.77), and no use for a webcare team
    classes = adapt.CLASSES["intent"]
    complaint, other = classes.index("complaint"), classes.index("other")
    gold = [complaint] * 7 + [other] * 3
    everything = [complaint] * 10
    reads = [complaint] * 5 + [other] * 2 + [complaint] + [other] * 2
    assert adapt.quality("intent", gold, reads) > adapt.quality("intent", gold, everything)
