"""The geocoder: a query (Chinese, pinyin, initials, with typos, with a house number) → ranked
places, each with its point, grid, community, street and district.

Ranking, best first:

1. **tier**: ``exact`` (the normalised name or an alias is the query) > ``prefix`` (a name
   starts with the query) > ``pinyin`` (the full pinyin or the initials are the query or start
   with it; for a Chinese query, its pinyin: homophone typos land here) > ``fuzzy``
   (rapidfuzz over the candidates of :meth:`SearchIndex.candidates`);
2. **score** (0..100): 100 for an exact match, the share of the name a prefix covers, the
   rapidfuzz score of a fuzzy match;
3. **bigger places on ties**: district > street > community > road > compound > POI > grid >
   building > address > part; then the shorter name, then the id.

A query ending in a number (``观前街18号``, ``人民路100``, ``guanqianjie18``) is also read as
road + house number: when the road part names a road (exactly, by pinyin or initials, or by a
close fuzzy match), the result is the listed address entry if there is one, else the point
interpolated along the road's line (:func:`~dispatch.domain.gazetteer.numbers.house_point`)
with the grid that point lies in; a number outside every range of the road gives the road's
own point with ``number_status`` ``out_of_range``. Such a result takes the road match's tier.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from dispatch.domain.gazetteer.index import SearchIndex, SortedView, prefix_score, road_core
from dispatch.domain.gazetteer.model import KIND_RANK, Entry, Gazetteer, Kind, Point
from dispatch.domain.gazetteer.numbers import house_point, ranges_text, split_number
from dispatch.domain.gazetteer.text import Keys, is_latin, keys_of, normalize, split_syllables

EXACT, PREFIX, PINYIN, FUZZY = 4, 3, 2, 1
FUZZY_CANDIDATES = 1500
FUZZY_CUTOFF = 60.0
ROAD_CUTOFF = 65.0  # a fuzzy road match good enough to place a house number on
CONTAINED = (70.0, 25.0)  # a name containing the query: 70 + 25 × the share it covers
PINYIN_WEIGHT = 0.95  # a Chinese query matched through its pinyin in the fuzzy tier
CORE_WEIGHT = 0.85  # two road names alike but for their 路/街/巷 (观前路 ~ 观前街)
ABBREVIATION_LENGTHS = (3, 8)  # initials typed with characters skipped (gsy → 姑苏科技园)
ABBREVIATION_WEIGHT = 0.9  # below the initials a name starts with, of the same length
REGION_KINDS = (Kind.DISTRICT, Kind.STREET, Kind.COMMUNITY, Kind.GRID)

Locate = Callable[[float, float], "str | None"]


@dataclass(frozen=True, slots=True)
class Result:
    """One ranked place. ``community``/``street``/``district`` are codes (from the grid's),
    with their names when known. ``house_number`` and ``number_status`` (``listed``,
    ``interpolated`` or ``out_of_range``) are set when the query named a house number."""

    id: str
    name: str
    kind: Kind
    lon: float
    lat: float
    grid: str
    score: float
    match: str  # exact, prefix, pinyin, initials, fuzzy
    community: str | None = None
    community_name: str | None = None
    street: str | None = None
    street_name: str | None = None
    district: str | None = None
    district_name: str | None = None
    category: str = ""
    house_number: int | None = None
    number_status: str | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (empty optional fields left out)."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind.value, "lon": self.lon,
                               "lat": self.lat, "grid": self.grid, "score": self.score,
                               "match": self.match, "id": self.id}
        for key in ("community", "community_name", "street", "street_name", "district",
                    "district_name", "category", "house_number", "number_status", "note"):
            value = getattr(self, key)
            if value not in (None, ""):
                out[key] = value
        return out


@dataclass(slots=True)
class _Hit:
    id: str
    tier: int
    score: float
    entry: Entry
    match: str
    name: str = ""
    kind: Kind | None = None
    point: Point | None = None
    grid: str = ""
    number: int | None = None
    status: str | None = None
    note: str = ""

    def order(self) -> tuple[int, float, int, int, str]:
        kind = self.kind or self.entry.kind
        return (-self.tier, -round(self.score, 1), KIND_RANK[kind],
                len(self.name or self.entry.name), self.id)


class Geocoder:
    """Ranked search over a gazetteer. ``locate`` (``City.locate``) gives the grid of an
    interpolated house number; ``region_names`` maps region codes to names (default: the
    gazetteer's own district, street, community and grid entries, whose ids are codes)."""

    def __init__(self, gazetteer: Gazetteer, *, locate: Locate | None = None,
                 region_names: Mapping[str, str] | None = None) -> None:
        self.gazetteer = gazetteer
        self.index = SearchIndex(gazetteer.entries)
        self.locate = locate
        if region_names is None:
            region_names = {e.id: e.name for e in gazetteer.entries if e.kind in REGION_KINDS}
        self.region_names = region_names

    def search(self, query: str, limit: int = 10) -> list[Result]:
        """The best ``limit`` places for ``query``, best first (see the module docstring)."""
        nq = normalize(query)
        if not nq or limit < 1:
            return []
        hits: dict[str, _Hit] = {}
        latin = is_latin(nq)
        qk = None if latin else keys_of(nq)
        cap = max(3 * limit, 30)
        self._by_name(nq, qk, cap, hits)
        if sum(h.tier >= PINYIN for h in hits.values()) < limit:
            for key, score in self._fuzzy(nq, qk, keep=cap):
                _add(hits, _Hit(self.index.entry_of(key).id, FUZZY, score,
                                self.index.entry_of(key), "fuzzy"))
        split = split_number(nq)
        if split is not None:
            self._house_numbers(split[0], split[1], hits)
        best = sorted(hits.values(), key=_Hit.order)[:limit]
        return [self._result(h) for h in best]

    # -- matching ------------------------------------------------------------------------

    def _by_name(self, nq: str, qk: Keys | None, cap: int, hits: dict[str, _Hit]) -> None:
        ix = self.index
        for key in ix.exact.get(nq, ()):
            self._add_key(hits, key, EXACT, 100.0, "exact")
        if qk is not None:
            for key in ix.by_norm.prefix(nq, cap):
                self._add_key(hits, int(key), PREFIX, prefix_score(len(nq), len(ix.norm[key])),
                              "prefix")
            views: tuple[tuple[SortedView, str, list[str]], ...] = (
                (ix.by_pinyin, qk.pinyin, ix.pinyin),)
        else:
            views = ((ix.by_pinyin, nq, ix.pinyin), (ix.by_initials, nq, ix.initials))
        for view, text, strings in views:
            for key in view.prefix(text, cap):
                self._add_key(hits, int(key), PINYIN,
                              prefix_score(len(text), len(strings[key])), "pinyin")
        if qk is None and ABBREVIATION_LENGTHS[0] <= len(nq) <= ABBREVIATION_LENGTHS[1] \
                and nq.isalpha():
            for key in ix.by_initials.abbreviation(nq, cap):
                self._add_key(hits, int(key), PINYIN, ABBREVIATION_WEIGHT
                              * prefix_score(len(nq), len(ix.initials[key])), "initials")

    def _fuzzy(self, nq: str, qk: Keys | None, cutoff: float = FUZZY_CUTOFF,
               keep: int | None = None, kind: Kind | None = None) -> list[tuple[int, float]]:
        """(key, score) of the fuzzy matches at or above ``cutoff`` (of ``kind`` when given);
        only the best ``keep`` of them (in the ranking's order) when given."""
        ix = self.index
        if qk is not None:
            cands = ix.candidates(qk.syllables, FUZZY_CANDIDATES)
        else:
            sylls = split_syllables(nq, ix.syllables)
            cands = np.unique(np.concatenate((
                ix.candidates(sylls, FUZZY_CANDIDATES),
                ix.by_pinyin.longest_prefix(nq, 300, shortest=2),
                ix.by_initials.longest_prefix(nq, 300, shortest=2))))
        if not len(cands):
            return []
        pinyin = ix.pinyin_array[cands].tolist()
        if qk is not None:
            norms = ix.norm_array[cands].tolist()
            score = cdist([nq], norms, scorer=fuzz.ratio)[0]
            score = np.maximum(score, PINYIN_WEIGHT
                               * cdist([qk.pinyin], pinyin, scorer=fuzz.ratio)[0])
            if len(nq) >= 2:
                score = np.maximum(score, _containing(nq, norms))
            core = road_core(nq)
            if core:
                cores = ix.core_array[cands].tolist()
                score = np.maximum(score, CORE_WEIGHT
                                   * cdist([core], cores, scorer=fuzz.ratio)[0])
        else:
            score = cdist([nq], pinyin, scorer=fuzz.ratio)[0]
            initials = ix.initials_array[cands].tolist()
            score = np.maximum(score, cdist([nq], initials, scorer=fuzz.ratio)[0])
            if len(nq) >= 5:
                score = np.maximum(score, _containing(nq, pinyin))
        passed = score >= cutoff
        if kind is not None:
            passed &= ix.rank[cands] == KIND_RANK[kind]
        good = np.flatnonzero(passed)
        if keep is not None and len(good) > keep:
            keys = cands[good]
            best = np.lexsort((ix.lengths[keys], ix.rank[keys], -np.round(score[good], 1)))
            good = good[best[:keep]]
        return [(int(cands[i]), float(score[i])) for i in good]

    def _add_key(self, hits: dict[str, _Hit], key: int, tier: int, score: float,
                 match: str) -> None:
        entry = self.index.entry_of(key)
        _add(hits, _Hit(entry.id, tier, score, entry, match))

    # -- house numbers -------------------------------------------------------------------

    def roads_named(self, base: str) -> list[tuple[Entry, int, float, str]]:
        """Roads (with a line) that a normalised road part names: (road, tier, score, match),
        best first; exact names and aliases, then pinyin or initials, then close fuzzy ones."""
        ix = self.index
        found: dict[str, tuple[Entry, int, float, str]] = {}

        def take(keys: Sequence[int] | np.ndarray, tier: int, score: float, match: str) -> None:
            for key in keys:
                e = ix.entry_of(int(key))
                if e.kind == Kind.ROAD and e.line and e.id not in found:
                    found[e.id] = (e, tier, score, match)

        take(ix.exact.get(base, ()), EXACT, 100.0, "exact")
        if not found:
            views: tuple[tuple[SortedView, str, list[str]], ...]
            if is_latin(base):
                views = ((ix.by_pinyin, base, ix.pinyin), (ix.by_initials, base, ix.initials))
            else:
                views = ((ix.by_pinyin, keys_of(base).pinyin, ix.pinyin),)
            for view, text, strings in views:
                take([k for k in view.prefix(text, 50) if strings[k] == text],
                     PINYIN, 100.0, "pinyin")
        if not found:
            fuzzy = self._fuzzy(base, None if is_latin(base) else keys_of(base), ROAD_CUTOFF,
                                kind=Kind.ROAD)
            if fuzzy:
                top = max(s for _, s in fuzzy)
                fuzzy.sort(key=lambda ks: (-ks[1], ks[0]))
                for key, score in fuzzy:
                    if score >= top - 5:
                        take([key], FUZZY, score, "fuzzy")
        return sorted(found.values(), key=lambda r: (-r[1], -r[2], r[0].id))[:3]

    def _house_numbers(self, base: str, number: int, hits: dict[str, _Hit]) -> None:
        ix = self.index
        for road, tier, score, match in self.roads_named(base):
            listed = [ix.entry_of(k) for k in ix.exact.get(normalize(f"{road.name}{number}号"), ())]
            listed = [e for e in listed if e.kind == Kind.ADDRESS]
            if listed:
                for e in listed:
                    _add(hits, _Hit(e.id, tier, score, e, match, number=number,
                                    status="listed"))
                continue
            placed = house_point(road, number)
            if placed is not None:
                (lon, lat), _ = placed
                grid = (self.locate(lon, lat) if self.locate else None) or road.grid
                _add(hits, _Hit(f"{road.id}#{number}", tier, score, road, match,
                                name=f"{road.name}{number}号", kind=Kind.ADDRESS,
                                point=(round(lon, 7), round(lat, 7)), grid=grid,
                                number=number, status="interpolated"))
            else:
                _add(hits, _Hit(road.id, tier, score * 0.9, road, match, number=number,
                                status="out_of_range",
                                note=f"{number}号 is outside {road.name}'s house numbers "
                                     f"({ranges_text(road)})"))

    # -- results -------------------------------------------------------------------------

    def _result(self, h: _Hit) -> Result:
        e = h.entry
        lon, lat = h.point if h.point is not None else (e.lon, e.lat)
        grid = h.grid or e.grid
        names = self.region_names
        community = grid[:12] if len(grid) >= 12 else None
        street = grid[:9] if len(grid) >= 9 else None
        district = grid[:6] if len(grid) >= 6 else None
        return Result(
            id=h.id, name=h.name or e.name, kind=h.kind or e.kind, lon=lon, lat=lat, grid=grid,
            score=round(h.score, 1), match=h.match,
            community=community, community_name=names.get(community or ""),
            street=street, street_name=names.get(street or ""),
            district=district, district_name=names.get(district or ""),
            category="" if h.kind is not None else e.category, house_number=h.number, number_status=h.status, note=h.note)


def _containing(query: str, names: list[str]) -> np.ndarray:
    """The score of each name for containing ``query`` (科技园 in 姑苏科技园: 85), 0 if not."""
    base, share = CONTAINED
    n = len(query)
    return np.fromiter((base + share * n / len(s) if query in s else 0.0 for s in names),
                       dtype=np.float64, count=len(names))


def _add(hits: dict[str, _Hit], hit: _Hit) -> None:
    """Keep the better hit of a place; on a tie, the one that read a house number."""
    old = hits.get(hit.id)
    if old is None or (hit.tier, hit.score, hit.status is not None) \
            > (old.tier, old.score, old.status is not None):
        hits[hit.id] = hit
