"""External parties behind small protocols, with deterministic simulators (SPEC §7)."""
