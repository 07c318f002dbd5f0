"""What `UnitOfWork.audit` gives every audit record, for the generator's bulk inserts: a `seq`
(in insertion order, continuing after what the store holds), `recorded_at` (= `at`: generated
history is written "when it happened") and the `row_hash` of the row's content. Without them
migration 0004's trigger refuses the INSERT."""

from __future__ import annotations

from sqlalchemy import func, select, text

from kvoucher_desktop.models import AuditRecord
from kvoucher_desktop.models.audit_chain import row_hash


class AuditStamper:
    def __init__(self, engine):
        self.engine = engine
        with engine.connect() as conn:
            self.next_seq = (conn.scalar(select(func.max(AuditRecord.seq))) or 0) + 1
        self.stamped = 0

    def stamp(self, rows: list[dict]) -> list[dict]:
        for r in rows:
            r["seq"] = self.next_seq
            self.next_seq += 1
            r["recorded_at"] = r["at"]
            r["row_hash"] = row_hash(r["id"], r["at"], r["at"], r["actor_id"], r["actor_role"], r["actor_name"],
                                     r["action"], r["entity_type"], r["entity_id"], r["before"], r["after"])
        self.stamped += len(rows)
        return rows

    def finish(self, conn) -> None:
        """PostgreSQL: the app's next record continues after the generated ones."""
        if conn.dialect.name == "postgresql" and self.next_seq > 1:
            conn.execute(text("SELECT setval('audit_log_seq_seq', :n)"), {"n": self.next_seq - 1})
