"""People, table-driven: transliteration variants found without being listed, the
collisions that must not fire, Persian and Arabic forms, word boundaries, one-word
names, evidence, and the problems a watchlist can have."""

from __future__ import annotations

from functools import cache

import pytest

from monitor.match import Matcher, MatchInput, Person, RulesError

ZWNJ = "\u200c"


@cache
def matcher(name: str, aliases: tuple[str, ...] = (), single: bool = False) -> Matcher:
    return Matcher.build([], [Person(name, aliases, allow_single_word=single)])


def named(name: str, text: str, aliases: tuple[str, ...] = (), single: bool = False) -> bool:
    return bool(matcher(name, aliases, single).match(MatchInput("", text)))


# (watchlist name, aliases, text, fires) -- no alias lists a variant unless said
VARIANTS: list[tuple[str, tuple[str, ...], str, bool]] = [
    ("Behrouz Ehsani Eslamloo", (), "Behrouz Ehsani Aslamlou", True),
    ("Behrouz Ehsani Eslamloo", (), "Behrouz Ehsani was executed", True),  # no trailing part
    ("Behrouz Ehsani", (), "Behrouz Ehsani Eslamloo was executed", True),  # extra trailing part
    ("Behrouz Ehsani", (), "Behrouz ehsani", True),
    ("Behrouz Ehsani", (), "Behrooz Ehsani", True),
    ("Behrouz Ehsani", (), "Ehsani was transferred", False),  # surname alone
    ("Varisheh Moradi", (), "Verisheh Moradi", True),
    ("Varisheh Moradi", (), "Wrisha Moradi", True),
    ("Varisheh Moradi", (), "Varişe Moradi", True),
    ("Varisheh Moradi", (), "Warisha Moradi", True),
    ("Pakhshan Azizi", (), "Pakshan Azizi", True),
    ("Mojahed Kourkour", (), "Mojahed Korkur", True),
    ("Mojahed Kourkour", (), "Mujahid Korkur", True),
    ("Hossein-Ali Nayyeri", (), "Hosseinali Nayeri", True),
    ("Hossein-Ali Nayyeri", (), "Hossein Ali Nayeri", True),
    ("Mostafa Pourmohammadi", (), "Mostafa Pour-Mohammadi", True),
    ("Mostafa Pourmohammadi", (), "Mostafa Poormohammadi", True),
    ("Mostafa Pourmohammadi", (), "Mostafa Pour Mohammadi", True),
    ("Vahid Bani-Amerian", (), "Vahid Bani Amerian", True),
    ("Vahid Bani-Amerian", (), "Vahid Baniamerian", True),
    ("Vahid Bani-Amerian", (), "Vahid Bani Amarian", True),
    ("Farshad Etemadifar", (), "Farshad Etemadi-Far", True),
    # compound surnames: joined, hyphenated, or split at a given name or an ending
    ("Ali Nour Mohammadzadeh", (), "Ali Nourmohammadzadeh", True),
    ("Ali Nour Mohammadzadeh", (), "Ali Nour-Mohammadzadeh", True),
    ("Ali Nourmohammadzadeh", (), "Ali Nour Mohammadzadeh", True),
    ("Ali Nourmohammadzadeh", (), "Ali Nour-Mohammad-Zadeh", True),
    ("Ali Nour Mohammadzadeh", (), "Ali Nourmohammad Zadeh", True),
    ("Ali Nourmohammad Zadeh", (), "Ali Nour-Mohammadzadeh", True),
    ("Ali Nour-Mohammadzadeh", (), "Ali Nour Mohammadi", False),
    # a Persian final و after o: ow / ov / o
    ("Khosrow Rahimi", (), "Khosro Rahimi", True),
    ("Khosro Rahimi", (), "Khosrow Rahimi", True),
    ("Khosrow Rahimi", (), "Khosrov Rahimi", True),
    ("Khosrow Rahimi", (), "Khosrou Rahimi", True),
    ("Khosrow Rahimi", (), "Khosravi Rahimi", False),
    ("Farshad Etemadi-Far", (), "Farshad Etemadifar", True),
    ("Alireza Mardasi", (), "Ali Reza Mordasi", True),
    ("Mehdi Hassani", (), "Mahdi Hasani", True),
    ("Ebrahim Raisi", (), "Ebrahim Ra'isi", True),
    ("Ebrahim Raisi", (), "Ibrahim Raeesi", True),
    ("Ebrahim Raisi", (), "Ebrahim Raisi's government", True),
    ("Morteza Eshraghi", (), "Morteza Eshraqi", True),
    ("Pouya Ghobadi Bistouni", (), "Pouya Ghobadi", True),
    ("Seyed Mohammad Taghavi", (), "Mohammad Taghavi", True),
    ("Volker Türk", (), "Volker Turk", True),
    ("Jamshid Sharmahd", (), "JAMSHID SHARMAHD", True),
    # collisions: must NOT fire
    ("Ebrahim Raisi", ("Raisi",), "lawyer Amir Raisian said", False),
    ("Mehdi Hassani", (), "Mehdi Taremi scored", False),
    ("Mehdi Hassani", (), "Mehdi Hosseini", False),
    ("Mehdi Hassani", (), "Mehdi Hassanikhah", False),
    ("Mohammad Hassani", (), "Mohammad Hosseini", False),
    ("Sharifeh Mohammadi", (), "Narges Mohammadi", False),
    ("Mohammad Reza Moghaddam", (), "Mohammad Reza Shajarian", False),  # no "Mohammad Reza"
    ("Behrouz Ehsani", (), "Behrouz Ensani", False),  # a typo is not a variant: list it
    ("Hamid Nouri", (), "Hamid Nouriani", False),
]


@pytest.mark.parametrize(("name", "aliases", "text", "expected"), VARIANTS)
def test_latin_variants(name: str, aliases: tuple[str, ...], text: str, expected: bool) -> None:
    assert named(name, text, aliases) is expected


SCRIPTS: list[tuple[str, tuple[str, ...], str, bool]] = [
    ("Behrouz Ehsani", ("بهروز احسانی",), "بهروز احسانی اعدام شد", True),
    ("Behrouz Ehsani", ("بهروز احسانی",), f"بهروز احسانی{ZWNJ}اسلاملو", True),
    ("Behrouz Ehsani", (f"بهروز احسانی{ZWNJ}اسلاملو",), "بهروز احسانیاسلاملو", True),
    ("Behrouz Ehsani", (f"بهروز احسانی{ZWNJ}اسلاملو",), "بهروز احسانی اسلاملو", True),
    ("Behrouz Ehsani", ("بهروز احسانی",), "بهروز إحساني", True),  # Arabic letters
    ("Behrouz Ehsani", ("بهروز احسانی",), "بهروز احسانیان", False),
    ("Mehdi Hassani", ("مهدی حسنی",), "مهدي حسنی", True),
    ("Mehdi Hassani", ("مهدی حسنی",), "ومهدي حسني", True),  # Arabic «و» attached
    ("Mehdi Hassani", ("مهدی حسنی",), "مهدی حسنیان", False),
    ("Vahid Bani-Amerian", (f"وحید بنی{ZWNJ}عامریان",), "وحید بنیعامریان", True),
    ("Vahid Bani-Amerian", (f"وحید بنی{ZWNJ}عامریان",), "وحيد بني عامريان", True),
    ("Mostafa Pourmohammadi", ("مصطفی پورمحمدی",), "مصطفى بور محمدي", True),  # پ -> ب
    ("Babak Alipour", ("بابک علیپور",), "بابك علي بور", True),
    ("Varisheh Moradi", ("وریشه مرادی",), "وريشة مرادي", True),  # ة
    ("Mai Sato", ("مای ساتو",), "مایساتو", True),
    ("Ali Nourmohammadzadeh", ("علی نورمحمدزاده",), "علي نور محمد زاده", True),
    ("Ali Nourmohammadzadeh", ("علی نورمحمدزاده",), f"علی نور{ZWNJ}محمدزاده", True),
    ("Ali Nourmohammadzadeh", ("علی نور محمدزاده",), "علی نورمحمد زاده", True),
    ("Ebrahim Raisi", ("ابراهیم رئیسی",), "ابراهیم رییسی", True),
    ("Ebrahim Raisi", ("ابراهیم رئیسی",), "إبراهيم رئيسي", True),
    ("Sharifeh Mohammadi", ("شریفه محمدی",), "نرگس محمدی", False),
]


@pytest.mark.parametrize(("name", "aliases", "text", "expected"), SCRIPTS)
def test_persian_and_arabic(name: str, aliases: tuple[str, ...], text: str, expected: bool) -> None:
    assert named(name, text, aliases) is expected


SINGLE = [
    ("Ejei", (), False, "Ejei said", False),
    ("Raisi", (), True, "Raisi said", True),
    ("Raisi", (), True, "Raisian said", False),
    ("Raisi", (), True, "Raisi's death", True),
    ("Ebrahim Raisi", ("Raisi",), False, "Raisi said", False),
    ("Ebrahim Raisi", ("Raisi",), True, "Raisi said", True),
    ("Ebrahim Raisi", ("رئیسی",), True, "رئیسی گفت", True),
]


@pytest.mark.parametrize(("name", "aliases", "single", "text", "expected"), SINGLE)
def test_one_word_names(
    name: str, aliases: tuple[str, ...], single: bool, text: str, expected: bool
) -> None:
    if not expected and not single and len(name.split()) == 1:
        with pytest.raises(RulesError):
            matcher(name, aliases, single)
        return
    assert named(name, text, aliases, single) is expected


def test_hits_in_list_order_with_evidence_from_the_text() -> None:
    m = Matcher.build(
        [],
        [
            Person("Mehdi Hassani", ("مهدی حسنی",), "urgent"),
            Person("Behrouz Ehsani", ("Behrouz Ehsani Eslamloo", "بهروز احسانی"), "urgent"),
            Person("Narges Mohammadi"),
        ],
    )
    item = MatchInput(
        "Behrouz ehsani-eslamloo and Mahdi Hasani executed",
        f"<p>«بهروز احسانی{ZWNJ}اسلاملو» و (مهدي حسنی)، Behrouz Ehsani.</p>",
    )
    got = [(h.kind, h.key, h.severity, h.evidence) for h in m.match(item)]
    assert got == [
        ("person", "Mehdi Hassani", "urgent", ("Mahdi Hasani", "مهدي حسنی")),
        (
            "person",
            "Behrouz Ehsani",
            "urgent",
            ("Behrouz ehsani-eslamloo", "بهروز احسانی", "Behrouz Ehsani"),
        ),
    ]


def test_no_name_across_title_and_summary() -> None:
    m = matcher("Behrouz Ehsani")
    assert not m.match(MatchInput("news from Behrouz", "Ehsani said"))


def test_watchlist_problems_are_all_reported() -> None:
    with pytest.raises(RulesError) as e:
        Matcher.build(
            [],
            [
                Person("Behrouz Ehsani"),
                Person("!!!"),
                Person("Ejei"),
                Person("Mai Sato", ("???",)),
                Person("Mai Sato", severity="loud"),
            ],
        )
    got = [(p.kind, p.index, p.field) for p in e.value.problems]
    assert got == [
        ("person", 1, "name"),
        ("person", 2, "name"),
        ("person", 3, "aliases"),
        ("person", 4, "severity"),
    ]
    assert "allow_single_word" in e.value.problems[1].message


def test_ten_thousand_names_build_and_match() -> None:
    # Build time and memory are measured in bench/match_speed.py.
    people = [Person(f"Name{i} Surname{i % 977}x{i}", (f"نام{i} فامیل{i}",)) for i in range(10_000)]
    m = Matcher.build([], people)
    assert [h.key for h in m.match(MatchInput("", "said Name42 Surname42x42 today"))] == [
        "Name42 Surname42x42"
    ]
