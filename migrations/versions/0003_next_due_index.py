"""The next due order read from an index in the queue's order, not by sorting the queue.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the claim's ORDER BY, term for term (services.claims)
_COLUMNS = [
    sa.text("status"),
    sa.text("(due_date IS NULL)"),
    sa.text("due_date"),
    sa.text("(paid_at IS NULL)"),
    sa.text("paid_at"),
    sa.text("id"),
]


def upgrade() -> None:
    op.create_index("ix_order_next_due", "order", _COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_order_next_due", table_name="order")
