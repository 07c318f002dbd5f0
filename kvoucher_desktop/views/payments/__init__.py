"""서비스 결제관리 / 결제 내역 / 결제 현황: payments by tab, their totals, cancellation and settlement."""
