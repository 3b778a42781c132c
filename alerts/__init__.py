"""alerts: delivery of matches (daily email digests, signed webhooks, the outbox worker).

Reads from ``storage``, never from ``monitor``. Empty until alerting lands (issue 4); the
package exists now so the import contracts in pyproject.toml hold from the start.
"""
