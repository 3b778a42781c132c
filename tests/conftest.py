"""Shared fixtures: real servers on 127.0.0.1 and real databases, nothing on the internet."""

pytest_plugins = [
    "tests.servers.feed_server",
    "tests.servers.database",
    "tests.servers.webhook_receiver",
    "tests.servers.smtp_server",
]
