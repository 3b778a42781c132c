"""Hand-written reports for the held-out pairs: other cases, same rules as fixtures_dev.

Written before any threshold was tuned, and never used to choose one.
"""

from __future__ import annotations

from fixtures_dev import Item, it

GHOBADLOU = [
    it("ihrngo-en", "ngo", "en", "2024-01-23T06:30:00Z", "https://iranhr.net/en/articles/6523/",
       "Iran Human Rights: Protester Mohammad Ghobadlou Executed",
       "<p><b>Iran Human Rights (IHRNGO); January 23, 2024:</b> Mohammad Ghobadlou, a"
       " protester arrested during the 2022 nationwide protests, was executed in Ghezel Hesar"
       " Prison this morning. His lawyers said the Supreme Court had quashed one of his death"
       " sentences and that the execution was carried out without a final ruling. Judge"
       " Abolghasem Salavati of Branch 15 of the Tehran Revolutionary Court had sentenced him"
       " to death for moharebeh.</p>"),
    it("bbc-persian", "news", "fa", "2024-01-23T08:00:00Z",
       "https://www.bbc.com/persian/articles/c9xz1m0p7q2o",
       "محمد قبادلو، معترض بازداشت‌شده در اعتراضات ۱۴۰۱ اعدام شد",
       "خبرگزاری میزان اعلام کرد حکم اعدام محمد قبادلو، از بازداشت‌شدگان اعتراضات سال ۱۴۰۱، سحرگاه"
       " سه‌شنبه اجرا شد. وکلای او گفته بودند پرونده هنوز در دیوان عالی کشور در جریان است."),
    it("amnesty-en", "ngo", "en", "2024-01-23T14:00:00Z",
       "https://www.amnesty.org/en/latest/news/2024/01/iran-execution-of-mohammad-ghobadlou/",
       "Iran: Execution of young protester Mohammad Ghobadlou is a horrifying blow",
       "The Iranian authorities' execution of Mohammad Ghobadlou, a 23-year-old protester with"
       " a mental disability, following a sham trial is a horrifying blow to the right to life,"
       " Amnesty International said today."),
    it("hrana-fa", "ngo", "fa", "2024-01-23T07:10:00Z",
       "https://www.hra-news.org/2024/hranews/a-46120/",
       "اعدام محمد قبادلو در زندان قزلحصار",
       "خبرگزاری هرانا – بامداد امروز سه‌شنبه ۳ بهمن ۱۴۰۲، حکم اعدام محمد قبادلو، از معترضان"
       " بازداشت‌شده در اعتراضات سراسری، در زندان قزلحصار کرج اجرا شد. این حکم از سوی قاضی"
       " ابوالقاسم صلواتی صادر شده بود."),
]

AZIZI = [
    it("khrn-en", "ngo", "en", "2024-07-24T10:00:00Z",
       "https://kurdistanhumanrights.org/en/2024/07/pakhshan-azizi-death-sentence",
       "Kurdish activist Pakhshan Azizi sentenced to death by Tehran court",
       "Pakhshan Azizi, a Kurdish social worker from Mahabad, has been sentenced to death by"
       " Branch 26 of the Tehran Revolutionary Court on the charge of baghi (armed rebellion),"
       " her lawyer Amir Raesian said. She has been held in Evin prison since August 2023."),
    it("hrana-fa", "ngo", "fa", "2024-07-24T09:00:00Z",
       "https://www.hra-news.org/2024/hranews/a-48290/",
       "پخشان عزیزی، فعال مدنی کرد به اعدام محکوم شد",
       "پخشان عزیزی، فعال مدنی کرد زندانی در بند زنان زندان اوین، از سوی شعبه ۲۶ دادگاه انقلاب"
       " تهران به اتهام «بغی» به اعدام محکوم شد. وکیل این زندانی سیاسی حکم را به او"
       " ابلاغ کرده است."),
    it("iranintl-en", "news", "en", "2024-07-25T07:30:00Z",
       "https://www.iranintl.com/en/202407250112",
       "Iran sentences Kurdish woman to death on rebellion charge",
       "A Revolutionary Court in Tehran has handed a death sentence to Pakhshan Azizi, a Kurdish"
       " aid worker who helped refugees in northern Syria, on a charge of armed rebellion,"
       " according to her lawyer."),
]

AHVAZ = [
    it("ncri-en", "opposition", "en", "2025-07-12T15:00:00Z",
       "https://www.ncr-iran.org/en/news/human-rights/three-ahvazi-arabs-sentenced-to-death/",
       "Iran: Three Ahvazi Arab Political Prisoners Sentenced to Death",
       "Branch 1 of the Ahvaz Revolutionary Court has sentenced three Ahvazi Arab political"
       " prisoners, Farshad Etemadi-Far, Masoud Jamei and Alireza Mardasi, to death on charges of"
       " moharebeh for supporting the PMOI. Each received two death sentences. They are held"
       " in Sheiban prison."),
    it("khrn-en", "ngo", "en", "2025-07-15T11:00:00Z",
       "https://kurdistanhumanrights.org/en/2025/07/ahvaz-three-death-sentences",
       "Ahvaz court hands two death sentences each to three Arab citizens",
       "Farshad Etemadifar, Masoud Jamei and Alireza Mordasi have each been sentenced to death"
       " twice by the Ahvaz Revolutionary Court (Judge Adibimehr) on charges including efsad-"
       "fil-arz, membership of an opposition group and propaganda against the state."),
]

SALAVATI_A = it(
    "hrana-en", "ngo", "en", "2023-11-14T10:00:00Z",
    "https://www.en-hrana.org/protester-sentenced-to-death-branch-15/",
    "Protester Arman Rezaei sentenced to death by Branch 15",
    "Arman Rezaei, 27, arrested in the 2022 protests in Karaj, has been sentenced to death for"
    " moharebeh by Judge Abolghasem Salavati of Branch 15 of the Tehran Revolutionary Court.")
SALAVATI_B = it(
    "hrana-en", "ngo", "en", "2023-11-14T16:00:00Z",
    "https://www.en-hrana.org/baluch-prisoner-sentenced-to-death/",
    "Baluch prisoner Nasser Baluchzehi sentenced to death",
    "Nasser Baluchzehi, a Baluch prisoner held in the Greater Tehran Penitentiary, was"
    " sentenced to death for efsad-e fel-arz by Branch 15 of the Tehran Revolutionary Court"
    " presided over by Abolghasem Salavati.")

FA_A = it("ihrngo-fa", "ngo", "fa", "2025-02-04T06:00:00Z", "https://iranhr.net/fa/articles/7811/",
          "اعدام یک زندانی در زندان وکیل آباد مشهد",
          "سازمان حقوق بشر ایران؛ ۱۶ بهمن ۱۴۰۳: یک زندانی به نام حسن رحیمی ۳۹ ساله در زندان"
          " وکیل‌آباد مشهد به اتهام قتل عمد قصاص شد. بر اساس اطلاعات رسیده، او چهار سال پیش"
          " بازداشت و به قصاص محکوم شده بود. اعدام او تا کنون در رسانه‌های داخلی گزارش نشده است.")
FA_B = it("ihrngo-fa", "ngo", "fa", "2025-02-04T07:30:00Z", "https://iranhr.net/fa/articles/7812/",
          "اعدام یک زندانی در زندان وکیل آباد مشهد",
          "سازمان حقوق بشر ایران؛ ۱۶ بهمن ۱۴۰۳: یک زندانی به نام رضا عباسی ۲۸ ساله در زندان"
          " وکیل‌آباد مشهد به اتهام قتل عمد قصاص شد. بر اساس اطلاعات رسیده، او سه سال پیش"
          " بازداشت و به قصاص محکوم شده بود. اعدام او تا کنون در رسانه‌های داخلی گزارش نشده است.")

AZIZI_UPHELD = it(
    "khrn-en", "ngo", "en", "2025-01-08T12:00:00Z",
    "https://kurdistanhumanrights.org/en/2025/01/azizi-sentence-upheld",
    "Supreme Court upholds death sentence of Pakhshan Azizi",
    "Iran's Supreme Court has upheld the death sentence of Kurdish activist Pakhshan Azizi,"
    " her lawyer Amir Raesian announced, leaving her at imminent risk of execution.")

MONTHLY = (
    "UN human rights experts said at least {n} people had been executed in Iran in {month},"
    " including {w} women, and urged the authorities to establish an immediate moratorium on"
    " the death penalty. The experts said executions for drug offences violated international law."
)
MONTH_A = it("ohchr-en", "un", "en", "2025-05-02T10:00:00Z",
             "https://www.ohchr.org/en/press-releases/2025/05/iran-executions-april",
             "Iran: UN experts alarmed by surge in executions",
             MONTHLY.format(n=110, month="April", w=4))
MONTH_B = it("ohchr-en", "un", "en", "2025-06-03T10:00:00Z",
             "https://www.ohchr.org/en/press-releases/2025/06/iran-executions-may",
             "Iran: UN experts alarmed by surge in executions",
             MONTHLY.format(n=132, month="May", w=6))


def pairs() -> list[tuple[Item, Item, bool, str, str]]:
    g, a, h = GHOBADLOU, AZIZI, AHVAZ
    return [
        (g[0], g[1], True, "cross_language", "IHRNGO en and BBC Persian"),
        (g[0], g[2], True, "reworded", "IHRNGO and Amnesty, same day"),
        (g[0], g[3], True, "cross_language", "IHRNGO en and HRANA fa"),
        (g[1], g[3], True, "reworded", "BBC Persian and HRANA, both Persian"),
        (g[2], g[3], True, "cross_language", "Amnesty en and HRANA fa"),
        (a[0], a[1], True, "cross_language", "KHRN en and HRANA fa"),
        (a[0], a[2], True, "reworded", "KHRN and Iran International, next day"),
        (a[1], a[2], True, "cross_language", "HRANA fa and Iran International en"),
        (h[0], h[1], True, "reworded", "NCRI 12 Jul and a rights group 15 Jul, other spellings"),
        (SALAVATI_A, SALAVATI_B, False, "hard_negative", "one judge (tracked), one day, two cases"),
        (FA_A, FA_B, False, "hard_negative", "IHRNGO Persian template, two men, one prison"),
        (AZIZI_UPHELD, a[0], False, "same_person_later", "sentenced Jul 2024, upheld Jan 2025"),
        (MONTH_A, MONTH_B, False, "hard_negative", "monthly UN statement, same template"),
    ]
