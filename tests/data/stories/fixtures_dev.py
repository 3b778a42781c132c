"""Hand-written reports for the dev pairs, modelled on how each source writes.

Facts follow shared/domain/watchlist.md (dates, courts, prisons, spellings); where a
report is invented around a real case (wording, hour, URL), it says only what the
sources say. People who are not on the watchlist have invented names: they stand for
the many prisoners whose cases are reported once. Each event is a list of reports;
``HARD`` lists pairs that must stay apart.
"""

from __future__ import annotations

from typing import Any

Item = dict[str, Any]


def it(feed: str, label: str, lang: str, when: str, url: str, title: str, summary: str) -> Item:
    return {"feed": feed, "label": label, "language": lang, "published": when,
            "url": url, "title": title, "summary": summary}


IHR_EHSANI = it(
    "ihrngo-en", "ngo", "en", "2025-07-27T07:40:00Z", "https://iranhr.net/en/articles/8123/",
    "Iran Human Rights: Behrouz Ehsani and Mehdi Hassani Executed in Ghezel Hesar Prison",
    "<p><strong>Iran Human Rights (IHRNGO); July 27, 2025:</strong> Political prisoners Behrouz"
    " Ehsani and Mehdi Hassani, who were sentenced to death on charges of <em>baghi</em> (armed"
    " rebellion) for alleged membership of the PMOI, were executed in Ghezel Hesar Prison in"
    " Karaj this morning. Their sentences were issued by Branch 26 of the Tehran Revolutionary"
    " Court presided over by Judge Iman Afshari after a grossly unfair trial, and upheld by the"
    " Supreme Court in January. IHRNGO Director Mahmood Amiry-Moghaddam said the international"
    " community must respond to the execution of political prisoners.</p>",
)

EHSANI_EXECUTED = [
    IHR_EHSANI,
    it("hrana-fa", "ngo", "fa", "2025-07-27T09:10:00Z",
       "https://www.hra-news.org/2025/hranews/a-51234/",
       "اعدام بهروز احسانی و مهدی حسنی، دو زندانی سیاسی در زندان قزلحصار",
       "خبرگزاری هرانا – بامداد امروز یکشنبه ۵ مرداد ۱۴۰۴، حکم اعدام بهروز احسانی و مهدی حسنی،"
       " دو زندانی سیاسی محبوس در زندان قزل‌حصار کرج، به اتهام بغی از طریق عضویت در سازمان"
       " مجاهدین خلق اجرا شد. این دو زندانی پیشتر از سوی شعبه ۲۶ دادگاه انقلاب تهران به ریاست"
       " قاضی ایمان افشاری به اعدام محکوم شده بودند."),
    it("iranintl-en", "news", "en", "2025-07-27T10:30:00Z",
       "https://www.iranintl.com/en/202507271234",
       "Iran hangs two political prisoners accused of MEK membership",
       "Iran's judiciary said on Sunday it had hanged two men convicted of rebellion through"
       " membership of the banned Mojahedin-e Khalq, a case rights groups said rested on"
       " coerced confessions. Mizan, the judiciary's news agency, named them as Behrouz Ehsani"
       " and Mehdi Hassani."),
    it("bbc-persian", "news", "fa", "2025-07-27T11:00:00Z",
       "https://feeds.bbci.co.uk/persian/articles/c4g2x1y3z5po",
       "دو زندانی متهم به عضویت در مجاهدین خلق اعدام شدند",
       "قوه قضاییه ایران اعلام کرد بهروز احسانی‌اسلاملو و مهدی حسنی، دو زندانی که به اتهام «بغی»"
       " و عضویت در سازمان مجاهدین خلق به اعدام محکوم شده بودند، صبح یکشنبه اعدام شدند."
       " سازمان‌های حقوق بشری می‌گویند اعترافات آنها زیر فشار گرفته شده بود."),
    it("amnesty-en", "ngo", "en", "2025-07-28T08:00:00Z",
       "https://www.amnesty.org/en/latest/news/2025/07/iran-execution-of-two-dissidents/",
       "Iran: Execution of two dissidents after grossly unfair trial must spark global outrage",
       "Responding to the news that the Iranian authorities executed Behrouz Ehsani and Mehdi"
       " Hassani in Ghezel Hesar prison on 27 July, Amnesty International said: \u201cThe"
       " authorities have put two men to death after a trial marred by torture allegations,"
       " in a chilling escalation of the use of the death penalty against dissidents.\u201d"),
]

SHARIFEH_FA = it(
    "hrana-fa", "ngo", "fa", "2024-07-04T12:20:00Z",
    "https://www.hra-news.org/2024/hranews/a-48011/",
    "شریفه محمدی، فعال کارگری به اعدام محکوم شد",
    "شریفه محمدی، فعال کارگری زندانی در زندان لاکان رشت، از سوی شعبه یک دادگاه انقلاب رشت"
    " به ریاست قاضی احمد درویش‌گفتار به اتهام «بغی» به اعدام محکوم شد. این فعال کارگری آذر"
    " ماه سال گذشته بازداشت شده بود.",
)

SHARMAHD_FA = it(
    "bbc-persian", "news", "fa", "2024-10-28T09:30:00Z",
    "https://www.bbc.com/persian/articles/cx2e9zyl1k4o.amp",
    "جمشید شارمهد، زندانی ایرانی-آلمانی اعدام شد",
    "خبرگزاری میزان، وابسته به قوه قضاییه، اعلام کرد حکم اعدام جمشید شارمهد، زندانی دوتابعیتی"
    " ایرانی-آلمانی که به «افساد فی‌الارض» متهم شده بود، صبح امروز دوشنبه اجرا شد. دولت آلمان"
    " پیشتر خواستار آزادی او شده بود.",
)

# The IHRNGO daily-report template: two different men, one prison, one day.
IHR_TEMPLATE = (
    "<p>Iran Human Rights (IHRNGO); {date}: A man identified as {name} was executed in"
    " {prison} on drug-related charges. According to information obtained by IHRNGO,"
    " {name}, {age}, from {town}, was arrested {years} ago and sentenced to death by the"
    " Revolutionary Court. His execution has not been reported by domestic media or"
    " officials in Iran.</p>"
)
DRUG_A = it("ihrngo-en", "ngo", "en", "2025-03-11T08:00:00Z",
            "https://iranhr.net/en/articles/7902/",
            "Man Executed in Ghezel Hesar Prison on Drug-Related Charges",
            IHR_TEMPLATE.format(date="March 11, 2025", name="Kamal Rostami", age=38,
                                prison="Ghezel Hesar Prison", town="Karaj", years="three years"))
DRUG_B = it("ihrngo-en", "ngo", "en", "2025-03-11T09:15:00Z",
            "https://iranhr.net/en/articles/7903/",
            "Man Executed in Ghezel Hesar Prison on Drug-Related Charges",
            IHR_TEMPLATE.format(date="March 11, 2025", name="Jafar Nouri", age=45,
                                prison="Ghezel Hesar Prison", town="Shahriar", years="two years"))

FA_TEMPLATE = (
    "به گزارش هرانا، بامداد {day}، یک زندانی به نام {name} {age} ساله در زندان {prison} به"
    " اتهام جرائم مرتبط با مواد مخدر اعدام شد. این زندانی {years} سال پیش بازداشت و از سوی"
    " دادگاه انقلاب به اعدام محکوم شده بود. تا لحظه انتشار این خبر، رسانه‌های داخل کشور این"
    " اعدام را اعلام نکرده‌اند."
)
FA_DRUG_A = it("hrana-fa", "ngo", "fa", "2025-03-12T07:00:00Z",
               "https://www.hra-news.org/2025/hranews/a-49871/",
               "اعدام یک زندانی در زندان قزلحصار",
               FA_TEMPLATE.format(day="امروز سه‌شنبه ۲۲ اسفند", name="علی صفری", age=34,
                                  prison="قزلحصار کرج", years="چهار"))
FA_DRUG_B = it("hrana-fa", "ngo", "fa", "2025-03-12T08:40:00Z",
               "https://www.hra-news.org/2025/hranews/a-49874/",
               "اعدام یک زندانی در زندان قزلحصار",
               FA_TEMPLATE.format(day="امروز سه‌شنبه ۲۲ اسفند", name="مجید کرمی", age=41,
                                  prison="قزلحصار کرج", years="دو"))

# Branch 26, one day: Pakhshan Azizi and an unnamed-on-the-watchlist defendant.
AZIZI_SENTENCED = it(
    "khrn-en", "ngo", "en", "2024-07-24T10:00:00Z",
    "https://kurdistanhumanrights.org/en/2024/07/pakhshan-azizi-sentenced-to-death",
    "Kurdish social worker Pakhshan Azizi sentenced to death",
    "Branch 26 of the Tehran Revolutionary Court, presided over by Judge Iman Afshari, has"
    " sentenced Kurdish social worker Pakhshan Azizi to death on the charge of baghi (armed"
    " rebellion) over alleged membership of PJAK. Azizi, from Mahabad, has been held in Evin"
    " prison since her arrest in August 2023.")
BRANCH26_OTHER = it(
    "hrana-en", "ngo", "en", "2024-07-24T13:30:00Z",
    "https://www.en-hrana.org/branch-26-sentences-political-prisoner-to-death/",
    "Branch 26 sentences political prisoner Hamed Yazdani to death",
    "Political prisoner Hamed Yazdani, held in Evin prison, has been sentenced to death by"
    " Branch 26 of the Tehran Revolutionary Court on the charge of moharebeh. Judge Iman"
    " Afshari issued the sentence after a single hearing in which his lawyer was not allowed"
    " to speak.")

# The weekly campaign statement: two weeks, one template.
TUESDAYS = (
    "The \u201cNo to Execution Tuesdays\u201d campaign continued in its {week}th week, with"
    " political prisoners in {n} prisons across Iran holding a hunger strike on Tuesday,"
    " {date}. In their statement the prisoners condemned the {k} executions recorded in the"
    " past week and called on the public to join the protest against the death penalty."
)
TUESDAY_A = it("iranwire-en", "news", "en", "2025-06-03T16:00:00Z",
               "https://iranwire.com/en/news/140120-no-to-execution-tuesdays-week-71/",
               "No to Execution Tuesdays campaign enters week 71",
               TUESDAYS.format(week=71, n=47, date="June 3", k=29))
TUESDAY_B = it("iranwire-en", "news", "en", "2025-06-10T16:00:00Z",
               "https://iranwire.com/en/news/140388-no-to-execution-tuesdays-week-72/",
               "No to Execution Tuesdays campaign enters week 72",
               TUESDAYS.format(week=72, n=48, date="June 10", k=34))

EHSANI_UPHELD = it(
    "ihrngo-en", "ngo", "en", "2025-01-07T15:00:00Z", "https://iranhr.net/en/articles/7760/",
    "Supreme Court upholds death sentences of Behrouz Ehsani and Mehdi Hassani",
    "Iran Human Rights (IHRNGO); January 7, 2025: The Supreme Court has upheld the death"
    " sentences of political prisoners Behrouz Ehsani and Mehdi Hassani, convicted of baghi"
    " for alleged PMOI membership by Branch 26 of the Tehran Revolutionary Court. IHRNGO warns"
    " that they are at risk of execution.")

SATO_AZIZI = it(
    "ohchr-en", "un", "en", "2025-07-24T12:00:00Z",
    "https://www.ohchr.org/en/press-releases/2025/07/iran-un-expert-pakhshan-azizi",
    "Iran: UN expert urges halt to execution of Kurdish aid worker Pakhshan Azizi",
    "The Special Rapporteur on the situation of human rights in Iran, Mai Sato, today urged"
    " the authorities to halt the execution of Pakhshan Azizi, whose death sentence for baghi"
    " has been upheld, and to grant her a fair retrial.")
SATO_EHSANI = it(
    "ohchr-en", "un", "en", "2025-07-28T12:00:00Z",
    "https://www.ohchr.org/en/press-releases/2025/07/iran-un-expert-condemns-executions",
    "Iran: UN expert condemns execution of two political prisoners",
    "Mai Sato, the Special Rapporteur on the situation of human rights in Iran, condemned the"
    " execution of Behrouz Ehsani and Mehdi Hassani on 27 July after proceedings that fell"
    " far short of fair trial guarantees, and warned that others face imminent execution.")

# A warning and, two days later, the execution it warned of: two events.
SOLITARY = it(
    "hengaw-en", "ngo", "en", "2024-01-21T18:00:00Z",
    "https://hengaw.net/en/news/2024/01/article-41",
    "Mohammad Ghobadlou transferred to solitary confinement, at imminent risk of execution",
    "Mohammad Ghobadlou, a protester sentenced to death in connection with the 2022 uprising,"
    " was transferred to solitary confinement in Ghezel Hesar Prison on Sunday, a sign that"
    " his execution is imminent, Hengaw has learned.")
GHOBADLOU_EXECUTED = it(
    "ihrngo-en", "ngo", "en", "2024-01-23T06:30:00Z", "https://iranhr.net/en/articles/6523/",
    "Protester Mohammad Ghobadlou executed in secret",
    "Iran Human Rights (IHRNGO); January 23, 2024: Mohammad Ghobadlou, a 23-year-old"
    " protester with a mental disability, was executed in Ghezel Hesar Prison this morning"
    " without his family or lawyer being informed. He was arrested during the 2022 protests.")


def pairs() -> list[tuple[Item, Item, bool, str, str]]:
    """(a, b, same, kind, note) for the dev split."""
    e = EHSANI_EXECUTED
    out: list[tuple[Item, Item, bool, str, str]] = [
        (e[0], e[1], True, "cross_language", "IHRNGO en and HRANA fa, same execution"),
        (e[0], e[2], True, "reworded", "IHRNGO and Iran International, same execution"),
        (e[0], e[3], True, "cross_language", "IHRNGO en and BBC Persian"),
        (e[0], e[4], True, "reworded", "Amnesty responds a day later"),
        (e[1], e[3], True, "reworded", "HRANA and BBC Persian, both Persian, different words"),
        (e[2], e[4], True, "reworded", "Iran International and Amnesty"),
        (e[1], e[2], True, "cross_language", "HRANA fa and Iran International en"),
        (e[3], e[4], True, "cross_language", "BBC Persian and Amnesty (next day)"),
        (DRUG_A, DRUG_B, False, "hard_negative",
         "IHRNGO template, two men, one prison, one day (untracked names)"),
        (FA_DRUG_A, FA_DRUG_B, False, "hard_negative", "HRANA Persian template, two men"),
        (AZIZI_SENTENCED, BRANCH26_OTHER, False, "hard_negative",
         "one court, one judge (tracked), one day, two defendants"),
        (TUESDAY_A, TUESDAY_B, False, "hard_negative", "weekly campaign statement, next week"),
        (EHSANI_UPHELD, e[0], False, "same_person_later", "sentence upheld; executed 6 months on"),
        (EHSANI_UPHELD, e[1], False, "same_person_later", "upheld (en) vs executed (fa)"),
        (SATO_AZIZI, SATO_EHSANI, False, "hard_negative",
         "one UN expert, two statements 4 days apart on different people"),
        (SATO_EHSANI, e[0], True, "reworded", "UN expert on the execution, next day"),
        (SOLITARY, GHOBADLOU_EXECUTED, False, "warning_then_execution",
         "transfer to solitary, then the execution two days later: two events"),
    ]
    return out
