"""The dispatch server's command line (its options are the fields of
:class:`~dispatch.adapters.settings.Settings`):

    python -m dispatch.entrypoints.server --db-url sqlite:///gridline.sqlite --time-speed 60
    python main.py server --insecure --command-port 0 --snapshot-port 0 --update-port 0

Once bound it prints one line on standard output (:func:`~dispatch.adapters.server.process.ready_line`:
the endpoints and the sequence it starts from); SIGTERM/SIGINT stop it (exit 0); it exits 2
when it cannot start.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence

import zmq

from dispatch.adapters.server.process import Endpoints, ready_line
from dispatch.adapters.server.server import open_server
from dispatch.adapters.server.standby import STANDBY, PairedServer
from dispatch.adapters.settings import Settings
from dispatch.adapters.store.leadership import SQLITE_SINGLE, supports_standby
from dispatch.entrypoints.parent_watch import exit_with_parent
from dispatch.entrypoints.settings_cli import add_settings_options, given_settings
from dispatch.entrypoints.tuning import freeze_long_lived

log = logging.getLogger("gridline.server")

CLIENT_ONLY = ("workstation", "command_timeout_s", "command_retries", "servers")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridline server",
                                description="Run the Gridline dispatch server.")
    add_settings_options(p, Settings, exclude=CLIENT_ONLY)
    p.add_argument("--log-level", default="INFO")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    exit_with_parent()  # an embedded console's child stops with it
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings(**given_settings(args, Settings))
        if supports_standby(settings.database_url):
            return run_paired(settings)
        if settings.standby:
            log.error("cannot start: %s", SQLITE_SINGLE)
            return 2
        server = open_server(settings)
    except Exception as exc:  # noqa: BLE001 - a boundary: report, never die
        log.error("cannot start: %s", exc)
        return 2
    if settings.insecure:
        log.warning("INSECURE mode: no CurveZMQ, the feed is not limited to operators' regions")

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        server.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        ep = server.bind()
    except zmq.ZMQError as exc:
        log.error("cannot bind: %s", exc)
        server.shutdown()
        return 2
    # The city and the state are long-lived: keep them out of the collector's full passes.
    freeze_long_lived()
    print(ready_line(ep, server.engine.state.seq), flush=True)
    server.serve_forever()
    return 0


def run_paired(settings: Settings) -> int:
    """A server on PostgreSQL: the leader, or a hot standby while another server leads
    (:mod:`dispatch.adapters.server.standby`)."""
    def ready(ep: Endpoints, seq: int) -> None:
        freeze_long_lived()
        print(ready_line(ep, seq), flush=True)

    def standby(seq: int, holder: str) -> None:
        print(f"{STANDBY} seq={seq} leader={holder or '?'}", flush=True)

    paired = PairedServer(settings, on_ready=ready, on_standby=standby)
    if settings.insecure:
        log.warning("INSECURE mode: no CurveZMQ, the feed is not limited to operators' regions")

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        paired.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        return paired.run()
    except zmq.ZMQError as exc:
        log.error("cannot bind: %s", exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
