"""Placeholder: the loopback feed server fixture (being written)."""
