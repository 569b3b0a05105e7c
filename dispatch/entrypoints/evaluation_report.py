"""The monthly evaluation report's command line: a month's rankings of the districts and the
departments with the month-on-month change, as PDF and CSV::

    python main.py evaluation-report --month 2026-11 --out reports/ --data-dir ~/.local/share/gridline
    python main.py evaluation-report --month 2026-11 --out reports/ --db postgresql+psycopg://…/gridline
    python main.py evaluation-report --month 2026-11 --out reports/ --connect tcp://centre:5570 \\
        --user lead --password … [--keys DIR | --insecure]

With ``--data-dir`` or ``--db`` the server's event store is read (not written) and the month
replayed (:mod:`dispatch.services.evaluation_month`: incidents archived during the month are
counted too); with ``--connect`` a running server is asked (the ``evaluation`` query, in the
operator's region scope; archived incidents are not in a server's live state). Writes
``evaluation-YYYY-MM.pdf`` and ``evaluation-YYYY-MM.csv`` into ``--out`` and prints their
paths. Exit status 0, or 2 with what is wrong on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dispatch.adapters.catalogue_loader import default_catalogue
from dispatch.domain.errors import DispatchError
from dispatch.services.evaluation_view import Fetch, parse_month, period_step

DB_FILE = "gridline.sqlite"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gridline evaluation-report",
        description="Write the monthly evaluation report (districts and departments ranked, "
                    "month on month) as PDF and CSV.")
    p.add_argument("--month", metavar="YYYY-MM",
                   help="the month (default: the month before the current one)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="directory for evaluation-YYYY-MM.pdf and .csv (made if need be)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--data-dir", type=Path, metavar="DIR",
                     help="read the event store in DIR (the server's --data-dir)")
    src.add_argument("--db", metavar="URL", help="read the event store at this database URL")
    src.add_argument("--connect", metavar="ENDPOINT",
                     help="ask a running server (its command endpoint, tcp://host:port)")
    p.add_argument("--user", help="operator for --connect")
    p.add_argument("--password", help="for --connect (or GRIDLINE_PASSWORD)")
    p.add_argument("--keys", type=Path, metavar="DIR",
                   help="for --connect: the data directory holding this client's keys and "
                        "keys/server.key")
    p.add_argument("--insecure", action="store_true",
                   help="for --connect: plain sockets (test servers only)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="the report's language (default zh)")
    p.add_argument("--centre", help="the centre's name on the title page (default: the city's "
                                    "command centre)")
    return p


def _from_store(url: str) -> tuple[Fetch, Any, Any]:
    from dispatch.adapters.geojson_io.load import import_geojson
    from dispatch.adapters.store.event_store import EventStore, sqlite_file
    from dispatch.services.evaluation_month import StoreEvaluation

    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise ValueError(f"no event store at {path}")
    store = EventStore(url, read_only=True)
    data = store.load_city_geojson() if store.has_tables() else None
    if data is None:
        store.close()
        raise ValueError(f"no city stored at {url.split('@')[-1]}")
    return StoreEvaluation(store), import_geojson(data), store


def _from_server(args: argparse.Namespace) -> tuple[Fetch, Any, Any]:
    from dispatch.adapters.client.commands import ClientCurve, CommandClient
    from dispatch.adapters.geojson_io.load import import_geojson

    password = args.password or os.environ.get("GRIDLINE_PASSWORD", "")
    if not args.user or not password:
        raise ValueError("--connect needs --user and --password (or GRIDLINE_PASSWORD)")
    curve = None
    if not args.insecure:
        if args.keys is None:
            raise ValueError("--connect needs --keys DIR (this client's keys and the server's "
                             "public key) or --insecure")
        curve = ClientCurve.local(args.keys, "evaluation-report")
    client = CommandClient(args.connect, curve=curve, timeout_s=60.0)
    client.login(args.user, password, "evaluation-report")
    city = import_geojson(client.city_geojson())

    def fetch(level: str, start: float, end: float) -> dict[str, Any]:
        return client.query("evaluation", level=level, start=start, end=end)

    return fetch, city, client


def main(argv: Sequence[str] | None = None) -> int:
    from dispatch.services.replay import city_zone
    from dispatch.services.report.evaluation import build_report, centre_name
    from dispatch.services.report.evaluation_pdf import write_report
    from dispatch.services.report.names import names_for

    args = parser().parse_args(argv)
    catalogue = default_catalogue()
    tz = city_zone(catalogue.calendar.utc_offset_minutes)
    resource: Any = None
    try:
        month = parse_month(args.month) if args.month else \
            period_step("month", datetime.now(UTC).astimezone(tz).date(), -1)
        if args.connect:
            fetch, city, resource = _from_server(args)
        else:
            url = args.db or f"sqlite:///{args.data_dir.expanduser() / DB_FILE}"
            fetch, city, resource = _from_store(url)
        names = names_for(catalogue, city, args.lang)
        report = build_report(fetch, month, tz, args.centre or centre_name(city.name, args.lang))
        for path in write_report(report, args.out, names):
            print(path)
    except (ValueError, OSError, DispatchError) as exc:
        print(f"gridline evaluation-report: {exc}", file=sys.stderr)
        return 2
    finally:
        if resource is not None:
            resource.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
