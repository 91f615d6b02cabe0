"""Classifier speed on posts it has never seen: each development post once,
caches cold, next to plain VADER and to another version of the code (main by
default) measured in the same run, with a check that both give the same
output.

    SOCIAL_CRM_SHARED=../shared .venv/bin/python bench/classify_speed.py \
        [--baseline-ref f09f0a2] [--repeats 3]

The default baseline, f09f0a2, is the code before the speed work. Its
output differs from today's on Dutch posts only because the Dutch sentiment
model was retrained after it (issue 16); ``--baseline-ref`` of a commit
since then shows identical output.

- Posts: every distinct text of the development sets (TweetEval sentiment,
  emotion and irony validation; the Dutch political tweets; the customer-
  support openers; the IBM customer-care openers), read from ../shared,
  never copied. Each post once, so no word is in a cache the first time.
- **Through the CLI** (``python -m social_crm.cli classify < posts.jsonl``,
  start-up and model loading included), for this tree and for the baseline
  (``git archive <ref> social_crm`` into a temporary folder), alternated,
  best of ``--repeats``; wall time and CPU time of the process. Also with
  ``--corrections`` (the self-written corrections of
  tests/fixtures/speed16), fitting included.
- **In process**: classify() over the same posts in a fresh interpreter
  (cold caches), models loaded first and timed apart; plain VADER's
  polarity_scores() over the same posts in the same interpreter.
  **Adapted**: the same with ``classify(text, adaptation=...)``, the
  adaptation fitted on those 20 corrections first (same for both trees).
- **Identical output**: the CLI's JSON lines of both versions, with and
  without ``--corrections``, compared byte for byte.

Ratios are CPU-time ratios (the machine is shared; wall time is shown too).
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import complaint_devset as D
from devdata import ROOT

CORRECTIONS = ROOT / "tests" / "fixtures" / "speed16" / "corrections.jsonl"

IN_PROCESS = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from social_crm import classify as C
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
posts = [json.loads(line)["text"] for line in open(sys.argv[2], encoding="utf-8")]
clock = time.process_time
start = clock()
C.sentiment_model("en"), C.sentiment_model("nl"), C.intent_model()
C.dutch_lexicon(), C.emoji_lexicon(), C.english_adjectives(), C._vader_valences()
loading = clock() - start
adaptation = None
if len(sys.argv) > 3:  # the adapted path: a company's adaptation, fitted first
    from social_crm import adapt
    with open(sys.argv[3], encoding="utf-8") as handle:
        adaptation = adapt.fit(adapt.read_corrections(handle))
start = clock()
for text in posts:
    C.classify(text, adaptation=adaptation)
ours = clock() - start
vader = SentimentIntensityAnalyzer()
start = clock()
for text in posts:
    vader.polarity_scores(text)
plain = clock() - start
print(json.dumps({"loading": loading, "classify": ours, "vader": plain}))
"""


def distinct_posts():
    texts = list(dict.fromkeys(D.texts().values()))
    return [t for t in texts if t.strip()]


def baseline_tree(ref, folder):
    archive = subprocess.run(
        ["git", "archive", ref, "social_crm"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    Path(folder).mkdir()
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return Path(folder)


def run_cli(tree, posts_file, extra=()):
    """(wall seconds, CPU seconds, output) of one CLI run in ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(posts_file, encoding="utf-8") as stdin:
        out = subprocess.run(
            [sys.executable, "-m", "social_crm.cli", "classify", *extra],
            stdin=stdin,
            capture_output=True,
            check=True,
            cwd=tree,
        ).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, out


def in_process(tree, posts_file, *extra):
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(tree), str(posts_file), *map(str, extra)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-ref", default="f09f0a2")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    posts = distinct_posts()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        posts_file = folder / "posts.jsonl"
        with open(posts_file, "w", encoding="utf-8") as handle:
            for number, text in enumerate(posts):
                handle.write(json.dumps({"id": number, "text": text}) + "\n")
        base = baseline_tree(args.baseline_ref, folder / "base")
        trees = {"this tree": ROOT, args.baseline_ref: base}
        n = len(posts)
        print(f"{n:,} distinct development posts, each once (cold caches)")

        one_file = folder / "one.jsonl"
        one_file.write_text(json.dumps({"id": 0, "text": "Where is my parcel?"}) + "\n")
        startup = {name: 9e9 for name in trees}
        for _ in range(args.repeats):
            for name, tree in trees.items():
                startup[name] = min(startup[name], run_cli(tree, one_file)[1])
        for name, seconds in startup.items():
            print(f"{'CLI start-up':18s} {name:10s}: {seconds:.2f} s CPU (one post)")

        cli_cpu = {}
        for label, extra in (("CLI", ()), ("CLI --corrections", ("--corrections", CORRECTIONS))):
            best, outputs = {}, {}
            for _ in range(args.repeats):
                for name, tree in trees.items():
                    wall, cpu, out = run_cli(tree, posts_file, extra)
                    old = best.get(name, (9e9, 9e9))
                    best[name] = (min(old[0], wall), min(old[1], cpu))
                    outputs[name] = out
            same = outputs["this tree"] == outputs[args.baseline_ref]
            for name, (wall, cpu) in best.items():
                print(
                    f"{label:18s} {name:10s}: {n / cpu:,.0f} posts/s CPU "
                    f"({cpu:.2f} s CPU, {wall:.2f} s wall, start-up included)"
                )
            cli_cpu.setdefault(label, best["this tree"][1])
            ratio = best[args.baseline_ref][1] / best["this tree"][1]
            print(
                f"{label:18s} speed-up over {args.baseline_ref}: {ratio:.2f}x; "
                f"output identical: {'yes' if same else 'NO'}"
            )

        for label, extra in (("in process", ()), ("adapted", (CORRECTIONS,))):
            figures = {name: [] for name in trees}
            for _ in range(args.repeats):
                for name, tree in trees.items():
                    figures[name].append(in_process(tree, posts_file, *extra))
            for name, runs in figures.items():
                ours = min(r["classify"] for r in runs)
                vader = min(r["vader"] for r in runs)
                loading = min(r["loading"] for r in runs)
                print(
                    f"{label:18s} {name:10s}: {n / ours:,.0f} posts/s for classify() "
                    f"({ours / vader:.2f}x plain VADER's time, {n / vader:,.0f} posts/s); "
                    f"models and lexicons load in {loading:.2f} s"
                )
            ratio = min(r["classify"] for r in figures[args.baseline_ref]) / min(
                r["classify"] for r in figures["this tree"]
            )
            print(f"{label:18s} speed-up over {args.baseline_ref}: {ratio:.2f}x")
            if label == "in process":
                vader = min(r["vader"] for r in figures["this tree"])
                print(
                    f"{'CLI':18s} this tree : {cli_cpu['CLI'] / vader:.2f}x plain VADER's "
                    f"in-process time on the same posts, start-up included"
                )


if __name__ == "__main__":
    main()
