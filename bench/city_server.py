"""A city-scale dispatch server in a subprocess for the console benchmarks (8,000 grids,
26,000 units, CurveZMQ on). Its database is built once and cached under ``bench/.cache``."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from dispatch.adapters.server.process import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"


class CityServer(ServerProcess):
    def __init__(self, data_dir: Path, *, size: str = "city") -> None:
        self.data_dir = data_dir
        self.size = size
        super().__init__(db_url=f"sqlite:///{data_dir / 'gridline.sqlite'}", data_dir=data_dir,
                         extra=["--city-size", size])

    @property
    def db(self) -> Path:
        return self.data_dir / "gridline.sqlite"

    def start(self, timeout: float = 600.0) -> float:  # type: ignore[override]  # seconds until ready, not the process
        """Start (restoring the cached database); returns seconds until ready."""
        cached = CACHE / f"console-{self.size}.sqlite"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if cached.exists() and not self.db.exists():
            shutil.copy(cached, self.db)
        t0 = time.perf_counter()
        super().start(timeout)
        ready = time.perf_counter() - t0
        if not cached.exists():
            CACHE.mkdir(exist_ok=True)
            src, dst = sqlite3.connect(self.db), sqlite3.connect(cached)
            src.backup(dst)
            dst.close()
            src.close()
        return ready
