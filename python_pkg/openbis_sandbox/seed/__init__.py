"""Initial content of a fresh data dir; ``seeding.seed_store`` is the entry point."""
