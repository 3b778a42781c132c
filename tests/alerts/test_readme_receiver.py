"""The README's webhook receiver, run as written against a message we really sign: the
snippet users copy must verify our alerts and deduplicate a resend."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path
from typing import Any

import pytest

from alerts.signing import sign

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET = "whsec_" + base64.b64encode(b"readme-secret-of-32-bytes-length").decode()


def receiver_snippet() -> str:
    section = README.read_text(encoding="utf-8").split("## Receiving our webhooks", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's receiving section has no Python example"
    return match.group(1)


def test_the_readme_receiver_verifies_our_signature_and_deduplicates(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MONITOR_WEBHOOK_SECRET", SECRET)
    namespace: dict[str, Any] = {}
    exec(compile(receiver_snippet(), "README.md", "exec"), namespace)  # noqa: S102
    handle = namespace["handle"]

    body = (b'{"type":"match.created","timestamp":"2026-11-22T07:00:00Z","data":{"severity":'
            b'"urgent","topics":["death_sentence"],"people":["Behrouz Ehsani"],"item":{"title":'
            b'"Death sentence upheld","url":"https://ngo.example/r/1"}}}')  # fmt: skip
    stamp = int(time.time())
    headers = {
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": str(stamp),
        "Webhook-Signature": sign([SECRET], "msg_1", stamp, body),
    }
    assert handle(body, headers) == 204
    assert "Death sentence upheld" in capsys.readouterr().out
    assert handle(body, headers) == 200  # the same webhook-id again: already handled
    assert handle(body.replace(b"upheld", b"quashed"), headers) == 400
