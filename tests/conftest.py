"""Shared fixtures: the real catalogue, a demo city, engines on a fake clock, database URLs."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from dispatch.domain.catalogue.model import Catalogue
    from dispatch.domain.city.model import City
    from dispatch.services.engine import DispatchEngine

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PG_URL = os.environ.get("GRIDLINE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
T0 = 1_794_881_580.0  # Tuesday 2026-11-17 10:13 Beijing time


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    from dispatch.adapters.catalogue_loader import default_catalogue

    return default_catalogue()


@pytest.fixture(scope="session")
def demo_city(catalogue: Catalogue) -> City:
    from dispatch.adapters.district_outlines import suzhou_outlines
    from dispatch.services.city_generator.generate import generate_city

    return generate_city("demo", seed=1, catalogue=catalogue, outlines=suzhou_outlines())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine(catalogue: Catalogue, demo_city: City, clock: FakeClock) -> DispatchEngine:
    """An in-memory engine with the demo city's units registered."""
    from dispatch.adapters.bootstrap import open_engine

    return open_engine(None, catalogue=catalogue, city=demo_city, clock=clock)


def _pg_available(url: str) -> bool:
    from sqlalchemy import create_engine, text

    try:
        eng = create_engine(url, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:  # noqa: BLE001 - a boundary: report, never die
        return False


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    if not _pg_available(PG_URL):
        if os.environ.get("GRIDLINE_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL is required but not reachable at {PG_URL}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    return PG_URL


@pytest.fixture
def pg_url(pg_base_url: str) -> Iterator[str]:
    """A fresh schema on the real PostgreSQL, dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"gl_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_base_url else "?"
    yield f"{pg_base_url}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a SQLite file and on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'events.sqlite'}"
    return request.getfixturevalue("pg_url")
