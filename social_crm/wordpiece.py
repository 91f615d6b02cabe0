"""WordPiece tokenisation as BERT's uncased tokenizer does it, in plain
Python (no ``odoo``, no ``transformers``): text -> vocabulary pieces.

The English sentiment layer reads every post also as the pieces of the
all-MiniLM-L6-v2 vocabulary (see classify.piece_logits): each piece has
weights distilled from that model's token embeddings, so a word the
development tweets never held still scores like the words the model puts
near it. This module only cuts text into those pieces, the way the model's
own tokenizer does:

1. clean: control characters dropped, whitespace made single spaces;
   CJK ideographs set apart;
2. lower-case, accents stripped (NFD, combining marks dropped);
3. split on whitespace and punctuation (every punctuation character is a
   token of its own);
4. each token cut greedily into the longest pieces of the vocabulary, from
   the left, continuations written "##piece"; a token that cannot be cut, or
   longer than MAX_CHARS, is "[UNK]".
"""

import functools
import re
import unicodedata

UNKNOWN = "[UNK]"
MAX_CHARS = 100


def _is_punctuation(char):
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code):
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def _clean(text):
    out = []
    for char in text:
        code = ord(char)
        if code in (0, 0xFFFD):
            continue
        if char in " \t\n\r" or unicodedata.category(char) == "Zs":
            out.append(" ")
        elif unicodedata.category(char).startswith("C"):
            continue
        elif _is_cjk(code):
            out.append(f" {char} ")
        else:
            out.append(char)
    return "".join(out)


#: printable ASCII (the fast path of basic_tokens): a punctuation character,
#: or a run of other characters that are not spaces
ASCII_TOKEN = re.compile(r"[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~ ]+")
PRINTABLE_ASCII = re.compile(r"[ -~]*")


def basic_tokens(text):
    """Lower-cased, accent-stripped tokens, punctuation split off."""
    if text.isascii() and PRINTABLE_ASCII.fullmatch(text):
        return ASCII_TOKEN.findall(text.lower())  # nothing to clean or strip
    tokens = []
    for word in _clean(text).lower().split():
        word = "".join(
            c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn"
        )
        current = []
        for char in word:
            if _is_punctuation(char):
                if current:
                    tokens.append("".join(current))
                    current = []
                tokens.append(char)
            else:
                current.append(char)
        if current:
            tokens.append("".join(current))
    return tokens


def pieces(token, vocab):
    """The vocabulary pieces of one basic token (greedy longest match)."""
    if len(token) > MAX_CHARS:
        return (UNKNOWN,)
    out, start = [], 0
    while start < len(token):
        end = len(token)
        while end > start:
            piece = token[start:end] if not start else "##" + token[start:end]
            if piece in vocab:
                out.append(piece)
                break
            end -= 1
        else:
            return (UNKNOWN,)
        start = end
    return tuple(out)


class Tokenizer:
    """WordPiece over ``vocab`` (a set or dict of pieces). ``word_pieces``
    cuts one whitespace-free word; ``tokenize`` caches each word's pieces,
    so a text costs one lookup per word once words repeat."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.cached_pieces = functools.lru_cache(maxsize=1 << 17)(self.word_pieces)

    def word_pieces(self, word):
        if word.isalpha() and word.isascii():  # most words: no punctuation, no accents
            lower = word.lower()
            if lower in self.vocab:
                return (lower,)
            return pieces(lower, self.vocab)
        return tuple(p for token in basic_tokens(word) for p in pieces(token, self.vocab))

    def tokenize(self, text):
        return [p for word in text.split() for p in self.cached_pieces(word)]
