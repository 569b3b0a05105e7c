"""Manage operator accounts (:mod:`dispatch.adapters.security.operators`)::

    python -m dispatch.entrypoints.operators --db URL add USER --role ROLE [--scope CODE] [--name NAME]
    python -m dispatch.entrypoints.operators --db URL list
    python -m dispatch.entrypoints.operators --db URL passwd USER
    python -m dispatch.entrypoints.operators --db URL disable USER
    python -m dispatch.entrypoints.operators --db URL prune-audit --keep-days 365

The password is asked twice on a terminal, or read as one line from standard input; the
database URL may also come from ``GRIDLINE_DB_URL``; without either, the embedded SQLite file.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from dispatch.adapters.security.operators import (
    OperatorDirectory,
    normalize_user,
    prune_audit,
)
from dispatch.domain.roles import Role


def _read_password(stdin_is_tty: bool) -> str:
    if stdin_is_tty:
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _local_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dispatch.entrypoints.operators",
        description="Manage Gridline operator accounts.")
    parser.add_argument("--db", default=os.environ.get("GRIDLINE_DB_URL"),
                        help="SQLAlchemy database URL (default: $GRIDLINE_DB_URL, "
                             "else the embedded SQLite file)")
    sub = parser.add_subparsers(dest="command", required=True)
    p_add = sub.add_parser("add", help="add an operator (password from the terminal or stdin)")
    p_add.add_argument("user")
    p_add.add_argument("--role", required=True,
                       choices=[r.value for r in Role if r is not Role.SYSTEM])
    p_add.add_argument("--scope", default="", help="region code; empty for the whole city")
    p_add.add_argument("--name", default="", help="display name")
    sub.add_parser("list", help="list operators")
    p_pw = sub.add_parser("passwd", help="set an operator's password")
    p_pw.add_argument("user")
    for verb in ("disable", "enable"):
        sub.add_parser(verb, help=f"{verb} an operator").add_argument("user")
    p_prune = sub.add_parser("prune-audit", help="delete audit lines older than --keep-days")
    p_prune.add_argument("--keep-days", type=float, required=True)
    args = parser.parse_args(argv)

    from dispatch.adapters.store.event_store import EventStore, StoreError, default_sqlite_url

    try:
        store = EventStore(args.db or default_sqlite_url())
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    directory = OperatorDirectory(store.engine)
    actor = _local_actor()
    try:
        if args.command == "add":
            op = directory.add(args.user, _read_password(sys.stdin.isatty()), args.role,
                               args.scope, args.name, actor=actor)
            print(f"added {op.user} ({op.role.value}, scope {op.scope or 'city-wide'})")
        elif args.command == "list":
            for op in directory.list():
                state = "disabled" if op.disabled else "active"
                print(f"{op.user:<16} {op.role.value:<14} {op.scope or '-':<16} {state:<9} "
                      f"{op.display_name}")
        elif args.command == "passwd":
            directory.set_password(args.user, _read_password(sys.stdin.isatty()), actor=actor)
            print(f"password of {normalize_user(args.user)} changed")
        elif args.command == "prune-audit":
            n = prune_audit(store.engine, keep_days=args.keep_days, actor=actor)
            print(f"{n} audit lines older than {args.keep_days:g} days deleted")
        elif args.command == "disable":
            directory.disable(args.user, actor=actor)
            print(f"{normalize_user(args.user)} disabled")
        else:
            directory.enable(args.user, actor=actor)
            print(f"{normalize_user(args.user)} enabled")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0



if __name__ == "__main__":
    raise SystemExit(main())
