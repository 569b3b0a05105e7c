"""audit: the incident a line concerns (nullable, indexed), so the audit reads by incident

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("incident_id", sa.String(64), nullable=True))
    op.create_index("ix_audit_incident", "audit", ["incident_id", "ts"])


def downgrade() -> None:
    op.drop_index("ix_audit_incident", table_name="audit")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("incident_id")
