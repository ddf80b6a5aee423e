"""The day a reason for not shipping was written for: it excuses the order on that day only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a reason written before has no day: it excuses no day (the lead writes it again if the
    # order still does not ship), rather than every day to come
    with op.batch_alter_table("order") as batch:
        batch.add_column(sa.Column("not_shipping_day", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order") as batch:
        batch.drop_column("not_shipping_day")
