"""geocode: milliseconds per query of the geocoder on the ``city`` gazetteer (about 325,000
entries), over a realistic mix of 1,000+ queries: exact names, names typed character by
character, full pinyin (whole and as typed), initials, typos (a homophone, another character,
a dropped character, swapped pinyin letters) and road + house number (in and out of range,
with and without 号 and spaces).

Baseline: raw ``rapidfuzz.process.extract(query, names, limit=10)`` over every entry's name,
in the same run, on the same query strings. At about 0.6 s a query it runs on every
``BASELINE_EVERY``-th query of the mix (every kind of query is in that sample); ours is
reported on the whole mix and on that sample. Also reported: how often the expected place (or
one of the same name) is the first result / in the first five (exact, pinyin, initials, typo
and house-number queries have one), the process CPU time per query (steadier than the wall
clock on a shared machine), the times to generate the gazetteer and build the index, and the
process's memory with city, gazetteer and index.

    python -m bench.bench_geocode
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter, defaultdict

import psutil
from rapidfuzz import process

from bench.common import report
from dispatch.adapters.catalogue_loader import default_catalogue
from dispatch.adapters.district_outlines import suzhou_outlines
from dispatch.domain.gazetteer import Entry, Geocoder, Kind, Result, keys_of, normalize
from dispatch.services.city_generator.generate import generate_city
from dispatch.services.gazetteer_generator import generate_gazetteer

BASELINE_EVERY = int(os.environ.get("GRIDLINE_BENCH_GEOCODE_EVERY", "8"))
LIMIT = 10


def p(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def query_mix(entries: list[Entry], seed: int = 2024) -> list[tuple[str, str, str | None]]:
    """(query, category, expected entry id or None) — deterministic for a gazetteer."""
    rnd = random.Random(seed)
    by_kind: dict[Kind, list[Entry]] = defaultdict(list)
    for e in entries:
        by_kind[e.kind].append(e)
    named: list[Kind] = [k for k in Kind if k not in (Kind.ADDRESS, Kind.PART, Kind.GRID)]
    out: list[tuple[str, str, str | None]] = []

    def pick(kinds: list[Kind], n: int) -> list[Entry]:
        return [rnd.choice(by_kind[rnd.choice(kinds)]) for _ in range(n)]

    for e in pick([*named, Kind.ADDRESS, Kind.PART, Kind.GRID], 200):
        out.append((e.name, "exact", e.id))
    for e in pick([Kind.ROAD, Kind.POI, Kind.COMPOUND, Kind.COMMUNITY, Kind.STREET], 40):
        out += [(e.name[:n], "typed", None) for n in range(1, len(e.name) + 1)]
    for e in pick(named, 120):
        py = keys_of(normalize(e.name)).pinyin
        if rnd.random() < 0.3:
            out += [(py[:n], "pinyin_typed", None) for n in range(2, len(py) + 1, 3)]
        out.append((py, "pinyin", e.id))
    for e in pick(named, 120):
        out.append((keys_of(normalize(e.name)).initials, "initials", e.id))
    homophones: dict[str, list[str]] = defaultdict(list)
    for e in by_kind[Kind.ROAD] + by_kind[Kind.COMPOUND] + by_kind[Kind.POI]:
        for ch in e.name:
            py = keys_of(ch).pinyin
            if ch not in homophones[py]:
                homophones[py].append(ch)
    chars = sorted({ch for e in by_kind[Kind.ROAD] for ch in e.name})
    for e in pick([Kind.ROAD, Kind.POI, Kind.COMPOUND, Kind.COMMUNITY], 220):
        name = e.name
        i = rnd.randrange(len(name))
        how = rnd.choice(("homophone", "other", "drop", "pinyin"))
        if how == "homophone":
            alts = [c for c in homophones[keys_of(name[i]).pinyin] if c != name[i]]
            typo = name[:i] + (rnd.choice(alts) if alts else rnd.choice(chars)) + name[i + 1:]
        elif how == "other":
            typo = name[:i] + rnd.choice(chars) + name[i + 1:]
        elif how == "drop" and len(name) > 3:
            typo = name[:i] + name[i + 1:]
        else:
            py = keys_of(normalize(name)).pinyin
            j = rnd.randrange(len(py) - 1)
            typo = py[:j] + py[j + 1] + py[j] + py[j + 2:]
        out.append((typo, "typo", e.id))
    roads = [r for r in by_kind[Kind.ROAD] if r.ranges]
    for _ in range(170):
        road = rnd.choice(roads)
        high = max(r.high for r in road.ranges)
        inside = rnd.random() < 0.85
        n = rnd.randint(1, high) if inside else rnd.randint(high + 1, high + 500)
        text = rnd.choice((f"{road.name}{n}号", f"{road.name} {n} 号", f"{road.name}{n}"))
        out.append((text, "house_number" if inside else "house_number_outside", road.id))
    return out


def expected_rank(results: list[Result], expected: Entry, category: str) -> int | None:
    """Where the expected place (or a place of the same name: names repeat across
    districts) is in the results; for a house number, a result on the expected road (one
    that says the number is out of range, for a number outside)."""
    for i, r in enumerate(results):
        if category == "house_number_outside":
            if r.id == expected.id and r.number_status == "out_of_range":
                return i
        elif category.startswith("house"):
            if r.id == expected.id or r.id.startswith(f"{expected.id}-") \
                    or r.id.startswith(f"{expected.id}#"):
                return i
        elif r.id == expected.id or r.name == expected.name:
            return i
    return None


def main() -> None:
    catalogue = default_catalogue()
    city = generate_city("city", seed=1, catalogue=catalogue, outlines=suzhou_outlines())
    t0 = time.perf_counter()
    gazetteer = generate_gazetteer(city, seed=1)
    generate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    geocoder = Geocoder(gazetteer, locate=city.locate,
                        region_names={c: r.name for c, r in city.regions.items()})
    index_s = time.perf_counter() - t0
    names = [e.name for e in gazetteer.entries]
    mix = query_mix(list(gazetteer.entries))
    for q, _, _ in mix[:20]:  # warm-up: pypinyin's and rapidfuzz's first calls
        geocoder.search(q, LIMIT)

    ours: list[float] = []
    ours_cpu: list[float] = []
    ours_sample: list[float] = []
    raw: list[float] = []
    first: Counter[str] = Counter()
    top5: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for i, (q, category, expected) in enumerate(mix):
        t, c = time.perf_counter(), time.process_time()
        results = geocoder.search(q, LIMIT)
        ms = (time.perf_counter() - t) * 1000
        ours_cpu.append((time.process_time() - c) * 1000)
        ours.append(ms)
        if expected is not None:
            asked[category] += 1
            rank = expected_rank(results, gazetteer[expected], category)
            first[category] += rank == 0
            top5[category] += rank is not None and rank < 5
        if i % BASELINE_EVERY == 0:
            ours_sample.append(ms)
            t = time.perf_counter()
            process.extract(q, names, limit=LIMIT)
            raw.append((time.perf_counter() - t) * 1000)

    quality = {c: f"{first[c]}/{top5[c]}/{asked[c]}" for c in sorted(asked)}
    mix_counts = dict(Counter(c for _, c, _ in mix))
    report("geocode_p99", p(ours, 0.99), "ms", baseline=p(raw, 0.99), target="p99 < 30 ms",
           queries=len(mix), baseline_queries=len(raw),
           ours_p99_on_baseline_queries=round(p(ours_sample, 0.99), 3),
           cpu_p99_ms=round(p(ours_cpu, 0.99), 3),
           entries=len(gazetteer), keys=len(geocoder.index), mix=mix_counts,
           top1_top5_of=quality)
    report("geocode_p50", statistics.median(ours), "ms", baseline=statistics.median(raw),
           target="(p99 is the target)", max_ms=round(max(ours), 3))
    report("gazetteer_build", generate_s + index_s, "s", baseline=None,
           target="generate < 20 s", generate_s=round(generate_s, 3),
           index_s=round(index_s, 3), entries=len(gazetteer),
           rss_mb=round(psutil.Process().memory_info().rss / 2**20))


if __name__ == "__main__":
    main()
