"""audit chain: seq, recorded_at, row_hash, checkpoints; triggers refuse changes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

* `audit_log.seq` gives the log a stable total order (unique). PostgreSQL: a sequence as the
  column's default; SQLite: `UnitOfWork.audit` writes `max(seq) + 1` inside the INSERT.
* `recorded_at` is when the row was written (`at` may be backdated, e.g. a deal expiry dated
  at its deadline); `row_hash` the SHA-256 of the row's content (`models/audit_chain.py`).
* Existing rows get seq in (at, id) order, recorded_at = at (when they were really written is
  not known) and their hash, in batches.
* `audit_checkpoints` seals ranges of rows (services/audit_chain.py).
* Triggers refuse UPDATE and DELETE (PostgreSQL also TRUNCATE) of both tables, and an INSERT
  into audit_log without seq, recorded_at or row_hash (one that bypassed the app).

SQLite drops a table's triggers with the table: a later migration that recreates audit_log
or audit_checkpoints in batch mode ("move and copy") must create these triggers again.
"""
from alembic import op
import sqlalchemy as sa

import kvoucher_desktop.models.base
from kvoucher_desktop.models.audit_chain import row_hash


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BATCH = 20_000

PG_FUNCTIONS = (
    """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (감사 기록은 고치거나 지울 수 없습니다)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql
""",
    """
CREATE OR REPLACE FUNCTION audit_log_stamped() RETURNS trigger AS $$
BEGIN
    IF NEW.seq IS NULL OR NEW.recorded_at IS NULL OR NEW.row_hash IS NULL THEN
        RAISE EXCEPTION 'audit_log rows are written by the application (seq, recorded_at and row_hash required)'
            USING ERRCODE = 'not_null_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql
""",
)
PG_TRIGGERS = (
    "CREATE TRIGGER trg_audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER trg_audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER trg_audit_log_stamped BEFORE INSERT ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_stamped()",
    "CREATE TRIGGER trg_audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER trg_audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
)
SQLITE_TRIGGERS = tuple(
    f"""CREATE TRIGGER trg_{table}_no_{op_name.lower()} BEFORE {op_name} ON {table}
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only: {op_name} refused (감사 기록은 고치거나 지울 수 없습니다)');
END"""
    for table in ("audit_log", "audit_checkpoints") for op_name in ("UPDATE", "DELETE")
) + ("""CREATE TRIGGER trg_audit_log_stamped BEFORE INSERT ON audit_log
FOR EACH ROW WHEN NEW.seq IS NULL OR NEW.recorded_at IS NULL OR NEW.row_hash IS NULL
BEGIN
    SELECT RAISE(ABORT, 'audit_log rows are written by the application (seq, recorded_at and row_hash required)');
END""",)

def _backfill(conn) -> int:
    """seq in (at, id) order, recorded_at = at and the hash for every existing row. Read in keyset
    batches (memory stays flat on the 1.3 million rows of a programme-scale store) as the
    driver's raw values (SQLite's stored text, PostgreSQL's uuid/timestamp), which hash exactly
    like the typed ones (models/audit_chain.canonical) and go back unchanged; written back with
    one executemany per batch (SQLite by rowid). Most of the time is the store rewriting every
    row and its index entries (benchmarks/README.md, "Audit log")."""
    postgres = conn.dialect.name == "postgresql"
    names = "id, at, actor_id, actor_role, actor_name, action, entity_type, entity_id, before, after"
    handle = "id" if postgres else "rowid"
    first = sa.text(f"SELECT {handle}, {names} FROM audit_log ORDER BY at, id LIMIT {BATCH}")
    # `at >= :at` first: both stores then walk ix_audit_log_at from the last row instead of from the start
    after = sa.text(f"SELECT {handle}, {names} FROM audit_log WHERE at >= :at AND (at > :at OR id > :id) "
                    f"ORDER BY at, id LIMIT {BATCH}")
    mark = "%s" if postgres else "?"
    update = f"UPDATE audit_log SET seq = {mark}, recorded_at = {mark}, row_hash = {mark} WHERE {handle} = {mark}"
    seq = 0
    rows = conn.execute(first).all()
    while rows:
        params = []
        for r in rows:
            seq += 1
            params.append((seq, r[2], row_hash(r[1], r[2], r[2], *r[3:]), r[0]))
        conn.exec_driver_sql(update, params)
        last = rows[-1]
        rows = conn.execute(after, {"at": last[2], "id": last[1]}).all()
    return seq


def upgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('recorded_at', kvoucher_desktop.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))

    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('upto_seq', sa.BigInteger(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', kvoucher_desktop.models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_checkpoints_prev_hash')),
    sa.UniqueConstraint('upto_seq', name=op.f('uq_audit_checkpoints_upto_seq'))
    )

    count = _backfill(conn)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_seq', ['seq'], unique=True)
    if postgres:
        op.execute("CREATE SEQUENCE audit_log_seq_seq AS bigint OWNED BY audit_log.seq")
        op.execute(sa.text("SELECT setval('audit_log_seq_seq', :n, :called)").bindparams(
            n=max(count, 1), called=count > 0))
        op.execute("ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq_seq')")
        for statement in PG_FUNCTIONS + PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name, table in (("trg_audit_log_append_only", "audit_log"), ("trg_audit_log_no_truncate", "audit_log"),
                            ("trg_audit_log_stamped", "audit_log")):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute("ALTER TABLE audit_log ALTER COLUMN seq DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS audit_log_seq_seq")
    else:
        for name in ("trg_audit_log_no_update", "trg_audit_log_no_delete", "trg_audit_log_stamped"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('audit_checkpoints')  # its triggers go with it
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_seq')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('recorded_at')
        batch_op.drop_column('seq')
    if conn.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_stamped()")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
