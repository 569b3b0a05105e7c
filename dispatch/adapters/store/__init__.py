"""Event store on SQLAlchemy 2: SQLite (WAL, one batched writer) or PostgreSQL by URL."""

from dispatch.adapters.store.event_store import EventStore, StoreError, default_sqlite_url

__all__ = ["EventStore", "StoreError", "default_sqlite_url"]
