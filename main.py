"""Gridline entry point.

    python main.py [console options]   the dispatcher console (embedded demo by default)
    python main.py server [options]    the dispatch server
    python main.py sim [options]       the field simulator
    python main.py geocode QUERY...    places for a query, as JSON lines
    python main.py gateway [options]   the field gateway (HTTP); "gateway keys …" its API keys
    python main.py evaluation-report --month YYYY-MM --out DIR (--data-dir DIR | --db URL |
                   --connect ENDPOINT …)  the monthly evaluation report, PDF and CSV
"""

from __future__ import annotations

import sys


def server_main(argv: list[str] | None = None) -> int:
    from dispatch.entrypoints.server import main as run

    return run(sys.argv[1:] if argv is None else argv)


def sim_main(argv: list[str] | None = None) -> int:
    from dispatch.entrypoints.sim import main as run

    return run(sys.argv[1:] if argv is None else argv)


def geocode_main(argv: list[str] | None = None) -> int:
    from dispatch.entrypoints.geocode import main as run

    return run(sys.argv[1:] if argv is None else argv)


def gateway_main(argv: list[str] | None = None) -> int:
    from dispatch.entrypoints.gateway import main as run

    return run(sys.argv[1:] if argv is None else argv)


def evaluation_report_main(argv: list[str] | None = None) -> int:
    from dispatch.entrypoints.evaluation_report import main as run

    return run(sys.argv[1:] if argv is None else argv)


def console_main(argv: list[str] | None = None) -> int:
    from console.app import main as run

    return run(sys.argv[1:] if argv is None else argv)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "server":
        return server_main(args[1:])
    if args and args[0] in ("sim", "simulator"):
        return sim_main(args[1:])
    if args and args[0] == "geocode":
        return geocode_main(args[1:])
    if args and args[0] == "gateway":
        return gateway_main(args[1:])
    if args and args[0] == "evaluation-report":
        return evaluation_report_main(args[1:])
    return console_main(args)


if __name__ == "__main__":
    sys.exit(main())
