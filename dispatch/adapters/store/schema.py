"""Tables of the event store (the Alembic migrations create exactly these)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# SQLite only makes INTEGER PRIMARY KEY the rowid; BIGINT elsewhere.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events", metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=False),
    Column("ts", Float, nullable=False),
    Column("kind", String(48), nullable=False),
    Column("operator", String(64), nullable=False),
    Column("workstation", String(64), nullable=False),
    Column("command_id", String(64), nullable=True),
    Column("incident_id", String(32), nullable=True),
    Column("data", Text, nullable=False),
    # the leadership that appended it (None: a single server, e.g. SQLite)
    Column("epoch", BigInteger, nullable=True),
)
Index("ix_events_incident", events.c.incident_id)
Index("ix_events_ts", events.c.ts)

snapshots = Table(
    "snapshots", metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=False),
    Column("ts", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("format", String(16), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# The records of archived incidents as they were when archived (a read model: written by the
# engine with the archive event, rebuilt from the events when behind; see
# dispatch.adapters.store.archive_reads). first_ts/last_ts bound every instant of the record.
archived_incidents = Table(
    "archived_incidents", metadata,
    Column("incident_id", String(32), primary_key=True),
    Column("archived_seq", SeqType, nullable=False),
    Column("grid", String(32), nullable=False),
    Column("first_ts", Float, nullable=False),
    Column("last_ts", Float, nullable=False),
    Column("data", LargeBinary, nullable=False),
)
Index("ix_archived_incidents_span", archived_incidents.c.last_ts, archived_incidents.c.first_ts)

# The cells each unit's position reports visited, per local day (a read model: written by the
# engine after each batch, rebuilt from the events when behind or of another format; see
# dispatch.adapters.store.patrol_reads). last_* is the day's latest report, to join the next.
patrol_days = Table(
    "patrol_days", metadata,
    Column("unit_id", String(64), primary_key=True),
    Column("day", Float, primary_key=True),
    Column("points", Integer, nullable=False),
    Column("last_ts", Float, nullable=False),
    Column("last_lon", Float, nullable=False),
    Column("last_lat", Float, nullable=False),
    Column("cells", LargeBinary, nullable=False),
)
Index("ix_patrol_days_day", patrol_days.c.day)

cities = Table(
    "cities", metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("geojson", Text, nullable=False),
)

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

gazetteers = Table(
    "gazetteers", metadata,
    Column("city_code", String(16), primary_key=True),
    Column("format", String(32), nullable=False),
    Column("entries", Integer, nullable=False),
    Column("source", String(256), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# One row (id 1): the epoch of the current leadership of a PostgreSQL pair; an append from
# another epoch is refused (dispatch.adapters.store.leadership).
leadership = Table(
    "leadership", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("epoch", BigInteger, nullable=False),
    Column("holder", String(128), nullable=False),
    Column("since", Float, nullable=False),
)
