"""Start-up of the console: arguments, display check, Qt set-up, the embedded backend or a
remote server, login, the city, the main window; ``--screenshot`` renders and exits.

    python main.py                        embedded demo: local server + simulator, live city
    python main.py --connect HOST[:PORT]  a dispatch server elsewhere (login dialog); a list
                                          HOST1:PORT,HOST2:PORT for a leader and its standby
    python main.py --screenshot out.png   render the live main window to a PNG and exit
    python main.py --show-part P-bin-12   open on a city part's card (with --screenshot too)
    python main.py --search 观前街18号     show a place on the map once live
    python main.py --replay [--from ISO --to ISO | --incident ID] [--db URL|PATH]
                                          replay history (shift lead), read-only
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("gridline.console")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="gridline", description="Gridline dispatcher console.")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--demo", action="store_true",
                      help="embedded local server and simulator (the default)")
    mode.add_argument("--connect", metavar="HOST[:PORT][,HOST[:PORT]…]",
                      help="a dispatch server: its command port (snapshot and update ports "
                           "follow it unless given); a PostgreSQL pair: the leader and its "
                           "standbys, comma-separated (the console fails over by itself)")
    p.add_argument("--snapshot-port", type=int)
    p.add_argument("--update-port", type=int)
    p.add_argument("--user", help="operator (embedded default: the demo shift lead)")
    p.add_argument("--password", help="or GRIDLINE_PASSWORD; asked for when missing")
    p.add_argument("--workstation", default=os.environ.get("GRIDLINE_WORKSTATION", ""))
    p.add_argument("--data-dir", type=Path, help="keys and the embedded database")
    p.add_argument("--insecure", action="store_true", help="plain sockets (test servers only)")
    p.add_argument("--city-size", choices=("demo", "city"), default="demo",
                   help="the embedded server's city on first run")
    p.add_argument("--speed", type=float, default=1.0,
                   help="embedded simulation: engine seconds per real second")
    p.add_argument("--incidents-per-hour", type=float, default=240.0)
    p.add_argument("--no-sim", action="store_true", help="embedded server without simulator")
    p.add_argument("--lang", choices=("zh_CN", "zh", "en"), help="default: the system locale")
    p.add_argument("--theme", choices=("light", "dark"))
    p.add_argument("--level", choices=("district", "street", "community", "grid"))
    p.add_argument("--tiles", action="append", metavar="SOURCE",
                   help="a basemap tile source, instead of the map/tiles setting (repeatable): "
                        "an XYZ URL template with {z}/{x}/{y} (gcj02:URL for Amap/Tencent "
                        "tiles), folder:PATH, mbtiles:PATH, tianditu:KEY, or a .json/.toml "
                        "file of sources (docs/MAP.md); default: the offline map drawn from "
                        "the city's roads and names")
    p.add_argument("--show-part", metavar="ID",
                   help="once live, show the parts layer and the card of part ID")
    p.add_argument("--wall", action="store_true", help="full-screen read-only wall display")
    p.add_argument("--screen", type=int, default=0, help="monitor for --wall")
    p.add_argument("--wall-rotate", type=float, default=30.0, metavar="SECONDS",
                   help="--wall: show each district in turn for SECONDS (0: whole city only)")
    replay = p.add_argument_group("replay (read-only)")
    replay.add_argument("--replay", action="store_true",
                        help="replay a window of history: the last day unless --from/--to "
                             "or --incident say otherwise")
    replay.add_argument("--from", dest="from_", metavar="ISO",
                        help="window start, local time (e.g. 2026-11-02T08:00)")
    replay.add_argument("--to", metavar="ISO", help="window end, local time")
    replay.add_argument("--incident", metavar="ID", help="replay the life of one incident")
    replay.add_argument("--db", metavar="URL|PATH",
                        help="read the history straight from this database (file or URL) "
                             "instead of the server's history query")
    p.add_argument("--search", metavar="QUERY",
                   help="once live, look a place up and show it on the map (with "
                        "--screenshot: the picture waits for it)")
    p.add_argument("--screenshot", type=Path, metavar="PATH",
                   help="render the live main window to PATH (PNG) and exit")
    p.add_argument("--screenshot-delay", type=float, default=4.0,
                   help="seconds of live data before the screenshot")
    p.add_argument("--exit-when-live", action="store_true",
                   help="quit once the first live map frame is drawn (start-up benchmark)")
    p.add_argument("--log-level", default="WARNING")
    args = p.parse_args(argv)
    if not args.replay and (args.from_ or args.to or args.incident or args.db):
        p.error("--from, --to, --incident and --db go with --replay")
    if args.show_part and (args.replay or args.wall):
        p.error("--show-part goes with the dispatcher's console (not --replay or --wall)")
    return args


def has_display() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or platform.startswith(("offscreen", "minimal", "vnc", "eglfs", "linuxfb")))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from maps.tiles import TileSourceError, load_sources

    try:
        args.tile_sources = load_sources(args.tiles or [])
    except TileSourceError as exc:
        print(f"gridline: --tiles: {exc}", file=sys.stderr)
        return 2
    if not has_display():
        if args.screenshot is None:
            print("gridline: no display (DISPLAY is not set): run it in a desktop session, "
                  "under `xvfb-run -a make run`, or render a PNG with --screenshot PATH",
                  file=sys.stderr)
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from maps import prepare_environment

    prepare_environment()
    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("Gridline")
    QCoreApplication.setApplicationName("console")
    app = QApplication.instance() or QApplication(sys.argv[:1] or ["gridline"])
    assert isinstance(app, QApplication)
    from console.signals import quit_on_signals
    from console.startup import Startup
    from widgets.i18n import install_translator

    lang = args.lang or ("zh_CN" if QLocale.system().name().startswith("zh") else "en")
    language = "zh" if lang.startswith("zh") else "en"
    if not install_translator(app, language):
        log.warning("no compiled translations for %s; run `make setup`", lang)
    startup = Startup(app, args, language)
    quit_on_signals(app)
    code: Any = startup.begin()
    if code is not None:
        return int(code)
    result = app.exec()
    startup.shutdown()
    return startup.exit_code if startup.exit_code is not None else int(result)
