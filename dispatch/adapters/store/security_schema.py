"""Tables of operator accounts and the security audit trail (migrations ``0002``, ``0003``).

They live on the event store's ``metadata`` so one Alembic history covers the whole database.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, String, Table, Text

from dispatch.adapters.store.schema import SeqType, metadata

operators = Table(
    "operators", metadata,
    Column("username", String(32), primary_key=True),
    Column("display_name", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("scope", String(15), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

audit = Table(
    "audit", metadata,
    Column("id", SeqType, primary_key=True, autoincrement=True),
    Column("ts", Float, nullable=False),
    Column("operator", String(64), nullable=False),
    Column("workstation", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    # The incident a line concerns, when its writer knows it (migration 0003; older lines
    # have NULL and name the incident in ``detail`` at most).
    Column("incident_id", String(64), nullable=True),
)
Index("ix_audit_ts", audit.c.ts)
Index("ix_audit_operator", audit.c.operator, audit.c.ts)
Index("ix_audit_incident", audit.c.incident_id, audit.c.ts)
