"""The field gateway's command line (:mod:`dispatch.adapters.gateway`, docs/GATEWAY.md)::

    python main.py gateway --data-dir DIR --port 8080                # serve
    python main.py gateway --insecure --command-port 5556 --port 0   # tests: plain sockets
    python main.py gateway keys issue hotline-12345 --scope tickets --source hotline
    python main.py gateway keys list
    python main.py gateway keys revoke hotline-12345

Serving, it prints one JSON line ``{"gateway": "<url>"}`` once it answers and its view of
the dispatch server is live, and stops on SIGTERM/SIGINT. Exit 2 when it cannot start.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from dispatch.adapters.client.commands import ClientCurve
from dispatch.adapters.gateway.api_keys import SCOPES, ApiKeyStore
from dispatch.adapters.gateway.link import Endpoints
from dispatch.adapters.gateway.media_store import MediaLimits
from dispatch.adapters.gateway.ratelimit import Rate
from dispatch.adapters.gateway.serve import Listen, make_server
from dispatch.adapters.gateway.service import (
    DEVICE_RATE,
    KEY_RATE,
    LOGIN_RATE,
    Gateway,
    GatewayConfig,
)
from dispatch.adapters.settings import Settings, default_data_dir
from dispatch.entrypoints.parent_watch import exit_with_parent
from dispatch.entrypoints.settings_cli import add_settings_options, given_settings

log = logging.getLogger("gridline.gateway")
SERVER_OPTIONS = ("data_dir", "command_port", "snapshot_port", "update_port", "servers",
                  "insecure", "hugz_interval_s", "command_timeout_s", "command_retries")


def _rate(text: str) -> Rate:
    try:
        return Rate.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gridline gateway",
        description="Field gateway: grid workers' phones, Open311 GeoReport v2 and the "
                    "12345/110 hand-over, as a client of a running dispatch server. "
                    "'gridline gateway keys --help' manages the API keys.")
    s = p.add_argument_group("dispatch server")
    add_settings_options(s, Settings, only=SERVER_OPTIONS)
    s.add_argument("--server-host", default=None,
                   help="address of the dispatch server (default: $GRIDLINE_HOST or 127.0.0.1)")
    s.add_argument("--user", default="field", help="the gateway's field_gateway operator")
    s.add_argument("--password", help="its password (default: $GRIDLINE_GATEWAY_PASSWORD or "
                                      "the demo password)")
    s.add_argument("--key-name", default="gateway",
                   help="name of the gateway's CURVE key in <data dir>/keys (default gateway)")
    h = p.add_argument_group("HTTP")
    h.add_argument("--host", default="127.0.0.1", help="address to listen on")
    h.add_argument("--port", type=int, default=8080, help="port to listen on; 0 = any free")
    h.add_argument("--tls-cert", type=Path, help="TLS certificate chain (PEM)")
    h.add_argument("--tls-key", type=Path, help="its private key (PEM)")
    h.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                   help="proxies whose X-Forwarded-For/-Proto are trusted (comma list, '*' = "
                        "any; default 127.0.0.1)")
    h.add_argument("--public-url", default="",
                   help="the URL clients use (photo links); default: as each request came")
    lim = p.add_argument_group("limits")
    lim.add_argument("--device-rate", type=_rate, default=DEVICE_RATE,
                     help="requests per device, e.g. 5/s,burst=30 (the default)")
    lim.add_argument("--key-rate", type=_rate, default=KEY_RATE,
                     help="requests per API key (default 20/s,burst=100)")
    lim.add_argument("--login-rate", type=_rate, default=LOGIN_RATE,
                     help="logins per client address (default 10/min)")
    lim.add_argument("--max-photo-mb", type=float, default=10.0, help="largest photo (MB)")
    lim.add_argument("--max-body-mb", type=float, default=32.0,
                     help="largest request body (MB)")
    lim.add_argument("--max-photos", type=int, default=6, help="photos per request")
    p.add_argument("--demo-key", action="store_true",
                   help="issue the demo Open311 API key 'open311-demo' (embedded demo only)")
    p.add_argument("--log-level", default="INFO")
    return p


def _keys_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridline gateway keys",
                                description="Issue, list and revoke the gateway's API keys.")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="the gateway's data directory (default: $GRIDLINE_DATA_DIR or the "
                        "user data directory)")
    sub = p.add_subparsers(dest="command", required=True)
    iss = sub.add_parser("issue", help="issue a key (printed once) for a system")
    iss.add_argument("name")
    iss.add_argument("--scope", action="append", choices=SCOPES, required=True,
                     help="what it may use (repeat for several)")
    iss.add_argument("--source", default="citizen_app",
                     help="the source of its reports: hotline (12345, 110), citizen_app, "
                          "sensor… (default citizen_app)")
    iss.add_argument("--region", default="",
                     help="read only the photos of incidents in this region (a region code "
                          "prefix, e.g. 320508: a remote console's key); default all")
    sub.add_parser("list", help="list the keys (never the keys themselves)")
    rev = sub.add_parser("revoke", help="revoke a key (a running gateway notices in a second)")
    rev.add_argument("name")
    return p


def keys_main(argv: Sequence[str]) -> int:
    args = _keys_parser().parse_args(argv)
    data = args.data_dir or Path(os.environ.get("GRIDLINE_DATA_DIR") or default_data_dir())
    store = ApiKeyStore(data)
    try:
        if args.command == "issue":
            key = store.issue(args.name, tuple(args.scope), args.source, region=args.region)
            where = f", region {args.region}" if args.region else ""
            print(f"issued {args.name} ({', '.join(args.scope)}, source {args.source}{where}); "
                  f"the key, shown only now:\n{key}")
        elif args.command == "list":
            for k in store.entries():
                state = "active" if k.active else "revoked"
                print(f"{k.name:<24} {','.join(k.scopes):<16} {k.source:<12} "
                      f"{k.region or '-':<15} {state}")
        elif not store.revoke(args.name):
            print(f"error: no active key named {args.name!r}", file=sys.stderr)
            return 1
        else:
            print(f"revoked {args.name}")
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _password(given: str | None, user: str) -> str:
    if given:
        return given
    if os.environ.get("GRIDLINE_GATEWAY_PASSWORD"):
        return os.environ["GRIDLINE_GATEWAY_PASSWORD"]
    from dispatch.adapters.security.operators import DEMO_PASSWORDS

    return DEMO_PASSWORDS.get(user, "")


def config_from_args(args: argparse.Namespace) -> GatewayConfig:
    given = given_settings(args, Settings, only=SERVER_OPTIONS)
    if args.server_host:
        given["host"] = args.server_host
    settings = Settings(**given)
    data_dir = Path(settings.data_dir)
    curve = None if settings.insecure else ClientCurve.local(data_dir, args.key_name)
    mb = 1024 * 1024
    return GatewayConfig(
        endpoints=Endpoints(*settings.client_endpoints),  # lists for a leader and standbys
        data_dir=data_dir, user=args.user, password=_password(args.password, args.user),
        workstation=args.key_name, curve=curve,
        media=MediaLimits(max_bytes=int(args.max_photo_mb * mb)),
        max_body_bytes=int(args.max_body_mb * mb), max_photos=args.max_photos,
        device_rate=args.device_rate, key_rate=args.key_rate, login_rate=args.login_rate,
        timeout_s=settings.command_timeout_s, retries=settings.command_retries,
        hugz_interval_s=settings.hugz_interval_s, demo_key=args.demo_key,
        public_url=args.public_url)


def _ready(url: str, gw: Gateway) -> None:
    if gw.view.live:
        log.info("serving at %s; the view of the dispatch server is live (event %d)", url,
                 gw.view.seq)
    else:
        log.warning("serving at %s, but the view of the dispatch server is not live yet (%s)",
                    url, gw.mirror.error or "no snapshot yet")
    print(json.dumps({"gateway": url}), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "keys":
        return keys_main(argv[1:])
    args = _parser().parse_args(argv)
    exit_with_parent()  # an embedded console's child stops with it
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        from dispatch.adapters.catalogue_loader import default_catalogue

        config = config_from_args(args)
        gw = Gateway(config, default_catalogue())
        listen = Listen(args.host, args.port, args.tls_cert, args.tls_key,
                        args.forwarded_allow_ips)
        server, sock = make_server(
            gw, listen, on_ready=lambda url: _ready(url, gw))
    except (ValueError, OSError) as exc:
        log.error("cannot start: %s", exc)
        return 2
    if config.curve is None:
        log.warning("insecure: plain sockets to the dispatch server (tests only)")
    # uvicorn stops gracefully on SIGTERM/SIGINT and then raises the signal again for the
    # handlers it found: ours only note it, so the process ends with 0 after a clean stop
    stopped: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: stopped.append(signum))
    server.run(sockets=[sock])
    log.info("stopped%s", f" (signal {stopped[0]})" if stopped else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
