"""archived_incidents: the records of archived incidents, a read model for the evaluation

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archived_incidents",
        sa.Column("incident_id", sa.String(32), primary_key=True),
        sa.Column("archived_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("grid", sa.String(32), nullable=False),
        sa.Column("first_ts", sa.Float, nullable=False),
        sa.Column("last_ts", sa.Float, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_archived_incidents_span", "archived_incidents", ["last_ts", "first_ts"])


def downgrade() -> None:
    op.drop_index("ix_archived_incidents_span", table_name="archived_incidents")
    op.drop_table("archived_incidents")
