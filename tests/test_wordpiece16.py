"""WordPiece pieces and what they add to the English sentiment layer."""

import pytest

from social_crm import classify as C
from social_crm import wordpiece

#: a tiny vocabulary, cut the way BERT's uncased vocab.txt is written
VOCAB = {"[UNK]", "un", "##believ", "##able", "the", "store", "!", "?", "cafe", "##s", "'", "t"}


@pytest.mark.parametrize(
    "text, pieces",
    [
        ("Unbelievable!", ["un", "##believ", "##able", "!"]),
        ("THE Café's stores?", ["the", "cafe", "'", "s", "store", "##s", "?"]),
        ("", []),
        ("qwerty", ["[UNK]"]),  # no way to cut it: one unknown piece
        ("x" * 101, ["[UNK]"]),  # too long to cut
        ("the\u200bstore\tstore", ["[UNK]", "store"]),  # a format character is dropped
    ],
)
def test_tokenize_like_bert_uncased(text, pieces):
    vocab = VOCAB | {"s"}
    assert wordpiece.Tokenizer(vocab).tokenize(text) == pieces


def test_basic_tokens_strip_accents_and_split_punctuation():
    assert wordpiece.basic_tokens("Één, twéé... 👍") == ["een", ",", "twee", ".", ".", ".", "👍"]
    assert wordpiece.basic_tokens("a\x00b\ufffd c\u00a0d") == ["ab", "c", "d"]
    assert wordpiece.basic_tokens("東京") == ["東", "京"]


def test_english_model_carries_every_piece_of_the_vocabulary():
    """The piece table is the model's whole vocabulary (30,522 pieces), so
    the addon cuts posts exactly as the model's tokenizer did in training."""
    pieces = C.sentiment_model("en")["pieces"]
    assert len(pieces) == 30_522
    assert {"[UNK]", "the", "##s", "awful", "great"} <= set(pieces)
    assert all(len(row) == 3 for row in pieces.values())
    assert "pieces" not in C.sentiment_model("nl")


def test_piece_logits_are_the_mean_of_the_pieces_weights():
    model = {"pieces": {"good": [1.0, 0.0, -1.0], "bad": [-2.0, 0.0, 4.0], "[UNK]": [0, 0, 0]}}
    assert C.piece_logits(model, "good bad") == [-0.5, 0.0, 1.5]
    # an unknown piece counts in the mean, a dropped mention and URL do not
    assert C.piece_logits(model, "@shop good zzz https://x.example") == [0.5, 0.0, -0.5]
    assert C.piece_logits(model, "@shop https://x.example") is None
    assert C.piece_logits({"weights": {}}, "good") is None


def test_pieces_move_the_english_reading_of_a_word_never_trained_on():
    """A word the hashed features give nothing for still leans the way the
    model's embeddings put it: the pieces' weights differ by meaning."""
    model = C.sentiment_model("en")
    classes = model["classes"]
    neg, pos = classes.index("negative"), classes.index("positive")

    def lean(word):
        row = C.piece_logits(model, word)
        return row[pos] - row[neg]

    assert lean("wonderful") > lean("dreadful")
    assert lean("delighted") > lean("furious")


def test_apply_model_adds_extra_logits():
    model = {"classes": ["a", "b", "c"], "bias": [0.0, 0.0, 0.0], "weights": {}}
    probs = C.apply_model(model, {}, extra=[0.0, 0.0, 5.0])
    assert max(probs, key=probs.get) == "c"
    assert C.apply_model(model, {}, extra=None) == C.apply_model(model, {})
