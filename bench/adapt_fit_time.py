"""How the adaptation's fit time grows with the number of corrections: the
reason the addon reads at most CORRECTION_LIMIT (2,000) corrected posts
(social_crm/models/social_crm_adaptation.py) and fits only in the daily job.

    SOCIAL_CRM_SHARED=../shared nice -n 10 .venv/bin/python bench/adapt_fit_time.py

Corrections: the hand-labelled complaint set (953 posts) and the webcare
sets (480), complaint as labelled, the shipped intent otherwise, repeated
with a numbered tag to reach 3,000 distinct texts. Prints the CPU time of
``adapt.fit`` (cross-validated choice included) per N, and each as a ratio
to N = 500 measured in the same run (the machine is shared).
"""

import json
import time

import complaint_devset as D
from devdata import ROOT, C

from social_crm import adapt

SIZES = (500, 1000, 2000, 3000)


def corrections():
    rows = [(t, "complaint" if g else None) for t, g, _r in D.load()]
    for name in ("intent_dev.jsonl", "intent_test.jsonl"):
        with open(ROOT / "bench" / "data" / name, encoding="utf-8") as handle:
            rows += [(r["text"], r["intent"]) for r in map(json.loads, handle)]
    base = [{"text": t, "intent": label or C.classify(t)["intent"]} for t, label in rows]
    return [
        dict(base[i % len(base)], text=f"{base[i % len(base)]['text']} #{i // len(base)}")
        for i in range(max(SIZES))
    ]


def main():
    fixes = corrections()
    seconds = {}
    for n in SIZES:
        started = time.process_time()
        adapt.fit(fixes[:n])
        seconds[n] = time.process_time() - started
        print(
            f"N={n:5}: fit {seconds[n]:5.1f} s CPU, {seconds[n] / seconds[SIZES[0]]:.1f}x N=500",
            flush=True,
        )


if __name__ == "__main__":
    main()
