"""audit client address

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

`audit_log.client_address`: the address a programme server saw the call that wrote the record
come from (docs/decisions.md, "The programme server"). NULL for every existing record and for
records written on a desk's own store; the row hash covers it only when present, so no stored
hash changes. A column is added, nothing is updated (the table refuses UPDATE).
"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('audit_log', sa.Column('client_address', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log') as batch:
        batch.drop_column('client_address')
