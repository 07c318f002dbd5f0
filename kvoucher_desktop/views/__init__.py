"""PySide6 views. They talk to services only (see the import-linter contracts)."""
