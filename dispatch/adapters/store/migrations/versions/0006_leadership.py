"""leadership: the epoch of the server that leads, written with every event it appends

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("epoch", sa.BigInteger, nullable=True))
    op.create_table(
        "leadership",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("epoch", sa.BigInteger, nullable=False),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("since", sa.Float, nullable=False),
    )
    op.execute("INSERT INTO leadership (id, epoch, holder, since) VALUES (1, 0, '', 0)")


def downgrade() -> None:
    op.drop_table("leadership")
    op.drop_column("events", "epoch")
