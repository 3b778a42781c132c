"""Alerting's own exceptions.

``alerts`` must not import ``monitor``, so these do not derive from
``monitor.errors.MonitorError``; the CLI (the composition root) reports them as it
reports ``monitor`` errors. A sender raises them; the dispatcher turns them into the
message's next state.

    Exception
    └── DeliveryError              a message could not be delivered
        ├── TemporaryDeliveryError  try again later (timeout, 5xx/429 from a webhook,
        │                           SMTP 4xx, connection refused); ``retry_after`` in
        │                           seconds when the peer asked for a delay
        ├── EndpointGoneError       a webhook answered 410 Gone: disable the endpoint
        └── PermanentDeliveryError  retrying cannot help (SMTP 5xx, refused recipients)
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A message could not be delivered; the message says what the peer answered."""


class TemporaryDeliveryError(DeliveryError):
    """Try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class EndpointGoneError(DeliveryError):
    """The webhook endpoint answered 410 Gone: it asks never to be called again."""


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help; the message fails visibly."""
