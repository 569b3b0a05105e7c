"""The geocoder's command line: places for a query, as JSON lines, for scripts and checks.

    python main.py geocode "观前街18号"
    python main.py geocode gqj guanqianjie --limit 3 --data-dir ~/.local/share/gridline
    python main.py geocode "人民路" --gazetteer centre.csv
    python main.py geocode --import centre.csv --db postgresql+psycopg://…/gridline
    python main.py geocode --export gazetteer.geojson --size city

Each result is one line: ``{"query", "name", "kind", "lon", "lat", "grid", "score", "match",
"id", "community", "street", "district" (codes), their ``*_name``s, and for a house number
``house_number``, ``number_status``}``, best first.

Where the city and the gazetteer come from (:func:`load`): with ``--data-dir`` or ``--db``,
the city and gazetteer stored in that database (the server's, read without writing); when it
holds no city, or without either option, the generated city of ``--size``/``--seed`` and the
gazetteer generated from it. ``--gazetteer FILE`` (CSV or GeoJSON, docs/GAZETTEER.md; rows
without a grid are located in the city) replaces the gazetteer for this run; ``--import FILE``
checks it the same way against the stored city and stores it as the database's gazetteer (the
server reads it when it next starts).

Exit status: 0 when every query found something, 1 when one found nothing, 2 when the
gazetteer file was refused (its problems on stderr, by line number) or the database could not
be read or written.
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
from dispatch.adapters.geojson_io.load import import_geojson
from dispatch.adapters.store.event_store import EventStore, StoreError, sqlite_file
from dispatch.domain.city.model import City
from dispatch.domain.gazetteer import Gazetteer, Geocoder
from dispatch.services.city_generator.generate import generate_city
from dispatch.services.gazetteer_generator import generate_gazetteer

DB_FILE = "gridline.sqlite"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gridline geocode",
        description="Find places (address → point and grid): Chinese, pinyin, initials, typos, "
                    "road + house number. Prints one JSON line per result, best first.")
    p.add_argument("query", nargs="*", help="what to look for (several: each in turn)")
    p.add_argument("--limit", type=int, default=10, help="results per query (default 10)")
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="read the city and gazetteer stored in DIR's database (the server's "
                        "--data-dir)")
    p.add_argument("--db", metavar="URL",
                   help="read the city and gazetteer stored in this database (SQLAlchemy URL)")
    p.add_argument("--size", choices=("demo", "city"), default="demo",
                   help="the generated city when no database holds one (default demo)")
    p.add_argument("--seed", type=int, default=1, help="the generated city's seed (default 1)")
    p.add_argument("--gazetteer", type=Path, metavar="FILE",
                   help="read the gazetteer from a CSV or GeoJSON file instead")
    p.add_argument("--import", dest="import_file", type=Path, metavar="FILE",
                   help="check a CSV or GeoJSON gazetteer against the stored city and store it "
                        "as the database's gazetteer (needs --data-dir or --db)")
    p.add_argument("--export", type=Path, metavar="FILE",
                   help="write the gazetteer to a .csv or .geojson file")
    return p


def database_url(data_dir: Path | None, db: str | None) -> str | None:
    """The database named by ``--db`` or ``--data-dir``, None for neither."""
    if db:
        return db
    if data_dir is not None:
        return f"sqlite:///{data_dir.expanduser() / DB_FILE}"
    return None


def _open(url: str, *, write: bool) -> EventStore | None:
    """The store at ``url``; None for a SQLite file that does not exist (when only reading)."""
    path = sqlite_file(url)
    if not write and path is not None and not path.is_file():
        return None
    return EventStore(url, read_only=not write)


def load_stored(url: str) -> tuple[City, Gazetteer | None] | None:
    """The city and gazetteer stored at ``url`` (the gazetteer None when there is none), or
    None when it holds no city."""
    store = _open(url, write=False)
    if store is None:
        return None
    try:
        data = store.load_city_geojson() if store.has_tables() else None
        if data is None:
            return None
        city = import_geojson(data)
        try:
            gazetteer = store.load_gazetteer()
        except ValueError as exc:
            raise StoreError(str(exc)) from exc
        return city, gazetteer
    finally:
        store.close()


def load(size: str, seed: int, gazetteer_file: Path | None = None, url: str | None = None,
         note: bool = True) -> tuple[City, Gazetteer]:
    """The city and the gazetteer the geocoder searches: the one place they come from (see
    the module docstring)."""
    stored = load_stored(url) if url is not None else None
    if stored is None and url is not None and note:
        print(f"gridline geocode: no city stored at {url.split('@')[-1]}; using the generated "
              f"{size} city (seed {seed})", file=sys.stderr)
    city, gazetteer = stored if stored is not None else (
        generate_city(size, seed, catalogue=default_catalogue(),
                      outlines=suzhou_outlines()), None)
    if gazetteer_file is not None:
        return city, read_gazetteer(gazetteer_file, city)
    return city, gazetteer if gazetteer is not None else generate_gazetteer(city, seed)


def import_into(url: str, path: Path) -> str:
    """Check the gazetteer file against the city stored at ``url`` and store it in place of
    the one before; returns what was done, for the operator."""
    store = _open(url, write=True)
    assert store is not None
    try:
        data = store.load_city_geojson()
        if data is None:
            raise StoreError(f"the database at {store.safe_url} holds no city yet: start the "
                             "server on it once, then import")
        city = import_geojson(data)
        gazetteer = read_gazetteer(path, city)
        size = store.save_gazetteer(city.code, gazetteer, f"imported from {path.name}")
    finally:
        store.close()
    counts = ", ".join(f"{n} {k}" for k, n in gazetteer.counts().items())
    return (f"stored {len(gazetteer)} entries ({counts}) from {path.name} as the gazetteer of "
            f"city {city.code} ({size / 1e6:.1f} MB); restart the server to search them")


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(sys.argv[1:] if argv is None else list(argv))
    if args.limit < 1:
        p.error("--limit must be at least 1")
    url = database_url(args.data_dir, args.db)
    if args.import_file is not None:
        if url is None:
            p.error("--import needs --data-dir or --db (the database to store it in)")
        if args.gazetteer is not None:
            p.error("give --import or --gazetteer, not both")
    elif not args.query and args.export is None:
        p.error("give a query (or --export FILE, or --import FILE)")
    try:
        if args.import_file is not None:
            assert url is not None
            print(f"gridline geocode: {import_into(url, args.import_file)}", file=sys.stderr)
            if not args.query and args.export is None:
                return 0
        city, gazetteer = load(args.size, args.seed, args.gazetteer, url)
    except (GazetteerImportError, OSError, StoreError) as e:
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
