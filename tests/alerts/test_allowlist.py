"""The e-mail sanitiser keeps in step with the parser's: ``alerts`` may not import
``monitor``, so the allowlist is written twice, and this test is what ties them."""

from __future__ import annotations

from alerts import mail
from monitor.parse import sanitise


def test_digest_html_allows_no_tag_the_parser_would_not() -> None:
    assert mail._TAGS <= sanitise.ALLOWED_TAGS


def test_digest_html_drops_with_their_content_what_the_parser_drops() -> None:
    assert sanitise._DROP_WITH_CONTENT <= mail._DROP_WITH_CONTENT
