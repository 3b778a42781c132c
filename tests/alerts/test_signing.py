"""Standard Webhooks signatures, judged by the reference library (``standardwebhooks``),
never by our own code."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from alerts.signing import secret_key, sign
from tests.alerts.webhook_factories import NEXT_SECRET, SECRET

BODY = '{"type":"match.created","data":{"title":"اعدام یک زندانی"}}'.encode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"a receiver that knows neither key").decode()


def headers(msg_id: str, timestamp: int, signature: str) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def test_the_spec_test_vector() -> None:
    # The example in the Standard Webhooks repository's reference tests.
    signature = sign([SECRET], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@pytest.mark.parametrize(
    ("msg_id", "body"),
    [
        ("msg_1", BODY),
        ("msg_2zWZ5Qk8a7Yd4Y0b", b"{}"),
        ("a-uuid-4b0c6a1e-9f3e-4c55-8b7a-0d4c5e6f7a8b", b""),
        ("msg_3", b'{"summary":"line one\\nline two \xe2\x80\xa6"}'),
    ],
)
def test_the_reference_library_verifies_our_signature(msg_id: str, body: bytes) -> None:
    now = int(time.time())
    signature = sign([SECRET], msg_id, now, body)
    assert Webhook(SECRET).verify(body, headers(msg_id, now, signature), json_parse=False) is None


def test_same_signature_as_the_reference_signer() -> None:
    now = int(time.time())
    reference = Webhook(SECRET).sign("msg_1", datetime.fromtimestamp(now, UTC), BODY.decode())
    assert sign([SECRET], "msg_1", now, BODY) == reference


@pytest.mark.parametrize("receiver_secret", [SECRET, NEXT_SECRET])
def test_while_rotating_a_receiver_that_knows_either_secret_verifies(receiver_secret: str) -> None:
    now = int(time.time())
    signature = sign([SECRET, NEXT_SECRET], "msg_1", now, BODY)
    assert len(signature.split(" ")) == 2
    Webhook(receiver_secret).verify(BODY, headers("msg_1", now, signature), json_parse=False)


def test_a_receiver_with_another_secret_rejects_it() -> None:
    now = int(time.time())
    signature = sign([SECRET, NEXT_SECRET], "msg_1", now, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(OTHER_SECRET).verify(BODY, headers("msg_1", now, signature), json_parse=False)


@pytest.mark.parametrize(
    ("what", "changed"),
    [
        ("id", lambda h: {**h, "webhook-id": "msg_other"}),
        ("timestamp", lambda h: {**h, "webhook-timestamp": str(int(h["webhook-timestamp"]) - 1)}),
    ],
)
def test_the_signature_covers_id_and_timestamp(
    what: str, changed: Callable[[dict[str, str]], dict[str, str]]
) -> None:
    now = int(time.time())
    signed = headers("msg_1", now, sign([SECRET], "msg_1", now, BODY))
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY, changed(signed), json_parse=False)


def test_the_signature_covers_the_body() -> None:
    now = int(time.time())
    signed = headers("msg_1", now, sign([SECRET], "msg_1", now, BODY))
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY + b" ", signed, json_parse=False)


@pytest.mark.parametrize(
    ("secret", "key"),
    [
        ("whsec_c2VjcmV0", b"secret"),
        ("c2VjcmV0", b"secret"),  # the prefix is optional, as in the reference library
        ("whsec_c2VjcmV0MQ", b"secret1"),  # unpadded base64, as the reference accepts
        ("whsec_c2VjcmV0MQ==\n", b"secret1"),  # a trailing newline from a secrets file
    ],
)
def test_secret_key(secret: str, key: bytes) -> None:
    assert secret_key(secret) == key


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("", "empty"),
        ("whsec_", "empty"),
        ("whsec_not*base64!", "not valid base64"),
        ("whsec_c2Vj cmV0", "not valid base64"),
        ("whsec_c2VjcmV0M", "not valid base64"),  # 1 more than a multiple of 4
        ("whsec_====", "not valid base64"),
    ],
)
def test_a_malformed_secret_is_named_never_echoed(secret: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as caught:
        secret_key(secret)
    encoded = secret.removeprefix("whsec_")
    if encoded.strip("="):
        assert encoded not in str(caught.value)
    assert caught.value.__cause__ is None


def test_sign_says_which_secret_is_malformed() -> None:
    with pytest.raises(ValueError, match="secret 2 of 2: .*not valid base64") as caught:
        sign([SECRET, "whsec_oops!"], "msg_1", 1, BODY)
    assert "oops" not in str(caught.value)


def test_sign_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="at least one"):
        sign([], "msg_1", 1, BODY)
