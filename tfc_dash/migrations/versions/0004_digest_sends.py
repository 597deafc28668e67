"""digest_sends: each weekly digest sent, by recipient and week

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02 02:20:00.000000

Independent of 0003 (the history branch): it only adds its own table. Whichever merges second
sets its ``down_revision`` to the other's revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_sends",
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("recipient", "week"),
    )


def downgrade() -> None:
    op.drop_table("digest_sends")
