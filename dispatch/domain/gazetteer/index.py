"""The gazetteer's search index: candidate generation that scales to hundreds of thousands of
names, so that the fuzzy scorer only sees a few thousand of them.

Every name and alias of every entry is a *key* with three strings: the normalised name, its
full pinyin and its initials (:mod:`dispatch.domain.gazetteer.text`). The index holds

* ``exact``: normalised name → keys;
* three sorted views (normalised, pinyin, initials) for prefixes by bisection; a prefix
  shared by many keys (``g``, ``观``) gives the shortest keys first, bigger places first among
  the same length (``comp`` = length × 16 + kind rank, chosen with ``argpartition``);
* an inverted index of syllable unigrams and bigrams (``guan``, ``guan|qian``; digit runs are
  one syllable) in compressed rows: the keys sharing the most (IDF-weighted) syllable grams
  with a query are the fuzzy candidates. Working in syllables, not characters, makes a
  homophone typo (观钱街) cost nothing and a wrong character cost only its own grams.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np

from dispatch.domain.gazetteer.model import KIND_RANK, Entry, Kind
from dispatch.domain.gazetteer.text import keys_of, normalize

_END = "\U0010ffff"
_RANK_SPAN = 16  # comp = length * _RANK_SPAN + kind rank
POSTINGS_BUDGET = 40_000  # postings read per query: the rarest grams' first
SORT_BELOW = 6_000  # fewer hits than this: count them by sorting, else over every key


class SortedView:
    """Keys sorted by one of their strings, for prefix ranges."""

    __slots__ = ("comp", "order", "strings")

    def __init__(self, strings: Sequence[str], rank: np.ndarray) -> None:
        order = sorted(range(len(strings)), key=strings.__getitem__)
        self.order = np.asarray(order, dtype=np.int32)
        self.strings = [strings[i] for i in order]
        lengths = np.fromiter((len(s) for s in self.strings), dtype=np.int32,
                              count=len(self.strings))
        self.comp = lengths * _RANK_SPAN + rank[self.order].astype(np.int32)

    def span(self, prefix: str) -> tuple[int, int]:
        lo = bisect_left(self.strings, prefix)
        return lo, bisect_left(self.strings, prefix + _END, lo)

    def prefix(self, prefix: str, cap: int) -> np.ndarray:
        """Keys whose string starts with ``prefix``: all of them, or the ``cap`` shortest
        (bigger places first on equal length)."""
        lo, hi = self.span(prefix)
        if hi - lo <= cap:
            return self.order[lo:hi]
        comp = self.comp[lo:hi]
        pick = np.argpartition(comp, cap - 1)[:cap]
        return self.order[lo + pick]

    def abbreviation(self, text: str, cap: int, anchor: int = 2, slack: int = 4) -> np.ndarray:
        """Keys whose string starts with ``text[:anchor]`` and holds the rest of ``text`` as a
        subsequence, at most ``slack`` characters longer than ``text``: initials typed with
        characters skipped (``gsy`` for 姑苏科技园, ``gskjy``). The shortest ``cap`` of them,
        bigger places first on equal length."""
        lo, hi = self.span(text[:anchor])
        rest = text[anchor:]
        longest = len(text) + slack
        found: list[int] = []
        for i in range(lo, hi):
            s = self.strings[i]
            if len(s) <= longest and _is_subsequence(rest, s, anchor):
                found.append(i)
        picked = np.asarray(found, dtype=np.int64)
        if len(picked) > cap:
            picked = picked[np.argpartition(self.comp[picked], cap - 1)[:cap]]
        return self.order[picked]

    def longest_prefix(self, text: str, cap: int, shortest: int = 1) -> np.ndarray:
        """:meth:`prefix` for the longest prefix of ``text`` (at least ``shortest`` long)
        that some key starts with; empty if none does."""
        for n in range(len(text), shortest - 1, -1):
            lo, hi = self.span(text[:n])
            if hi > lo:
                return self.prefix(text[:n], cap)
        return self.order[:0]


class SearchIndex:
    """Keys and candidate generation over a sequence of entries (see the module docstring)."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = entries
        key_entry: list[int] = []
        norm: list[str] = []
        pinyin: list[str] = []
        initials: list[str] = []
        rank: list[int] = []
        gram_id: dict[str, int] = {}
        flat_gram = array("i")
        flat_key = array("i")
        for ei, entry in enumerate(entries):
            r = KIND_RANK[entry.kind]
            seen: list[str] = []
            for name in entry.names:
                n = normalize(name)
                if not n or n in seen:
                    continue
                seen.append(n)
                k = keys_of(n)
                ki = len(norm)
                key_entry.append(ei)
                norm.append(n)
                pinyin.append(k.pinyin)
                initials.append(k.initials)
                rank.append(r)
                for g in _grams(k.syllables):
                    gi = gram_id.get(g)
                    if gi is None:
                        gi = gram_id[g] = len(gram_id)
                    flat_gram.append(gi)
                    flat_key.append(ki)
        self.key_entry = np.asarray(key_entry, dtype=np.int32)
        self.norm = norm
        self.pinyin = pinyin
        self.initials = initials
        self.rank = np.asarray(rank, dtype=np.int16)
        self.lengths = np.fromiter((len(s) for s in norm), dtype=np.int32, count=len(norm))
        self.norm_array = np.array(norm, dtype=object)
        self.pinyin_array = np.array(pinyin, dtype=object)
        self.initials_array = np.array(initials, dtype=object)
        # roads without their 路/街/巷 (观前街 → 观前), for suffix-blind fuzzy matching
        self.core_array = np.full(len(norm), "", dtype=object)
        for i in np.flatnonzero(self.rank == KIND_RANK[Kind.ROAD]).tolist():
            self.core_array[i] = road_core(norm[i])
        self.exact: dict[str, list[int]] = {}
        for i, n in enumerate(norm):
            self.exact.setdefault(n, []).append(i)
        self.by_norm = SortedView(norm, self.rank)
        self.by_pinyin = SortedView(pinyin, self.rank)
        self.by_initials = SortedView(initials, self.rank)
        self.syllables = frozenset(g for g in gram_id if "|" not in g and g.isalpha())
        self.gram_id = gram_id
        grams = np.frombuffer(flat_gram, dtype=np.int32)
        keys = np.frombuffer(flat_key, dtype=np.int32)
        order = np.argsort(grams, kind="stable")
        self.postings = keys[order]
        counts = np.bincount(grams, minlength=len(gram_id))
        self.offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        n_keys = max(1, len(norm))
        self.idf = np.log1p(n_keys / np.maximum(counts, 1)).astype(np.float64)

    def __len__(self) -> int:
        return len(self.norm)

    def entry_of(self, key: int) -> Entry:
        return self.entries[int(self.key_entry[key])]

    def candidates(self, syllables: Sequence[str], cap: int) -> np.ndarray:
        """Up to ``cap`` keys sharing the most IDF-weighted syllable grams with the query."""
        ids = [self.gram_id[g] for g in _grams(syllables) if g in self.gram_id]
        if not ids:
            return self.postings[:0]
        # rarest grams first, within a budget of postings (always the two rarest)
        sized = sorted((int(self.offsets[i + 1] - self.offsets[i]), i) for i in ids)
        chosen: list[int] = []
        total = 0
        for size, i in sized:
            if len(chosen) >= 2 and total + size > POSTINGS_BUDGET:
                break
            chosen.append(i)
            total += size
        slices = [self.postings[self.offsets[i]:self.offsets[i + 1]] for i in chosen]
        hits = np.concatenate(slices)
        weights = np.repeat(self.idf[chosen], [len(s) for s in slices])
        uniq: np.ndarray
        if len(hits) <= SORT_BELOW:
            uniq, inverse = np.unique(hits, return_inverse=True)
            score = np.bincount(inverse, weights=weights)
        else:
            score = np.bincount(hits, weights=weights, minlength=len(self.norm))
            uniq = np.flatnonzero(score)
            score = score[uniq]
        if len(uniq) <= cap:
            return uniq.astype(np.int32)
        pick = np.argpartition(-score, cap - 1)[:cap]
        return uniq[pick].astype(np.int32)


ROAD_SUFFIXES = ("大道", "路", "街", "巷", "弄")


def road_core(norm: str) -> str:
    """A road name without its 大道/路/街/巷/弄 (empty if it has none, or nothing else)."""
    for suffix in ROAD_SUFFIXES:
        if norm.endswith(suffix) and len(norm) > len(suffix) + 1:
            return norm[: -len(suffix)]
    return ""


def _grams(syllables: Sequence[str]) -> Iterable[str]:
    """Unigrams and bigrams of a syllable sequence, each once."""
    out = dict.fromkeys(syllables)
    for a, b in pairwise(syllables):
        out[f"{a}|{b}"] = None
    return out.keys()


def _is_subsequence(needle: str, hay: str, start: int) -> bool:
    """Whether ``needle``'s characters appear in order in ``hay[start:]``."""
    pos = start
    for ch in needle:
        pos = hay.find(ch, pos) + 1
        if not pos:
            return False
    return True


def prefix_score(query_len: int, key_len: int) -> float:
    """How much of a key a prefix covers, 0..100 (100 when the key is the query)."""
    return 100.0 * 2 * query_len / (query_len + key_len) if key_len else 0.0
