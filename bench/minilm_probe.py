"""Does the piece block help the English sentiment layer, and at which C?

    HF_HUB_OFFLINE=1 /tmp/distill/bin/python bench/distill_tokens.py   # once
    SOCIAL_CRM_SHARED=../shared nice -n 10 .venv/bin/python bench/minilm_probe.py

Every post is also read as the pieces of the all-MiniLM-L6-v2 vocabulary
(social_crm.wordpiece); its vector is the mean of its pieces' distilled
vectors (bench/.cache/minilm_pieces.npz). A class-balanced logistic
regression over that vector gives three scores, out of fold, that join the
word scores and the dense features in the layer (bench/train_sentiment.py,
C_PIECES). The mean and both regressions are linear, so the block
collapses into three weights per vocabulary piece: what is shipped, and
what every figure here scores (through C.apply_model and C.piece_logits,
as the addon does).

Rows: the recipe without the block (what shipped before), and with the
block at C_PIECES 0.1, 1 (shipped) and 10. Columns as bench/en_ood.py:
grouped 5-fold CV on TweetEval sentiment validation (fold seeds 7, 1, 2),
the emotion probe (374 tweets never trained on, read as negative/positive:
mean of the two recalls), and the English webcare posts of bench/data
intent_dev.jsonl (80) and intent_test.jsonl (160, held out), macro-recall.
About 4 minutes a row on this 2-core machine. ``--table FILE`` scores
another piece table (bench/distill_tokens.py --contexts), ``--c 1`` only
that row (0: the row without the block).
"""

import argparse
import warnings
from pathlib import Path

import numpy as np
import train_sentiment as T
from devdata import C, load, macro_recall, vader_label
from en_ood import probes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--table", type=Path, help="another piece table (default: the shipped one)")
    parser.add_argument("--c", type=float, nargs="*", help="only these C_PIECES (0: no block)")
    args = parser.parse_args()
    if args.table:
        T.PIECE_CACHE = args.table
    warnings.filterwarnings("ignore")
    english, _dutch = load()
    texts, labels = [t for t, _g in english], [g for _t, g in english]
    feats = T.featurize(english, "en")
    emb, table = T.pieces_of(english, "en")
    sets = probes()
    probe_feats = {k: [C.features(t, "en") for t in v[0]] for k, v in sets.items()}
    print(f"{len(texts)} tweets; probes: " + ", ".join(f"{k} {len(v[0])}" for k, v in sets.items()))
    print("| variant | CV seeds 7 / 1 / 2 | CV mean | " + " | ".join(sets) + " |")
    print("|---" * (3 + len(sets)) + "|")
    choices = [c or None for c in args.c] if args.c else (None, 0.1, 1.0, 10.0)
    for c_pieces in choices:
        T.C_PIECES["en"] = c_pieces

        def fitter(rows, c_pieces=c_pieces):
            f, g = [feats[i] for i in rows], [labels[i] for i in rows]
            if c_pieces is None:
                return T.fit(f, g, "en")
            return T.fit(f, g, "en", None, emb[rows], table)

        block = (emb if c_pieces else None, table)
        cv = [
            macro_recall(*T.cross_validate(english, "en", vader_label, feats, seed, emb=block)[:2])
            for seed in (7, 1, 2)
        ]
        full = fitter(np.arange(len(texts)))
        cells = []
        for key, (p_texts, p_gold, p_labels) in sets.items():
            got = [T.predict(full, f, t) for f, t in zip(probe_feats[key], p_texts, strict=True)]
            cells.append(f"{macro_recall(p_gold, got, *([p_labels] if p_labels else [])):.3f}")
        name = "no piece block" if c_pieces is None else f"piece block, C_PIECES {c_pieces:g}"
        print(
            f"| {name} | {' / '.join(f'{v:.3f}' for v in cv)} | {np.mean(cv):.3f} | "
            + " | ".join(cells)
            + " |",
            flush=True,
        )


if __name__ == "__main__":
    main()
