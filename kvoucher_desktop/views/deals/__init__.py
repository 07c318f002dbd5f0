"""서비스 요청: the deal inbox of demand companies and suppliers (SPEC §5.3)."""
