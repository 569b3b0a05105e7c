"""Security tests run against real servers on loopback: the fixtures of the integration tier
(``server_factory``, ``server_running``, ``server_process``); ``catalogue``, ``demo_city`` and
``store_url`` (SQLite and PostgreSQL) come from ``tests/conftest.py``."""

from __future__ import annotations

from tests.integration.conftest import *  # noqa: F403
