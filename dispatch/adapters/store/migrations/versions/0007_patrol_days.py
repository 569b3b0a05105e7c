"""patrol_days: the cells each unit's position reports visited per day, a read model for the
grid workers' patrol coverage

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patrol_days",
        sa.Column("unit_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.Float, primary_key=True),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("last_ts", sa.Float, nullable=False),
        sa.Column("last_lon", sa.Float, nullable=False),
        sa.Column("last_lat", sa.Float, nullable=False),
        sa.Column("cells", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_patrol_days_day", "patrol_days", ["day"])


def downgrade() -> None:
    op.drop_index("ix_patrol_days_day", table_name="patrol_days")
    op.drop_table("patrol_days")
