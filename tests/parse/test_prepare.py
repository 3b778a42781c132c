"""Bytes before feedparser: encoding choice, UTF-8 repair (hazard 3), entities (hazard 1)."""

from __future__ import annotations

import codecs
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.parse import parse_document
from monitor.parse.document import parse_prepared
from monitor.parse.prepare import decode, prepare

FEEDS = Path(__file__).parent.parent / "data" / "feeds"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
PERSIAN = "حکم اعدام بهروز احسانی در زندان قزل‌حصار اجرا شد"


def rss(title: str, *, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (
        f'{declaration}<rss version="2.0"><channel><title>feed</title><item><title>{title}'
        "</title><guid>g1</guid><description>d</description></item></channel></rss>"
    )


def first_title(body: bytes) -> str:
    return parse_document(body, base_url="https://x.org/", fetched_at=NOW).items[0].title


# --- hazard 3: one bad byte must not turn Persian into mojibake -----------------------


@pytest.mark.parametrize(
    "declaration",
    [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<?xml version='1.0'?>",  # no encoding: UTF-8 is implied
        "",  # no declaration at all
    ],
)
def test_one_invalid_byte_keeps_every_persian_character(declaration: str) -> None:
    good = rss(PERSIAN, declaration=declaration).encode()
    bad = good.replace("اعدام".encode(), "اعدام".encode() + b"\xff", 1)
    parsed = parse_document(bad, base_url="https://x.org/", fetched_at=NOW)
    assert parsed.items[0].title == PERSIAN.replace("اعدام", "اعدام\ufffd")
    assert parsed.warning is not None and "1 bad byte sequence" in parsed.warning
    assert "Ø" not in parsed.items[0].title  # the windows-1252 mojibake of Arabic script


def test_bom_implies_utf8_and_is_repaired() -> None:
    bad = codecs.BOM_UTF8 + rss(PERSIAN, declaration="").encode().replace(b"\xd8\xa7", b"\xd8", 1)
    title = first_title(bad)
    assert title.count("\ufffd") == 1
    assert "بهروز احسانی" in title


def test_valid_utf8_passes_untouched() -> None:
    body = rss(PERSIAN).encode()
    assert decode(body) == (body.decode(), "utf-8", ())


def test_declared_latin1_is_read_as_declared() -> None:
    latin1 = '<?xml version="1.0" encoding="ISO-8859-1"?>'
    body = rss("Últimas Notícias – São Paulo", declaration=latin1)
    # "–" is not in Latin-1: windows-1252 (what the label means in practice) has it.
    assert first_title(body.encode("cp1252")) == "Últimas Notícias – São Paulo"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("windows-1256", "حكم الإعدام في إيران"),  # Arabic letters: cp1256 lacks Persian yeh
        ("utf-16", PERSIAN),
        ("gb2312", "死刑判决"),
        ("koi8-r", "Смертная казнь"),
    ],
)
def test_other_declared_encodings_are_honoured(encoding: str, text: str) -> None:
    body = rss(text, declaration=f'<?xml version="1.0" encoding="{encoding}"?>').encode(
        "gb18030" if encoding == "gb2312" else encoding
    )
    assert first_title(body) == text


def test_mislabelled_utf8_is_read_as_utf8() -> None:
    body = rss(PERSIAN, declaration='<?xml version="1.0" encoding="ISO-8859-1"?>').encode()
    parsed = parse_document(body, base_url="https://x.org/", fetched_at=NOW)
    assert parsed.items[0].title == PERSIAN
    assert parsed.warning is not None and "valid UTF-8" in parsed.warning


def test_undeclared_legacy_document_uol_keeps_its_accents() -> None:
    body = (FEEDS / "uol_noticias_iso8859-1_rss-parser.xml").read_bytes()
    assert b"encoding=" not in body[:200]  # the sample declares nothing; its bytes are Latin-1
    parsed = parse_document(body, base_url="https://noticias.uol.com.br/", fetched_at=NOW)
    titles = " ".join(item.title for item in parsed.items)
    assert "simulações de 2º turno" in titles
    assert "\ufffd" not in titles and "Ã" not in titles
    assert parsed.warning is not None and "windows-1252" in parsed.warning


def test_unknown_or_non_text_encoding_label_falls_back_to_utf8() -> None:
    for label in ("x-no-such-charset", "rot13", "base64"):
        body = rss(PERSIAN, declaration=f'<?xml version="1.0" encoding="{label}"?>').encode()
        assert first_title(body) == PERSIAN


def test_utf16_declared_on_ascii_compatible_bytes_is_a_lie() -> None:
    body = rss(PERSIAN, declaration='<?xml version="1.0" encoding="UTF-16"?>').encode()
    assert first_title(body) == PERSIAN


def test_a_stylesheet_instruction_is_not_taken_for_the_declaration() -> None:
    pi = '<?xml-stylesheet type="text/xsl" encoding="koi8-r" href="/rss.xsl"?>'
    body = rss(PERSIAN, declaration=pi).encode()
    assert first_title(body) == PERSIAN
    assert prepare(body).data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<?xml-style')


def test_output_is_always_utf8_with_a_fresh_declaration() -> None:
    prepared = prepare(rss("x", declaration='  <?xml version="1.0" encoding="koi8-r"?>').encode())
    assert prepared.data.startswith(b'<?xml version="1.0" encoding="utf-8"?><rss')
    assert prepared.encoding == "koi8-r"


# --- hazard 1: entity declarations never survive ---------------------------------------

ENTITY_VARIANTS = [
    b'<!ENTITY a "b">',
    b'<!entity a "b">',
    b'<!Entity a "b">',
    b'<! ENTITY a "b">',
    b'<!\n\tENTITY a "b">',
    b'<!ENTITY % p "b">',
]


@pytest.mark.parametrize("declaration", ENTITY_VARIANTS)
def test_every_entity_declaration_is_neutralised(declaration: bytes) -> None:
    body = b"<!DOCTYPE rss [" + declaration + b"]><rss/>"
    prepared = prepare(body)
    assert b"<!" + declaration[2:] not in prepared.data
    assert b"&lt;!ENTITY" in prepared.data
    assert "neutralised" in prepared.notes[-1]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-7", "cp037"])
def test_entity_declarations_in_other_encodings_are_neutralised_too(encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE rss [<!ENTITY a "b">]><rss/>'
    prepared = prepare(text.encode(encoding))
    assert b"<!ENTITY" not in prepared.data, prepared.data
    assert b"&lt;!ENTITY" in prepared.data


def blow_up(value_length: int, references: int) -> bytes:
    """A DOCTYPE entity with no '&' in its value (feedparser keeps those), used many
    times, in a document the strict parser refuses (&nbsp; is undefined in XML), so
    feedparser's loose parser expands it in pure Python (hazards.md, item 1)."""
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE rss [\n<!ENTITY boom "'
        + b"A" * value_length
        + b'">\n]>\n<rss version="2.0"><channel><title>t</title><item><guid>1</guid>'
        b"<title>x&nbsp;y</title><description>"
        + b"&boom;" * references
        + b"</description></item></channel></rss>"
    )


def test_the_blow_up_document_really_expands_without_neutralisation() -> None:
    # Keeps the hostile input honest: unprotected, 31 KB become a 5,000,000-char summary.
    body = blow_up(1000, 5000)
    unsafe = parse_prepared(
        prepare(body, neutralise_entities=False), base_url="https://x.org/", fetched_at=NOW
    )
    assert len(unsafe.items[0].summary) == 5_000_000


def test_entity_blow_up_stays_small_and_fast() -> None:
    body = blow_up(100_000, 20_000)  # 220 KB that would expand to 2,000,000,000 characters
    started = time.perf_counter()
    parsed = parse_document(body, base_url="https://x.org/", fetched_at=NOW)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    assert len(parsed.items) == 1
    assert len(parsed.items[0].summary) <= 2 * len(body)
    assert "AAAA" not in parsed.items[0].summary
    assert parsed.warning is not None and "entity declaration(s) neutralised" in parsed.warning


def test_output_is_valid_utf8_even_with_a_lone_surrogate() -> None:
    body = b'<?xml version="1.0" encoding="utf-7"?><rss version="2.0"><channel><title>a+2AA-b'
    prepare(body + b"</title></channel></rss>").data.decode("utf-8")  # must not raise
