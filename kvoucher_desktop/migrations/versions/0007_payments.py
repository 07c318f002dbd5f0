"""payments: idempotency keys, issuer answers, cancellations; the card on file

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

`payments` gains what paying exactly once needs (SPEC §5.4): the client's idempotency key of
each attempt with a hash of its request, the issuer's approval number, the failure reason, the
card's last four digits, and a cancellation with its own key. A deal has at most one payment
holding or having spent budget (a partial unique index). Rows written before this revision
(a generated store's) get their id as their key.

`companies` gains the voucher card's last four digits and when it was issued, and loses the
ZeroPay password hash: the password belongs to the ZeroPay issuer's own record (SPEC §5.2); a
company that chose ZeroPay before sets it again with the issuer from its 바우처 신청 page.
"""
from alembic import op
import sqlalchemy as sa
import kvoucher_desktop.models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

FAILURES = ('WRONG_NUMBER', 'EXPIRED_CARD', 'NOT_THIS_COMPANY', 'WRONG_CODE_LIMIT', 'CODE_EXPIRED',
            'WRONG_PASSWORD', 'LOCKED', 'DECLINED', 'TIMEOUT', 'NOT_COMPLETED')
LIVE = sa.text("status IN ('IN_PROGRESS', 'SUCCEEDED')")


def upgrade() -> None:
    dt = kvoucher_desktop.models.base.UTCDateTime
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('request_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('batch_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('failure_code', sa.Enum(*FAILURES, name='paymentfailure', native_enum=False,
                                                              length=24), nullable=True))
        batch_op.add_column(sa.Column('card_last4', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('approval_no', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('approved_at', dt(), nullable=True))
        batch_op.add_column(sa.Column('cancel_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('cancel_requested_at', dt(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_role', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', dt(), nullable=True))
    # rows of before: their id is their key; a succeeded one was approved when it was last updated
    payments = sa.table('payments', sa.column('id', sa.Uuid()), sa.column('attempt_key', sa.String()),
                        sa.column('request_hash', sa.String()), sa.column('status', sa.String()),
                        sa.column('approved_at', dt()), sa.column('updated_at', dt()))
    key = sa.literal('legacy-', sa.String) + sa.func.replace(sa.cast(payments.c.id, sa.String), '-', '')
    op.execute(payments.update().values(attempt_key=key, request_hash=''))
    op.execute(payments.update().where(payments.c.status.in_(('SUCCEEDED', 'CANCELLED')))
               .values(approved_at=payments.c.updated_at))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('attempt_key', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('request_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_payments_attempt_key'), ['attempt_key'])
        batch_op.create_unique_constraint(batch_op.f('uq_payments_cancel_key'), ['cancel_key'])
        batch_op.create_index('ix_payments_company_created', ['company_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_payments_supplier_created', ['supplier_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_payments_supplier_status_created', ['supplier_id', 'status', 'created_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_payments_status_updated', ['status', 'updated_at'], unique=False)
    op.create_index('ux_payments_live_deal', 'payments', ['deal_id'], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    # plain ALTER TABLE on both stores (SQLite 3.35+): a batch would copy `companies`, and SQLite
    # refuses to drop the old copy while other tables' rows point at it (foreign keys are on)
    op.add_column('companies', sa.Column('card_last4', sa.String(length=4), nullable=True))
    op.add_column('companies', sa.Column('card_issued_at', dt(), nullable=True))
    op.drop_column('companies', 'zeropay_password_hash')


def downgrade() -> None:
    op.add_column('companies', sa.Column('zeropay_password_hash', sa.String(length=255), nullable=True))
    op.drop_column('companies', 'card_issued_at')
    op.drop_column('companies', 'card_last4')
    op.drop_index('ux_payments_live_deal', table_name='payments')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_status_updated')
        batch_op.drop_index('ix_payments_supplier_status_created')
        batch_op.drop_index('ix_payments_supplier_created')
        batch_op.drop_index('ix_payments_company_created')
        batch_op.drop_constraint(batch_op.f('uq_payments_cancel_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_payments_attempt_key'), type_='unique')
        for column in ('cancelled_at', 'cancelled_by_role', 'cancelled_by_name', 'cancelled_by', 'cancel_reason',
                       'cancel_requested_at', 'cancel_key', 'approved_at', 'approval_no', 'card_last4',
                       'failure_code', 'created_by', 'batch_key', 'request_hash', 'attempt_key'):
            batch_op.drop_column(column)
