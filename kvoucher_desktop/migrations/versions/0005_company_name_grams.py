"""company name search index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08

`company_name_grams`: every distinct character and pair of adjacent characters of each
company's lower-cased name, with its operator and submission time, so that the dashboard's name
search walks one gram's entries newest first (docs/decisions.md, "Company search"). Filled here
for the companies already in the store; the services keep it in step from then on. A new table
only, and two indexes on `companies` for business-number prefixes: the table (and its
triggers) is not altered.
"""
from alembic import op
import sqlalchemy as sa
import kvoucher_desktop.models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CHUNK = 2000


def _grams(name: str) -> set[str]:
    # a copy of rules.search.name_grams as of this revision (a migration never changes)
    text = (name or "").lower()
    return set(text) | {text[i:i + 2] for i in range(len(text) - 1)}


def upgrade() -> None:
    grams = op.create_table('company_name_grams',
    sa.Column('company_id', sa.Uuid(), nullable=False),
    sa.Column('gram', sa.String(length=2), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('submitted_at', kvoucher_desktop.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_name_grams_company_id_companies'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('company_id', 'gram', name=op.f('pk_company_name_grams'))
    )
    companies = sa.table('companies', sa.column('id', sa.Uuid()), sa.column('name', sa.String()),
                         sa.column('operator_id', sa.Uuid()),
                         sa.column('submitted_at', kvoucher_desktop.models.base.UTCDateTime()))
    bind = op.get_bind()
    last = None
    while True:  # in id order, a chunk at a time: flat memory on a programme-scale store
        stmt = sa.select(companies.c.id, companies.c.name, companies.c.operator_id, companies.c.submitted_at)
        if last is not None:
            stmt = stmt.where(companies.c.id > last)
        rows = bind.execute(stmt.order_by(companies.c.id).limit(CHUNK)).all()
        if not rows:
            break
        bind.execute(sa.insert(grams), [
            dict(company_id=r.id, gram=g, operator_id=r.operator_id, submitted_at=r.submitted_at)
            for r in rows for g in sorted(_grams(r.name))])
        last = rows[-1].id
    # the indexes after the rows: one sorted build instead of 1.5 million inserts into them
    op.create_index('ix_company_name_grams_gram', 'company_name_grams', ['gram', 'submitted_at', 'company_id'])
    op.create_index('ix_company_name_grams_operator_gram', 'company_name_grams',
                    ['operator_id', 'gram', 'submitted_at', 'company_id'])
    # business-number prefixes: a range of the number, read in the index with the order's columns
    op.create_index('ix_companies_business_no_submitted', 'companies', ['business_no', 'submitted_at', 'id'])
    op.create_index('ix_companies_operator_business_no', 'companies',
                    ['operator_id', 'business_no', 'submitted_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_companies_operator_business_no', table_name='companies')
    op.drop_index('ix_companies_business_no_submitted', table_name='companies')
    op.drop_index('ix_company_name_grams_operator_gram', table_name='company_name_grams')
    op.drop_index('ix_company_name_grams_gram', table_name='company_name_grams')
    op.drop_table('company_name_grams')
