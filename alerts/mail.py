"""E-mail building blocks shared by digests and notices: templates, headers, bodies,
and the text clean-up that stands between feed text and a mailbox.

Owns the defences against hostile feed text (hazards 7-9): templates are files loaded
from ``alerts/templates`` and feed text reaches them only as data, HTML autoescaped;
header values lose CR, LF and NUL so that a title cannot start a header; summaries go
through an allowlist sanitiser again, although storage keeps them sanitised, so that a
bug upstream cannot put a script in a mailbox. Messages are ``EmailMessage`` objects
under ``email.policy.SMTP``, never the legacy ``MIMEText``.

Must not: decide what a message says (``digest.py``) or send it (``smtp.py``).
"""

from __future__ import annotations

import email.policy
import email.utils
import html
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

_ENV = Environment(
    loader=PackageLoader("alerts", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

# The allowlist of monitor.parse.sanitise, repeated because alerts may not import monitor.
# No images: a remote image tells its publisher (state media among our sources) who
# opened the mail, and when.
# fmt: off
_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
    "u", "ul",
})
_DROP_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
    "form", "select", "textarea",
})
# fmt: on
_HTML = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes={"a": {"href", "title", "hreflang"}, "*": {"dir", "lang"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",  # a relative link in an e-mail points nowhere
    link_rel="noopener noreferrer",
)
_TEXT = nh3.Cleaner(tags=set(), clean_content_tags=set(_DROP_WITH_CONTENT))
_HEADER_BREAKS = re.compile(r"[\r\n\0]+")


def render(template: str, context: Mapping[str, Any]) -> str:
    """Render one of ``alerts/templates``; ``context`` is data, never template source."""
    return _ENV.get_template(template).render(context)


def new_message(
    *, message_id: str, sender: str, to: Iterable[str], subject: str, now: datetime
) -> EmailMessage:
    """An empty message with our headers; every value goes through ``header``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = header(sender)
    msg["To"] = ", ".join(header(a) for a in to)
    msg["Subject"] = header(subject)
    msg["Date"] = email.utils.format_datetime(now)
    msg["Message-ID"] = message_id_header(message_id, sender)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to us
    return msg


def set_body(msg: EmailMessage, text: str, html_page: str | None = None) -> None:
    """A text/plain body, or multipart/alternative (plain first, as RFC 2046 orders)."""
    msg.set_content(text, subtype="plain", charset="utf-8", cte=_transfer_encoding(text))
    if html_page is not None:
        cte = _transfer_encoding(html_page)
        msg.add_alternative(html_page, subtype="html", charset="utf-8", cte=cte)


def header(value: str) -> str:
    """A header value with no CR, LF or NUL, so that it cannot start a header."""
    return " ".join(_HEADER_BREAKS.sub(" ", value).split())


def message_id_header(value: str, sender: str) -> str:
    """The outbox's id as an RFC 5322 ``<left@right>``, the sender's domain on the right
    when the id has none. The id is stable across attempts, so a resend after a crash
    carries the same Message-ID and mail clients show the message once."""
    left = "".join(header(value).strip("<>").split())
    if "@" not in left:
        domain = email.utils.parseaddr(header(sender))[1].rpartition("@")[2]
        left = f"{left}@{domain or 'monitor.invalid'}"
    return f"<{left}>"


def safe_html(value: str) -> Markup:
    """Feed HTML through the allowlist, marked safe for the autoescaping templates."""
    return Markup(_HTML.clean(value).strip())  # noqa: S704 - nh3's output is the allowlist


def plain_text(value: str | None) -> str:
    """Tags stripped (scripts with their content), entities decoded, whitespace runs
    collapsed to one space."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        value = html.unescape(_TEXT.clean(value))
    return " ".join(value.split())


def _transfer_encoding(body: str) -> str:
    # 7-bit transfer encodings pass every relay, with or without 8BITMIME; base64 is
    # the shorter one once about a third of the bytes belong to Persian or Arabic letters.
    data = body.encode("utf-8")
    wide = sum(b > 127 for b in data)
    return "base64" if wide * 3 > len(data) else "quoted-printable"
