"""Pure rules: no I/O, easiest to test."""
