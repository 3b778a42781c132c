"""How fast the matcher is: 10,000 people (3 spellings each) and 50 topics over
100,000 synthetic items of about 600 characters mixing English and Persian.

    .venv/bin/python bench/match_speed.py [--items N] [--people N] [--profile]

Prints build time, items per second on one core (per CPU second of this process, so
other work on a shared machine does not count; wall time beside it; the first 10% of
items, on cold memos, apart, and the median and range of the other nine tenths), peak
memory (ru_maxrss), whether the chunk scan is the C extension, and how many items had
hits. Items are made before timing, from the domain's words (most of which some topic
uses) followed by thousands of made-up ones in a Zipf-like mix, so an item holds a
realistic dozen or so topic terms. About 4% of their words are numbers or one-off
tokens, so the memos keep missing as they would on real feeds. Targets (issue 3): >= 20,000 items/s,
build < 5 s, < 500 MB.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import statistics
import time

from monitor.match import Matcher, MatchInput, Person, TopicRule, scan

EN = """the of and to in a is that for on was with as by at from his said have has are it an be
this not were which but had they their been after who would more also its year two one new
people government court prison prisoners sentenced sentence death execution executed hanged
iran iranian tehran rights human judiciary authorities reported according charges charged
political activist activists protest protests arrested arrest trial revolutionary branch judge
lawyer family families women men children security forces intelligence ministry officials
state media news agency report reports week month day days years international amnesty united
nations special rapporteur council statement called release released detained detention held
evin ghezel hesar solitary confinement transferred transfer sunday monday tuesday wednesday
thursday friday saturday minister president election economy oil market price prices bank
football match team player coach league season budget plan company executive technology
software code health hospital doctors cancer treatment water city province kurdish baluch arab
ahvaz zahedan karaj urmia mashhad shiraz isfahan tabriz kermanshah sanandaj rasht public
campaign supreme upheld confirmed appeal retrial rejected imminent risk torture forced
confession confessions espionage israel spying drug drugs murder qisas retribution
""".split()
FA = """و در به از که این را با است برای آن یک خود تا کرد شده شد می بود او ها های اعدام حکم زندان
زندانی سیاسی دادگاه انقلاب قاضی وکیل خانواده اتهام محاربه بغی افساد فی الارض بازداشت حقوق بشر
ایران تهران قزل حصار اوین انفرادی منتقل انتقال سازمان گزارش خبرگزاری روز هفته ماه سال امروز
دیروز فعال معترضان اعتراضات کرد بلوچ عرب اهواز زاهدان کرج ارومیه مشهد شیراز اصفهان تبریز
کرمانشاه سنندج رشت قصاص قتل مواد مخدر جاسوسی اسرائیل شکنجه اعتراف اجباری دیوان عالی کشور تایید
نقض اعاده دادرسی رئیس قوه قضاییه رئیسی دولت مجلس انتخابات اقتصاد نفت بازار قیمت فوتبال تیم
بازیکن مربی لیگ فصل بودجه شرکت فناوری بیمارستان سرطان درمان آب شهر استان عمومی کمپین سه‌شنبه‌های
نه به اعدام حلق‌آویز آویخته دار مرگ کشتار تابستان ۶۷ ۱۴۰۴ ۱۴۰۳ مرداد شهریور بهمن
""".split()
FIRST = [
    ("Mohammad", "محمد"),
    ("Ali", "علی"),
    ("Reza", "رضا"),
    ("Hossein", "حسین"),
    ("Mehdi", "مهدی"),
    ("Ahmad", "احمد"),
    ("Behrouz", "بهروز"),
    ("Pouya", "پویا"),
    ("Babak", "بابک"),
    ("Vahid", "وحید"),
    ("Farshad", "فرشاد"),
    ("Masoud", "مسعود"),
    ("Saeed", "سعید"),
    ("Sharifeh", "شریفه"),
    ("Varisheh", "وریشه"),
    ("Pakhshan", "پخشان"),
    ("Narges", "نرگس"),
    ("Zeinab", "زینب"),
    ("Kamran", "کامران"),
    ("Hamid", "حمید"),
    ("Javad", "جواد"),
    ("Omid", "امید"),
    ("Saman", "سامان"),
    ("Mojahed", "مجاهد"),
    ("Habib", "حبیب"),
]
SYLLABLES = [
    ("ba", "با"),
    ("ni", "نی"),
    ("sha", "شا"),
    ("ri", "ری"),
    ("mo", "مو"),
    ("ra", "را"),
    ("di", "دی"),
    ("ka", "کا"),
    ("zem", "زم"),
    ("far", "فر"),
    ("pour", "پور"),
    ("kho", "خو"),
    ("gha", "قا"),
    ("ne", "نه"),
    ("ja", "جا"),
    ("va", "وا"),
    ("li", "لی"),
    ("sa", "سا"),
    ("to", "تو"),
    ("hes", "حس"),
    ("man", "مان"),
    ("zad", "زاد"),
    ("eh", "ه"),
    ("lou", "لو"),
    ("gar", "گر"),
    ("tab", "تب"),
    ("yan", "یان"),
    ("ghol", "قل"),
    ("dar", "دار"),
    ("ami", "امی"),
]


def surname(rng: random.Random) -> tuple[str, str]:
    parts = rng.sample(SYLLABLES, rng.randint(2, 4))
    return "".join(p[0] for p in parts).capitalize(), "".join(p[1] for p in parts)


def respell(name: str, rng: random.Random) -> str:
    """A transliteration variant the matcher should fold without being told."""
    for a, b in rng.sample([("ou", "oo"), ("ee", "i"), ("gh", "q"), ("s", "ss"), ("a", "e")], 2):
        if a in name:
            return name.replace(a, b, 1)
    return name


def make_people(n: int, rng: random.Random) -> list[Person]:
    people = []
    for _ in range(n):
        (first, first_fa), (last, last_fa) = rng.choice(FIRST), surname(rng)
        name = f"{first} {last}"
        if rng.random() < 0.2:
            second, second_fa = surname(rng)
            name, last_fa = f"{name}-{second}", f"{last_fa}\u200c{second_fa}"
        aliases = (respell(name, rng), f"{first_fa} {last_fa}")
        people.append(Person(name, aliases, rng.choice(["urgent", "digest"])))
    return people


TOPIC_TEMPLATES = [
    '("sentenced to death" OR "death sentence" OR "death row" OR moharebeh OR "حکم اعدام" '
    'OR "محکوم به اعدام") -"no longer a death sentence" -cancer',
    '(executed OR hanged OR execution OR اعدام OR "به دار آویخته") (iran OR ایران OR country:IR) '
    '-"remote code execution" -football',
    '(transfer* OR transferred OR منتقل) NEAR/6 (solitary OR انفرادی OR "ghezel hesar" OR قزلحصار)',
    '(moharebeh OR baghi OR "efsad-e fel-arz" OR محاربه OR بغی OR "افساد فی الارض") lang:fa',
    "title:(prison* OR زندان*) (political OR سیاسی) -election",
    '("1988 massacre" OR "death commission" OR "کشتار ۶۷" OR "هیئت مرگ") OR (1988 NEAR/3 execut*)',
    '(torture OR شکنجه OR "forced confession*") (label:ngo OR label:un OR tag:iran)',
    "(qisas OR قصاص) -(football OR فوتبال) NOT lang:ps",
]


def make_topics(n: int, rng: random.Random) -> list[TopicRule]:
    topics = []
    for i in range(n):
        if i < len(TOPIC_TEMPLATES):
            query = TOPIC_TEMPLATES[i]
        else:
            en, fa = (
                rng.sample(EN[60:], 6),
                rng.sample(FA[40:], 4),
            )  # specific words, as analysts pick
            query = (
                f'("{en[0]} {en[1]}" OR {en[2]}* OR {fa[0]} OR "{fa[1]} {fa[2]}") '
                f"({en[3]} OR {fa[3]} OR country:IR) -{en[4]} {en[5]} NEAR/5 {en[0]}"
            )
        topics.append(TopicRule(f"t{i}", query, rng.choice(["urgent", "digest"])))
    return topics


def fillers(rng: random.Random, syllables: list[str], n: int) -> list[str]:
    """Made-up words: the bulk of a real vocabulary, which no topic mentions."""
    return ["".join(rng.choices(syllables, k=rng.choice((1, 2, 2, 3)))) for _ in range(n)]


_RNG = random.Random(67)
EN_WORDS = EN + fillers(_RNG, "ta ro mi ne sul vek bra on ist ex pre dor lan gu fi".split(), 6000)
FA_WORDS = FA + fillers(_RNG, "ما نی رو کا سپ دل تر گو بی شن هم زی فر".split(), 4000)
ZIPF = {id(w): [1 / (r + 8) for r in range(len(w))] for w in (EN_WORDS, FA_WORDS)}


def sentence(rng: random.Random, words: list[str], n: int) -> str:
    """Words drawn with a Zipf-like skew; the skew is set so that chunks average about
    6 characters with their space, as in the en/fa items of labelled_items_dev.jsonl
    (6.3 en, 5.2 fa)."""
    out = rng.choices(words, ZIPF[id(words)], k=n)
    for i in range(n):
        if rng.random() < 0.04:
            out[i] = str(rng.randint(10, 99_999))  # a token the memos have not seen
    return " ".join(out) + rng.choice([".", ",", ";", ":", "،", " -"])


def make_items(n: int, people: list[Person], rng: random.Random) -> list[MatchInput]:
    items = []
    for _ in range(n):
        lang = rng.choices(["en", "fa", "mixed"], [0.45, 0.35, 0.2])[0]
        pools = {"en": [EN_WORDS], "fa": [FA_WORDS], "mixed": [EN_WORDS, FA_WORDS]}[lang]
        parts: list[str] = []
        while sum(map(len, parts)) < 560:
            parts.append(sentence(rng, rng.choice(pools), rng.randint(6, 14)))
        if rng.random() < 0.1:
            person = rng.choice(people)
            spelling = rng.choice([person.name, *person.aliases])
            parts.insert(rng.randrange(len(parts)), spelling)
        body = " ".join(parts)
        if rng.random() < 0.3:
            body = f"<p>{body[:300]}</p><p><b>{body[300:]}</b></p>"
        title = sentence(rng, rng.choice(pools), rng.randint(5, 10))
        items.append(
            MatchInput(
                title,
                body,
                language="fa" if lang == "fa" else "en",
                feed_id="bench",
                label=rng.choice(["ngo", "news"]),
                country="IR",
            )
        )
    return items


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--topics", type=int, default=50)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    rng = random.Random(1988)
    people = make_people(args.people, rng)
    topics = make_topics(args.topics, rng)
    items = make_items(args.items, people, rng)
    chars = sum(len(i.title) + len(i.summary) for i in items) / len(items)

    t0, c0 = time.perf_counter(), time.process_time()
    matcher = Matcher.build(topics, people)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0

    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    cold = max(1, len(items) // 10)
    with_topics = with_people = 0
    tenths: list[float] = []  # CPU seconds of each tenth of the items
    t0, c0 = time.perf_counter(), time.process_time()
    mark = c0
    for i, item in enumerate(items):
        if i and i % cold == 0:
            now = time.process_time()
            tenths.append(now - mark)
            mark = now
        hits = matcher.match(item)
        with_topics += any(h.kind == "topic" for h in hits)
        with_people += any(h.kind == "person" for h in hits)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    tenths.append(time.process_time() - mark)
    c_cold = tenths[0]
    warm = sorted(cold / t for t in tenths[1:]) or [cold / c_cold]
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rules: {len(topics)} topics, {len(people)} people x 3 spellings")
    words = sum(len(i.title.split()) + len(i.summary.split()) for i in items) / len(items)
    print(f"items: {len(items)}, {chars:.0f} characters and {words:.0f} words on average")
    print(f"build: {build_cpu:.2f} s CPU ({build:.2f} s wall)")
    print(
        f"match: {len(items) / cpu:,.0f} items per CPU second, one core "
        f"({len(items) / elapsed:,.0f} per wall second; first {cold} on cold memos: "
        f"{cold / c_cold:,.0f} per CPU second)"
    )
    print(
        f"warm tenths ({len(warm)} of {cold} items): median {statistics.median(warm):,.0f} "
        f"items per CPU second, range {warm[0]:,.0f}-{warm[-1]:,.0f} (a shared machine's "
        "slow moments move the whole-run figure; the median tenth less)"
    )
    print(f"chunk scan: {'C extension' if scan.NATIVE else 'pure Python (extension not built)'}")
    print(f"items with a topic: {with_topics}, with a person: {with_people}")
    print(f"peak memory (ru_maxrss, whole process incl. the items): {peak:.0f} MB")


if __name__ == "__main__":
    main()
