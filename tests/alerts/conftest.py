"""Fixtures for the alerts tests: the real webhook receiver on 127.0.0.1.

Imported rather than listed in ``pytest_plugins``, which pytest allows only in the
top-level conftest.
"""

from tests.servers.webhook_receiver import webhook_receiver

__all__ = ["webhook_receiver"]
