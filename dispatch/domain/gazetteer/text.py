"""Search keys of a name: normalisation, tokens, full pinyin and initials.

``normalize`` folds what people type differently for the same place: full-width letters,
digits and spaces become half-width (NFKC), Latin letters lower case, 號 → 号, 栋 and 号楼 →
幢, ``#楼``/``#`` → 幢/号; then everything but Chinese characters, digits and Latin letters
(spaces, punctuation, dashes) is dropped.

Pinyin is computed per character, once, and cached (``pypinyin``'s most common reading
without tones, ``ü`` as ``v``; a few readings that place names prefer are set by hand, see
``PLACE_READINGS``). A name's full pinyin joins the syllables (``观前街`` → ``guanqianjie``),
its initials join their first letters (``gqj``); digit and Latin runs are kept whole in both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Readings place names use more often than pypinyin's default for the character alone
# (长江, 长桥 chang; 七都 du; 重元寺 chong; 厦 xia).
PLACE_READINGS = {"长": "chang", "都": "du", "重": "chong", "厦": "xia", "行": "xing",
                  "曾": "zeng", "单": "shan", "会": "hui", "乐": "le", "藏": "cang"}

_FOLD = (("號", "号"), ("栋", "幢"), ("#楼", "幢"), ("号楼", "幢"), ("#", "号"))
_DROP = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TOKEN = re.compile(r"[0-9]+|[a-z]+|.")
_SYLLABLES: dict[str, str] = dict(PLACE_READINGS)


def normalize(text: str) -> str:
    """The form names and queries are compared in (see the module docstring)."""
    s = unicodedata.normalize("NFKC", text).lower()
    for old, new in _FOLD:
        if old in s:
            s = s.replace(old, new)
    return _DROP.sub("", s)


def is_han(ch: str) -> bool:
    return ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
            or "\uf900" <= ch <= "\ufaff")


def has_han(text: str) -> bool:
    return any(is_han(ch) for ch in text)


def is_latin(text: str) -> bool:
    """True if the (normalised) text is Latin letters and digits only, with a letter."""
    return text.isascii() and any("a" <= ch <= "z" for ch in text)


def syllable(ch: str) -> str:
    """The pinyin of one character without tone (cached); other characters as they are."""
    s = _SYLLABLES.get(ch)
    if s is None:
        if is_han(ch):
            # imported at first use: pypinyin reads its dictionaries on import (~45 MB of
            # objects), which a process that only imports the gazetteer's types (the
            # console, through the store) never needs
            from pypinyin import Style, lazy_pinyin

            s = lazy_pinyin(ch, style=Style.NORMAL, errors="default")[0]
        else:
            s = ch
        _SYLLABLES[ch] = s
    return s


def tokens(norm: str) -> list[str]:
    """A normalised text as tokens: each Chinese character, each run of digits or letters."""
    return _TOKEN.findall(norm)


@dataclass(frozen=True, slots=True)
class Keys:
    """The search keys of one normalised text."""

    norm: str
    pinyin: str  # full pinyin, joined
    initials: str
    syllables: tuple[str, ...]  # one per token: a character's pinyin, a digit/Latin run


def keys_of(norm: str) -> Keys:
    """Pinyin keys of a normalised text."""
    sylls: list[str] = []
    initials: list[str] = []
    get = _SYLLABLES.get
    for tok in _TOKEN.findall(norm):
        s = get(tok)
        if s is None:
            s = syllable(tok) if len(tok) == 1 else tok
        sylls.append(s)
        initials.append(s[0] if len(tok) == 1 and is_han(tok) else s)
    return Keys(norm, "".join(sylls), "".join(initials), tuple(sylls))


def split_syllables(latin: str, known: frozenset[str] | set[str]) -> list[str]:
    """Greedy longest-first split of typed pinyin into known syllables (``guanqianjie`` →
    ``guan qian jie``); digit runs are kept whole and letters that start no known syllable are
    skipped, so a typo costs only the syllables around it."""
    out: list[str] = []
    i, n = 0, len(latin)
    while i < n:
        if latin[i].isdigit():
            j = i
            while j < n and latin[j].isdigit():
                j += 1
            out.append(latin[i:j])
            i = j
            continue
        for size in range(min(6, n - i), 0, -1):
            piece = latin[i:i + size]
            if piece in known:
                out.append(piece)
                i += size
                break
        else:
            i += 1
    return out
