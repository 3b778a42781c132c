"""Benchmark corpus: realistic news feeds, generated deterministically from a seed.

Owns the documents the poll benchmark serves: RSS 2.0 and Atom feeds of 20-50 items,
each item a title, a link, a guid/id, a date and an HTML body of paragraphs, links and
the odd list or quotation, sized so that a whole feed is 30-140 KB. About a quarter of
the feeds are Persian (right-to-left text, two bytes a letter in UTF-8), the rest
English. ``Feed.advance`` makes the next version of a feed: a few new items on top and
as many old ones dropped, as a news site's feed does when it publishes.

Must not: touch the network, the file system or the benchmark's timing; it only makes
bytes. Every link points at example.org/example.com names and is never fetched.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

MIN_ITEMS, MAX_ITEMS = 20, 50
MIN_BYTES, MAX_BYTES = 30_000, 140_000
PERSIAN_SHARE = 0.25
ATOM_SHARE = 0.4
T0 = datetime(2025, 7, 1, 6, 0, tzinfo=UTC)

_EN = (
    "the court sentenced activist prisoner prison family lawyer charges against rights "
    "human report according to sources said on Tuesday Wednesday authorities detained "
    "was arrested in Tehran Evin Ghezel Hesar execution executions death sentence "
    "Supreme Court upheld revolutionary branch judge trial hearing without access "
    "to counsel forced confession torture solitary confinement months years women "
    "students workers teachers journalists protest protests release calls for urged "
    "United Nations special rapporteur Amnesty International statement condemned "
    "minority Baluch Kurdish Bahai religious ethnic security forces agents their "
    "home raided seized belongings transferred hospital hunger strike health "
    "deteriorating denied medical care bail set at billion rials appeal rejected "
    "a an of and that this with by from after before during while under new "
    "information obtained shows has have had been not yet also"
).split()

_FA = (
    "زندان اعدام حقوق بشر فعال بازداشت دادگاه انقلاب حکم زندانی سیاسی گزارش "
    "خبرگزاری ایران تهران اوین قزلحصار شهروند خانواده وکیل اتهام محکوم سال ماه "
    "روز هفته گذشته امروز براساس اطلاعات منتشر شده است این که در به از با برای "
    "پس نیز اعتراض زنان دانشجو کارگر معلم روزنامه‌نگار آزادی بیان سازمان ملل "
    "عفو بین‌الملل گزارشگر ویژه نقض شکنجه اعتراف اجباری قاضی شعبه دیوان عالی "
    "کشور تایید اجرا بلوچ کرد بهایی اقلیت مذهبی قومی ماموران امنیتی منزل "
    "انتقال بیمارستان اعتصاب غذا وضعیت جسمانی وثیقه تجدیدنظر رد"
).split()


@dataclass(frozen=True)
class Item:
    key: str  # guid (RSS) or id (Atom)
    title: str
    link: str
    published: datetime
    author: str
    category: str
    html: str


@dataclass(frozen=True)
class Feed:
    """One feed at one version; ``render()`` gives its bytes."""

    index: int
    kind: str  # "rss" | "atom"
    language: str  # "en" | "fa"
    site: str
    items: tuple[Item, ...]
    version: int
    per_item: int  # target size of one item's HTML, in bytes
    seed: int

    @property
    def path(self) -> str:
        return f"/feeds/{self.index:04d}.{'atom' if self.kind == 'atom' else 'rss'}"

    @property
    def content_type(self) -> str:
        mime = "application/atom+xml" if self.kind == "atom" else "application/rss+xml"
        return mime + "; charset=utf-8"

    @property
    def updated(self) -> datetime:
        return max(item.published for item in self.items)

    def render(self) -> bytes:
        return (_atom(self) if self.kind == "atom" else _rss(self)).encode("utf-8")

    def advance(self, rng: random.Random, new: int) -> Feed:
        """The next version: ``new`` items published on top, as many oldest dropped."""
        version = self.version + 1
        start = self.updated
        fresh = [
            _item(
                self, rng, serial=version * 1000 + k, when=start + timedelta(minutes=10 * (k + 1))
            )
            for k in range(new)
        ]
        fresh.reverse()  # newest first, as feeds list them
        return replace(
            self, items=tuple(fresh) + self.items[: len(self.items) - new], version=version
        )


def corpus(count: int, seed: int = 1) -> list[Feed]:
    """``count`` feeds at version 0; the same seed gives the same bytes."""
    rng = random.Random(seed)
    feeds = []
    for index in range(count):
        language = "fa" if rng.random() < PERSIAN_SHARE else "en"
        kind = "atom" if rng.random() < ATOM_SHARE else "rss"
        n_items = rng.randint(MIN_ITEMS, MAX_ITEMS)
        # Drawn inside the bounds by the calibration tolerance, so sizes stay in them.
        target = rng.randint(MIN_BYTES * 21 // 20, MAX_BYTES * 19 // 20)
        feed = Feed(
            index=index,
            kind=kind,
            language=language,
            site=f"news{index:04d}.example.org",
            items=(),
            version=0,
            per_item=max(300, target // n_items - 450),
            seed=rng.randrange(1 << 30),
        )
        # Markup, escaping and summaries make the size hard to predict: aim, measure,
        # rescale the HTML budget; two rounds land within a few per cent.
        for _ in range(3):
            feed = _fill(feed, n_items)
            size = len(feed.render())
            if abs(size - target) < target * 0.05:
                break
            feed = replace(feed, per_item=max(200, feed.per_item * target // size))
        feeds.append(feed)
    return feeds


def _fill(feed: Feed, n_items: int) -> Feed:
    rng = random.Random(feed.seed)
    items = [
        _item(feed, rng, serial=k, when=T0 - timedelta(minutes=37 * k + rng.randint(0, 30)))
        for k in range(n_items)
    ]
    return replace(feed, items=tuple(items))


# -- text --------------------------------------------------------------------------------


def _words(rng: random.Random, language: str, n: int) -> str:
    vocabulary = _FA if language == "fa" else _EN
    return " ".join(rng.choices(vocabulary, k=n))


def _sentence(rng: random.Random, language: str) -> str:
    text = _words(rng, language, rng.randint(8, 22))
    if language == "en":
        text = text[0].upper() + text[1:]
    return text + ("." if language == "en" else ".")


def _paragraph(rng: random.Random, feed: Feed) -> str:
    parts = []
    for _ in range(rng.randint(2, 5)):
        sentence = _sentence(rng, feed.language)
        roll = rng.random()
        if roll < 0.25:
            slug = rng.randrange(10**6)
            words = sentence.split(" ")
            cut = rng.randint(1, max(1, len(words) - 3))
            sentence = (
                " ".join(words[:cut])
                + f' <a href="https://{feed.site}/news/{slug}">'
                + " ".join(words[cut : cut + 3])
                + "</a> "
                + " ".join(words[cut + 3 :])
            )
        elif roll < 0.35:
            sentence = f"<strong>{sentence}</strong>"
        parts.append(sentence)
    return "<p>" + " ".join(parts) + "</p>"


def _html(rng: random.Random, feed: Feed) -> str:
    blocks = []
    size = 0
    while size < feed.per_item:
        roll = rng.random()
        if roll < 0.07:
            block = (
                "<ul>"
                + "".join(
                    f"<li>{_words(rng, feed.language, rng.randint(4, 10))}</li>" for _ in range(3)
                )
                + "</ul>"
            )
        elif roll < 0.12:
            block = f"<blockquote><p>{_sentence(rng, feed.language)}</p></blockquote>"
        elif roll < 0.15:
            block = (
                f'<p><img src="https://cdn.example.com/{feed.site}/{rng.randrange(10**6)}.jpg" '
                f'alt="{_words(rng, feed.language, 3)}" width="640" height="360"></p>'
            )
        else:
            block = _paragraph(rng, feed)
        blocks.append(block)
        size += len(block.encode("utf-8"))
    return "\n".join(blocks)


def _item(feed: Feed, rng: random.Random, *, serial: int, when: datetime) -> Item:
    number = feed.seed % 100_000 * 10_000 + serial
    title = _words(rng, feed.language, rng.randint(6, 14))
    if feed.language == "en":
        title = title[0].upper() + title[1:]
    slug = "-".join(title.split(" ")[:6]) if feed.language == "en" else str(number)
    link = f"https://{feed.site}/{when:%Y/%m/%d}/{slug}/"
    if feed.kind == "atom":
        key = f"tag:{feed.site},2025:post-{number}"
    elif feed.index % 3 == 0:
        key = link  # a permalink guid, as WordPress sends
    else:
        key = f"{feed.site}-{number}"
    return Item(
        key=key,
        title=title,
        link=link,
        published=when,
        author=_words(rng, feed.language, 2).title(),
        category=_words(rng, feed.language, 1),
        html=_html(rng, feed),
    )


# -- documents -------------------------------------------------------------------------


def _summary(item: Item) -> str:
    first = item.html.split("</p>", 1)[0]
    return first + "</p>" if first.startswith("<p>") else "<p>" + escape(item.title) + "</p>"


def _rss(feed: Feed) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "<channel>\n",
        f"<title>{escape(_channel_title(feed))}</title>\n<link>https://{feed.site}/</link>\n",
        f'<atom:link href="https://{feed.site}/feed/" rel="self" type="application/rss+xml"/>\n',
        f"<description>{escape(_channel_title(feed))}: latest news</description>\n",
        f"<language>{feed.language}</language>\n",
        f"<lastBuildDate>{format_datetime(feed.updated)}</lastBuildDate>\n",
    ]
    full_text = feed.index % 2 == 0  # half put the article in content:encoded
    for item in feed.items:
        permalink = item.key == item.link
        body = item.html.replace("]]>", "]]]]><![CDATA[>")
        out.append(
            f"<item>\n<title>{escape(item.title)}</title>\n<link>{escape(item.link)}</link>\n"
            f'<guid isPermaLink="{"true" if permalink else "false"}">{escape(item.key)}</guid>\n'
            f"<pubDate>{format_datetime(item.published)}</pubDate>\n"
            f"<dc:creator><![CDATA[{item.author}]]></dc:creator>\n"
            f"<category><![CDATA[{item.category}]]></category>\n"
        )
        if full_text:
            out.append(
                f"<description><![CDATA[{_summary(item)}]]></description>\n"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>\n</item>\n"
            )
        else:  # the whole article escaped in description, as many CMSs do
            out.append(f"<description>{escape(item.html)}</description>\n</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def _atom(feed: Feed) -> str:
    updated = feed.updated.isoformat().replace("+00:00", "Z")
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{feed.language}">\n',
        f"<title>{escape(_channel_title(feed))}</title>\n<id>https://{feed.site}/</id>\n",
        f'<link rel="alternate" href="https://{feed.site}/"/>\n',
        f'<link rel="self" href="https://{feed.site}/atom.xml"/>\n<updated>{updated}</updated>\n',
    ]
    for item in feed.items:
        when = item.published.isoformat().replace("+00:00", "Z")
        out.append(
            f"<entry>\n<title>{escape(item.title)}</title>\n<id>{escape(item.key)}</id>\n"
            f'<link rel="alternate" href="{escape(item.link)}"/>\n'
            f"<published>{when}</published>\n<updated>{when}</updated>\n"
            f"<author><name>{escape(item.author)}</name></author>\n"
            f'<category term="{escape(item.category)}"/>\n'
            f'<summary type="html">{escape(_summary(item))}</summary>\n'
            f'<content type="html">{escape(item.html)}</content>\n</entry>\n'
        )
    out.append("</feed>\n")
    return "".join(out)


def _channel_title(feed: Feed) -> str:
    if feed.language == "fa":
        return f"خبرگزاری حقوق بشر {feed.index}"
    return f"Human Rights News {feed.index}"
