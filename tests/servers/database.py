"""Placeholder: database URL fixtures for SQLite and PostgreSQL (being written)."""
