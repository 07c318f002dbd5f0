"""서비스 정산 (the buyer: 평가대기 / 평가완료, 평가하기) and 받은 평가 (the supplier), SPEC §5.5."""
