"""The clients command line: enrol and revoke the CURVE keys of workstations and read-only feed clients on a server::

    python -m dispatch.entrypoints.clients --data-dir DIR list
    python -m dispatch.entrypoints.clients --data-dir DIR enrol ws-03 ws-03.key
    python -m dispatch.entrypoints.clients --data-dir DIR enrol gateway gateway.key --relay
    python -m dispatch.entrypoints.clients --data-dir DIR enrol-feed wall-east wall.key --scope 320508
    python -m dispatch.entrypoints.clients --data-dir DIR revoke ws-03

The server's allow-list is ``<data dir>/keys/clients/``; a running server notices a change
within a second (no restart): an enrolled key may connect, a revoked key's sessions are closed,
its feed dropped and its requests refused. ``PUBLIC`` is a public certificate file (``.key``;
only its public key is copied, even from a ``.key_secret``) or a 40-character Z85 key.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dispatch.adapters.security.keys import (
    allow_client,
    allow_feed_client,
    client_entries,
    clients_dir,
    revoke_client,
)


def _public(arg: str) -> bytes | Path:
    path = Path(arg)
    return path if path.exists() else arg.encode("ascii", "replace")


def main(argv: Sequence[str] | None = None) -> int:
    from dispatch.adapters.settings import default_data_dir

    parser = argparse.ArgumentParser(prog="python -m dispatch.entrypoints.clients",
                                     description="Enrol and revoke Gridline client keys.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="the server's data directory (default: $GRIDLINE_DATA_DIR or the "
                             "user data directory)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the enrolled keys")
    p_en = sub.add_parser("enrol", help="enrol a workstation (its operators log in)")
    p_en.add_argument("name")
    p_en.add_argument("public", help="public certificate file or Z85 key")
    p_en.add_argument("--relay", action="store_true",
                      help="a key that logs in on behalf of many devices (the field gateway): "
                           "failed logins are throttled per device, not per key")
    p_feed = sub.add_parser("enrol-feed", help="enrol a read-only feed key for a region")
    p_feed.add_argument("name")
    p_feed.add_argument("public", help="public certificate file or Z85 key")
    p_feed.add_argument("--scope", default="", help="region code; empty for the whole city")
    p_rev = sub.add_parser("revoke", help="remove a key from the allow-list")
    p_rev.add_argument("name")
    args = parser.parse_args(argv)
    import os

    data = args.data_dir or Path(os.environ.get("GRIDLINE_DATA_DIR") or default_data_dir())
    try:
        if args.command == "list":
            for e in client_entries(clients_dir(data)).values():
                scope = (e.scope or "city-wide") if e.feed_only else "-"
                print(f"{e.name:<24} {e.role:<12} {scope:<16} {e.key.decode()}")
        elif args.command == "enrol":
            path = allow_client(data, _public(args.public), args.name, relay=args.relay)
            print(f"enrolled {args.name} ({path})")
        elif args.command == "enrol-feed":
            path = allow_feed_client(data, _public(args.public), args.name, args.scope)
            print(f"enrolled read-only feed key {args.name} for "
                  f"{args.scope or 'the whole city'} ({path})")
        elif not revoke_client(data, args.name):
            print(f"error: no key named {args.name!r} is enrolled", file=sys.stderr)
            return 1
        else:
            print(f"revoked {args.name}")
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
