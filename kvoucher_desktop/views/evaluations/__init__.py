"""서비스 정산 (the buyer: 평가대기 / 평가완료, 평가하기), 받은 평가 (the supplier) and 만족도 평가 현황 (the
agency), SPEC §5.5."""
