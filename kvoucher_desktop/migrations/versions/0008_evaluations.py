"""evaluations: one per paid deal, PENDING until scored, DONE for good

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

`evaluations` (SPEC §5.5): the deal (unique), its payment, company, supplier and service; the
status; five scores 1–5 (CHECK constraints, and a DONE row has all five); an optional comment;
created_at, evaluated_at, evaluated_by.

Every deal whose payment is SUCCEEDED gets a PENDING evaluation, created when its payment was
approved (ids made by the store: PostgreSQL's gen_random_uuid(), SQLite's random blob as the 32
hex digits its Uuid columns hold).

Triggers refuse any UPDATE or DELETE of a DONE row on both stores, whoever asks (the agency, a
raw SQL session): a saved evaluation can never be changed. A PENDING row may become DONE, or be
removed when its payment is cancelled. SQLite drops a table's triggers with the table: a later
migration that recreates `evaluations` in batch mode must create them again.
"""
from alembic import op
import sqlalchemy as sa

import kvoucher_desktop.models.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SCORES = ('quality', 'timeliness', 'communication', 'price', 'overall')
COMPLETE = ("(status = 'PENDING' AND " + " AND ".join(f"{c} IS NULL" for c in SCORES)
            + " AND evaluated_at IS NULL) OR (status = 'DONE' AND "
            + " AND ".join(f"{c} IS NOT NULL" for c in SCORES) + " AND evaluated_at IS NOT NULL)")
REFUSED = "evaluations: a saved evaluation (DONE) cannot be changed or removed (저장된 평가는 바꾸거나 지울 수 없습니다)"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION evaluation_done_is_final() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'DONE' THEN
        RAISE EXCEPTION '{REFUSED}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql
"""
PG_NO_TRUNCATE = f"""
CREATE OR REPLACE FUNCTION evaluation_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{REFUSED}: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql
"""
PG_TRIGGERS = (
    "CREATE TRIGGER trg_evaluations_done_is_final BEFORE UPDATE OR DELETE ON evaluations "
    "FOR EACH ROW EXECUTE FUNCTION evaluation_done_is_final()",
    "CREATE TRIGGER trg_evaluations_no_truncate BEFORE TRUNCATE ON evaluations "
    "FOR EACH STATEMENT EXECUTE FUNCTION evaluation_no_truncate()",
)
SQLITE_TRIGGERS = tuple(
    f"""CREATE TRIGGER trg_evaluations_done_no_{op_name.lower()} BEFORE {op_name} ON evaluations
FOR EACH ROW WHEN OLD.status = 'DONE'
BEGIN
    SELECT RAISE(ABORT, '{REFUSED}: {op_name} refused');
END"""
    for op_name in ("UPDATE", "DELETE"))


def upgrade() -> None:
    dt = kvoucher_desktop.models.base.UTCDateTime
    op.create_table(
        'evaluations',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('deal_id', sa.Uuid(), nullable=False),
        sa.Column('payment_id', sa.Uuid(), nullable=False),
        sa.Column('company_id', sa.Uuid(), nullable=False),
        sa.Column('supplier_id', sa.Uuid(), nullable=False),
        sa.Column('service_id', sa.Uuid(), nullable=False),
        sa.Column('status', sa.Enum('PENDING', 'DONE', name='evaluationstatus', native_enum=False, length=16),
                  nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=True) for c in SCORES),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('created_at', dt(), nullable=False),
        sa.Column('evaluated_at', dt(), nullable=True),
        sa.Column('evaluated_by', sa.Uuid(), nullable=True),
        *(sa.CheckConstraint(f"{c} BETWEEN 1 AND 5", name=op.f(f'ck_evaluations_{c}_range')) for c in SCORES),
        sa.CheckConstraint(COMPLETE, name=op.f('ck_evaluations_complete')),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_evaluations_company_id_companies')),
        sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_evaluations_deal_id_deals')),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_evaluations_payment_id_payments')),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_evaluations_service_id_services')),
        sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'],
                                name=op.f('fk_evaluations_supplier_id_suppliers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations')),
        sa.UniqueConstraint('deal_id', name=op.f('uq_evaluations_deal_id')),
    )
    op.create_index('ix_evaluations_company_status_created', 'evaluations',
                    ['company_id', 'status', 'created_at', 'id'], unique=False)
    op.create_index('ix_evaluations_company_status_evaluated', 'evaluations',
                    ['company_id', 'status', 'evaluated_at', 'id'], unique=False)
    op.create_index('ix_evaluations_supplier_status_evaluated', 'evaluations',
                    ['supplier_id', 'status', 'evaluated_at', 'id'], unique=False)
    op.create_index('ix_evaluations_status_created', 'evaluations', ['status', 'created_at', 'id'], unique=False)
    op.create_index('ix_evaluations_status_evaluated', 'evaluations', ['status', 'evaluated_at', 'id'],
                    unique=False)
    op.create_index('ix_evaluations_service_status', 'evaluations', ['service_id', 'status'], unique=False)
    op.create_index('ix_evaluations_payment', 'evaluations', ['payment_id'], unique=False)

    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    new_id = "gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"
    # a pending evaluation for every paid deal, dated when its payment was approved
    op.execute(
        "INSERT INTO evaluations (id, deal_id, payment_id, company_id, supplier_id, service_id, status, created_at) "
        f"SELECT {new_id}, p.deal_id, p.id, p.company_id, p.supplier_id, d.service_id, 'PENDING', "
        "COALESCE(p.approved_at, p.updated_at) FROM payments p JOIN deals d ON d.id = p.deal_id "
        "WHERE p.status = 'SUCCEEDED'")
    if postgres:
        op.execute(PG_FUNCTION)
        op.execute(PG_NO_TRUNCATE)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_evaluations_no_truncate ON evaluations")
        op.execute("DROP TRIGGER IF EXISTS trg_evaluations_done_is_final ON evaluations")
    op.drop_table('evaluations')  # its indexes (and SQLite's triggers) go with it
    if conn.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS evaluation_done_is_final()")
        op.execute("DROP FUNCTION IF EXISTS evaluation_no_truncate()")
