"""Standard Webhooks signatures (https://www.standardwebhooks.com, symmetric "v1").

Owns two pure functions: the signing key from a ``whsec_`` secret, and the value of the
``webhook-signature`` header for one attempt. The signed content is
``"{webhook-id}.{webhook-timestamp}.{body}"``, HMAC-SHA256, base64; one ``v1,<sig>``
per secret, space-separated, so that while a secret is rotated a receiver that knows
either the old or the new one verifies.

Must not: do I/O, read the environment, or put a secret (or any part of it) in an
error message; messages say which secret (by position) and what is wrong with it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SIGNATURE_VERSION = "v1"


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret (the prefix is optional).

    Raises ValueError when the secret is empty or not base64; the message never
    contains the secret.
    """
    encoded = secret.strip().removeprefix(SECRET_PREFIX)
    if not encoded:
        raise ValueError("the webhook secret is empty")
    # The reference library accepts unpadded base64 (it appends "=="); so do we, but
    # strictly otherwise: a stray character is a copy-paste accident, not part of a key.
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        key = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            'the webhook secret is not valid base64 after its "whsec_" prefix'
        ) from None  # the cause's message could quote the offending characters
    if not key:
        raise ValueError("the webhook secret decodes to an empty key")
    return key


def sign(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value: ``v1,<base64>`` per secret, in order."""
    if not secrets:
        raise ValueError("a webhook needs at least one signing secret")
    signed = f"{msg_id}.{timestamp}.".encode() + body
    signatures = []
    for position, secret in enumerate(secrets, start=1):
        try:
            key = secret_key(secret)
        except ValueError as e:
            raise ValueError(f"secret {position} of {len(secrets)}: {e}") from None
        digest = hmac.new(key, signed, hashlib.sha256).digest()
        signatures.append(f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}")
    return " ".join(signatures)
