"""Writes pairs.jsonl (dev) and pairs_holdout.jsonl from three kinds of material.

    .venv/bin/python tests/data/stories/build_pairs.py

1. Real published items (../shared/data/labelled_items_dev.jsonl): reposts, rewordings,
   the same person months apart. A month-only date gets a day, said in the note.
2. Real feed items (tests/data/feeds: UN News, BBC Urdu, The Guardian): each turned into
   the forms the issue names: a tracking link, an AMP link, a mirror host, and a repost
   with a few words edited, a lead-in, markup and a new title; and items of the same day
   that are different stories.
3. Hand-written reports (fixtures_dev.py, fixtures_holdout.py).
Items alternate between the splits (real items and feeds by position, fixtures by
file). People and topics are not written here: bench/story_pairs.py runs the real
matcher. Output is deterministic; the files are committed, this script is provenance.
"""

from __future__ import annotations

import email.utils
import html
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import fixtures_dev
import fixtures_holdout
from fixtures_dev import SHARIFEH_FA, SHARMAHD_FA, Item

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SHARED = ROOT.parent / "shared" / "data" / "labelled_items_dev.jsonl"
Pair = tuple[Item, Item, bool, str, str]


def real(by_id: dict[str, Any], key: str, when: str | None = None, **over: str) -> Item:
    r = by_id[key]
    out = {"feed": "", "label": "other", "language": r["language"], "url": r["url"],
           "published": when or r["published"],
           "title": "" if r.get("title_note") == "constructed" else r["title"],
           "summary": r["summary"], "source": f'{r["source"]} ({key})'}
    out.update(over)
    return out


def real_pairs(by_id: dict[str, Any]) -> tuple[list[Pair], list[Pair]]:
    r = lambda k, w=None, **o: real(by_id, k, w, **o)  # noqa: E731
    dev: list[Pair] = [
        (r("ev062", "2015-02-14T09:00:00Z"), r("ev063", "2015-02-15T10:00:00Z"), True, "repost",
         "IranSOS reposts Boroumand Center with a longer title (days assumed)"),
        (r("ev143", "2024-07-04T10:00:00Z"), r("ev145", "2024-07-04T16:00:00Z"), True,
         "reworded", "Hengaw and RFE/RL (AMP link), same sentence"),
        (r("ev143", "2024-07-04T10:00:00Z"), r("ev144", "2024-07-05T08:00:00Z"), True,
         "reworded", "Hengaw and a Jerusalem Post mirror (day assumed)"),
        (r("ev144", "2024-07-05T08:00:00Z"), r("ev145", "2024-07-04T16:00:00Z"), True,
         "reworded", "Jerusalem Post mirror and RFE/RL"),
        (r("ev143", "2024-07-04T10:00:00Z"), SHARIFEH_FA, True, "cross_language",
         "Hengaw en and HRANA fa"),
        (r("ev145", "2024-07-04T16:00:00Z"), SHARIFEH_FA, True, "cross_language",
         "RFE/RL en and HRANA fa"),
        (r("ev143", "2024-07-04T10:00:00Z"), r("ev148", "2025-08-12T09:00:00Z"), False,
         "same_person_later", "sentenced Jul 2024, upheld Aug 2025 (day assumed)"),
        (SHARIFEH_FA, r("ev148", "2025-08-12T09:00:00Z"), False, "same_person_later",
         "sentenced (fa) vs upheld a year later (en)"),
        (r("ev121", "2024-10-28T08:00:00Z"), r("ev124", "2024-10-28T12:00:00Z"), True,
         "reworded", "DW (tracking link) and a news site with a misspelt name"),
        (r("ev121", "2024-10-28T08:00:00Z"), SHARMAHD_FA, True, "cross_language",
         "DW en and BBC Persian (AMP link)"),
        (r("ev124", "2024-10-28T12:00:00Z"), SHARMAHD_FA, True, "cross_language",
         "misspelt name (en) and BBC Persian"),
        (r("ev086", "2024-05-19T20:00:00Z"), r("ev112", "2024-10-15T09:00:00Z"), False,
         "same_person_later", "Raisi killed vs Raisi in nuclear diplomacy (day assumed)"),
        (r("ev151", "2024-04-12T06:00:00Z"), r("ev153", "2024-04-11T12:00:00Z"), True,
         "reworded_untracked", "Vietnamese tycoon sentenced, no tracked person"),
        (r("ev125", "2024-02-22T12:00:00Z"), r("ev128", "2024-02-23T09:00:00Z"), True,
         "reworded_untracked", "Taliban public execution, two English reports"),
        (r("ev087", "2024-08-03T05:00:00Z"), r("ev089", "2023-04-26T05:00:00Z"), False,
         "unrelated", "two Singapore hangings a year apart"),
        (r("ev016", "2025-07-14T12:00:00Z"), r("ev074", "2025-07-27T10:00:00Z"), False,
         "same_person_later", "experts' appeal naming five, then two of them executed"),
    ]
    holdout: list[Pair] = [
        (r("ev038", "2025-04-14T12:00:00Z"), r("ev039", "2025-04-13T09:00:00Z"), True,
         "repost", "Death Penalty News reposts Iran HRM, title edited (day assumed)"),
        (r("ev153", "2024-04-11T12:00:00Z"), r("ev186", "2024-04-11T15:00:00Z"), True,
         "reworded_untracked", "Vietnamese tycoon, Reuters and AP"),
        (r("ev136", "2024-02-23T08:00:00Z"), r("ev190", "2024-02-23T14:00:00Z"), True,
         "reworded_untracked", "Taliban public execution, two Arabic reports (day assumed)"),
        (r("ev024", "2025-07-20T10:00:00Z"), r("ev026", "2025-07-21T10:00:00Z"), True,
         "cross_language", "Masouri exile: French blog and Arabic wncri (day assumed)"),
        (r("ev174", "2025-01-27T09:00:00Z"), r("ev074", "2025-07-27T10:00:00Z"), False,
         "same_person_later", "imminent risk (ja) vs executed (ar) six months later"),
        (r("ev064", "2025-11-05T09:00:00Z"), r("ev182", "2024-12-22T09:00:00Z"), False,
         "same_person_later", "six sentenced (Dec 2024) vs UN letter on them (Nov 2025)"),
    ]
    return dev, holdout


def feed_items(name: str) -> list[Item]:
    text = (ROOT / "tests" / "data" / "feeds" / name).read_text(encoding="utf-8")
    items = []
    for raw in re.findall(r"<item>(.*?)</item>", text, re.S):
        def tag(t: str, raw: str = raw) -> str:
            m = re.search(rf"<{t}>(.*?)</{t}>", raw, re.S)
            v = m.group(1).strip() if m else ""
            return html.unescape(re.sub(r"^<!\[CDATA\[(.*)\]\]>$", r"\1", v, flags=re.S))
        when = email.utils.parsedate_to_datetime(tag("pubDate")).isoformat()
        items.append({"title": tag("title"), "summary": tag("description"),
                      "url": tag("link"), "published": when})
    return items


def repost(item: Item, rng: random.Random, feed: str, site: str) -> Item:
    """A partisan site's copy: a lead-in, a few words changed, markup, a tracking link."""
    words = item["summary"].split()
    for _ in range(2):  # two edited words
        i = rng.randrange(len(words))
        words[i] = rng.choice(["reportedly", "the", "regime's", "also", "said"])
    summary = ("<p>According to reports, " + " ".join(words).replace(" ", "&nbsp;", 3)
               + "</p><p><a href='#'>Read more</a></p>")
    slug = re.sub(r"\W+", "-", item["title"].lower()).strip("-")[:60] or "post"
    return {**item, "feed": feed, "label": "opposition", "summary": summary,
            "title": "Report: " + item["title"],
            "url": f"https://{site}/{slug}/?utm_source=rss&utm_medium=rss&utm_campaign={slug}",
            "published": item["published"][:11] + "23:00:00+00:00"}


def variants(items: list[Item], feed: str, lang: str, label: str,
             rng: random.Random, n: int) -> list[Pair]:
    out: list[Pair] = []
    base = [{**i, "feed": feed, "language": lang, "label": label} for i in items]
    for k, a in enumerate(base[:n]):
        url = a["url"]
        kind = k % 4
        if kind == 0:
            b = {**a, "feed": "ncri-en", "label": "opposition",
                 "url": url + ("&" if "?" in url else "?") + "utm_source=twitter&fbclid=IwAR0x"}
            out.append((a, b, True, "tracking_link", "same article, tracking parameters"))
        elif kind == 1:
            b = {**a, "feed": "", "label": "other",
                 "url": url.rstrip("/") + "/amp", "title": a["title"] + " "}
            out.append((a, b, True, "amp", "AMP form of the same article"))
        elif kind == 2:
            b = {**a, "feed": "", "label": "other",
                 "url": url.replace("http://www.", "https://m.").replace("https://news.",
                                                                          "http://www.news.")}
            out.append((a, b, True, "mirror", "mobile/www host and scheme"))
        else:
            b = repost(a, rng, "ncri-en", "iranfreedom.org")
            out.append((a, b, True, "repost", "word-for-word repost, 2 words edited"))
        # the next item of the same day (or the nearest one) is another story
        other = next((o for o in base[k + 1 :] if o["published"][:10] == a["published"][:10]),
                     base[(k + 1) % len(base)])
        out.append((a, other, False, "unrelated_same_day", "same feed, another story"))
    return out


def sample_pairs(rng: random.Random) -> list[Pair]:
    un = feed_items("un_news_europe_rss_2022-04_feedverse.xml")
    urdu = feed_items("bbc_urdu_rss_miniflux.xml")
    guardian = feed_items("guardian_us_2018-01-31_rss-parser.xml")
    pairs = variants(un, "un-news-human-rights", "en", "un", rng, 24)
    pairs += variants(urdu, "", "ur", "news", rng, 16)
    pairs += variants(guardian, "", "en", "news", rng, 20)
    stormy = [g for g in guardian if "Stormy Daniels" in g["title"]]
    if len(stormy) >= 2:
        a, b = ({**s, "language": "en", "feed": "", "label": "news"} for s in stormy[:2])
        pairs.append((a, b, True, "reworded_untracked", "two Guardian items on one interview"))
    return pairs


def write(path: Path, pairs: list[Pair]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for a, b, same, kind, note in pairs:
            line = {"a": a, "b": b, "same": same, "kind": kind, "note": note}
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{path.name}: {len(pairs)} pairs, {sum(p[2] for p in pairs)} same", file=sys.stderr)


def main() -> None:
    by_id = {r["id"]: r for r in map(json.loads, SHARED.read_text(encoding="utf-8").splitlines())}
    dev, holdout = real_pairs(by_id)
    dev += fixtures_dev.pairs()
    holdout += fixtures_holdout.pairs()
    for i, p in enumerate(sample_pairs(random.Random(20250727))):
        # pairs come two by two (variant, unrelated): keep each couple in one split
        (dev if (i // 2) % 3 != 2 else holdout).append(p)
    write(HERE / "pairs.jsonl", dev)
    write(HERE / "pairs_holdout.jsonl", holdout)


if __name__ == "__main__":
    main()
