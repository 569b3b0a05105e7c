"""The geocoder's command line: places for a query, as JSON lines, for scripts and checks.

    python main.py geocode "观前街18号"
    python main.py geocode gqj guanqianjie --limit 3 --size city
    python main.py geocode "人民路" --gazetteer centre.csv
    python main.py geocode --export gazetteer.geojson --size city

Each result is one line: ``{"query", "name", "kind", "lon", "lat", "grid", "score", "match",
"id", "community", "street", "district" (codes), their ``*_name``s, and for a house number
``house_number``, ``number_status``}``, best first. The city is the generated one
(``--size``, ``--seed``); the gazetteer is generated from it, or read from ``--gazetteer``
(CSV or GeoJSON, see docs/GAZETTEER.md; rows without a grid are located in that city).

Exit status: 0 when every query found something, 1 when one found nothing, 2 when the
gazetteer file was refused (its problems on stderr, by line number).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import orjson

from dispatch.adapters.catalogue_loader import default_catalogue
from dispatch.adapters.district_outlines import suzhou_outlines
from dispatch.adapters.gazetteer_io import GazetteerImportError, read_gazetteer, write_gazetteer
from dispatch.domain.city.model import City
from dispatch.domain.gazetteer import Gazetteer, Geocoder
from dispatch.services.city_generator.generate import generate_city
from dispatch.services.gazetteer_generator import generate_gazetteer


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gridline geocode",
        description="Find places (address → point and grid): Chinese, pinyin, initials, typos, "
                    "road + house number. Prints one JSON line per result, best first.")
    p.add_argument("query", nargs="*", help="what to look for (several: each in turn)")
    p.add_argument("--limit", type=int, default=10, help="results per query (default 10)")
    p.add_argument("--size", choices=("demo", "city"), default="demo",
                   help="the generated city (default demo)")
    p.add_argument("--seed", type=int, default=1, help="the generated city's seed (default 1)")
    p.add_argument("--gazetteer", type=Path, metavar="FILE",
                   help="read the gazetteer from a CSV or GeoJSON file instead of generating it")
    p.add_argument("--export", type=Path, metavar="FILE",
                   help="write the gazetteer to a .csv or .geojson file")
    return p


def load(size: str, seed: int, gazetteer_file: Path | None = None) -> tuple[City, Gazetteer]:
    """The city and the gazetteer the geocoder searches: the one place they come from."""
    city = generate_city(size, seed, catalogue=default_catalogue(), outlines=suzhou_outlines())
    if gazetteer_file is not None:
        return city, read_gazetteer(gazetteer_file, city)
    return city, generate_gazetteer(city, seed)


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(sys.argv[1:] if argv is None else list(argv))
    if args.limit < 1:
        p.error("--limit must be at least 1")
    if not args.query and args.export is None:
        p.error("give a query (or --export FILE)")
    try:
        city, gazetteer = load(args.size, args.seed, args.gazetteer)
    except (GazetteerImportError, OSError) as e:
        print(f"gridline geocode: {e}", file=sys.stderr)
        return 2
    if args.export is not None:
        write_gazetteer(gazetteer, args.export)
    geocoder = Geocoder(gazetteer, locate=city.locate,
                        region_names={code: r.name for code, r in city.regions.items()})
    out = sys.stdout.buffer
    missed = False
    for query in args.query:
        results = geocoder.search(query, args.limit)
        missed |= not results
        for r in results:
            out.write(orjson.dumps({"query": query, **r.as_dict()}) + b"\n")
    out.flush()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
