"""Payments (SPEC §5.4): the payment window, opened from the deal inbox for one deal or several
ticked ones; and 서비스 결제관리 / 결제 내역 / 결제 현황 — payments by tab, their totals,
cancellation and settlement."""
