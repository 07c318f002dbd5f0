"""statistics indexes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Indexes for the agency's statistics and for the programme year that the dashboard's counts now
filter on (docs/decisions.md, "Statistics"):

* `companies (programme_year, operator_id, status)`: the counts per state of a year, for the
  agency and per operating agency, read from the index alone (before the year filter the counts
  were covered by `(operator_id, status, …)`);
* `companies (id, programme_year, budget_abandoned_at)`: the year (and whether the budget was
  given up) of a payment's or an abandonment's company without reading the company's row;
* `payments (status, approved_at, company_id, deal_id, amount, government_share)`: succeeded
  payments of a period in the order of their approval, with what the per-day and per-category
  statistics add up;
* `deals (id, service_id)`: a payment's service (its category) without reading the deal's row.

Indexes only: no table is altered, nothing to fill.
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_companies_year_operator_status', 'companies', ['programme_year', 'operator_id', 'status'])
    op.create_index('ix_companies_id_year', 'companies', ['id', 'programme_year', 'budget_abandoned_at'])
    op.create_index('ix_payments_status_approved', 'payments',
                    ['status', 'approved_at', 'company_id', 'deal_id', 'amount', 'government_share'])
    op.create_index('ix_deals_id_service', 'deals', ['id', 'service_id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE companies')
        op.execute('ANALYZE payments')


def downgrade() -> None:
    op.drop_index('ix_deals_id_service', table_name='deals')
    op.drop_index('ix_payments_status_approved', table_name='payments')
    op.drop_index('ix_companies_id_year', table_name='companies')
    op.drop_index('ix_companies_year_operator_status', table_name='companies')
