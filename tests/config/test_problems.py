"""Table-driven: a small feeds.yaml snippet -> the located problems it must report.

Each expected entry is a substring of one reported "LINE:COL: message", in file order,
and the snippet must report exactly that many problems.
"""

from __future__ import annotations

import pytest

from tests.config.conftest import Loader, Problems

V = "version: 1\n"
FEED = "feeds:\n  - id: f\n    url: https://example.org/feed\n"

CASES: list[tuple[str, str, list[str]]] = [
    # --- the file itself
    ("empty", "", ['1:1: the file is empty; it needs at least the line "version: 1"']),
    ("only comments", "# nothing yet\n", ["1:1: the file is empty"]),
    ("list at top", "- a\n", ["1:1: the file must be a mapping of keys such as version"]),
    ("tab", V + "feeds:\n\t- id: x\n", ["3:1: YAML syntax error: found character '\\t'",
                                        ]),
    ("colon in value", V + "http:\n  user_agent: a: b\n",
     ["3:16: YAML syntax error: mapping values are not allowed here (a value containing"]),
    ("unclosed quote", V + "topics:\n  - id: a\n    query: 'oops\n",
     ["4:12: YAML syntax error: found unexpected end of stream (a quote or bracket"]),
    ("unclosed bracket", V + "feeds: [a, b\n", ["2:8: YAML syntax error: expected ','"]),
    # --- version
    ("no version", FEED, ['1:1: missing required key "version" at the top level; start the'
                          ' file with "version: 1"']),
    ("version text", "version: '1'\n", ['1:10: "version" must be 1 (the only version of this'
                                        ' file format); found "1"']),
    ("version newer", "version: 2\nfeedz: []\n",
     ['1:10: "version" is 2, but this monitor reads only version 1']),
    # --- unknown and duplicate keys
    ("unknown top", V + "feed: []\n", ['2:1: unknown key "feed" at the top level; did you'
                                       ' mean "feeds"?']),
    ("misplaced key", V + "user_agent: x\n",
     ['2:1: unknown key "user_agent" at the top level; "user_agent" belongs in'
      " http.user_agent (check the indentation)"]),
    ("no near key", V + "http:\n  colour: red\n",
     ['3:3: unknown key "colour" in http; the keys allowed here are user_agent, max_body']),
    ("unknown in feed", V + FEED + "    intervall: 15m\n",
     ['5:5: unknown key "intervall" in feed "f"; did you mean "interval"?']),
    ("duplicate key", V + FEED + "    url: https://example.org/other\n",
     ['5:5: duplicate key "url" in feed "f" (first given on line 4)']),
    ("duplicate top key", V + "version: 1\n",
     ['2:1: duplicate key "version" at the top level (first given on line 1)']),
    ("non-text key", V + "http:\n  1: x\n",
     ["3:3: keys must be text; found the number 1 as a key in http"]),
    # --- http
    ("http types", V + "http:\n  user_agent: 5\n  concurrency: 500\n  max_body: huge\n"
     "  allow_private_networks: yes\n  max_redirects: 1.5\n",
     ['3:15: "user_agent" in http must be text; found the number 5',
      '4:16: "concurrency" in http must be from 1 to 200; found 500',
      '5:13: "max_body" in http must be a size such as 512KB, 10MB or 1GiB; found "huge"',
      '6:27: "allow_private_networks" in http must be true or false; found "yes" (yes, no,',
      '7:18: "max_redirects" in http must be a whole number from 0 to 20; found the number'
      " 1.5"]),
    ("size range", V + "http:\n  max_body: 2GiB\n",
     ['3:13: "max_body" in http must be from 1KiB to 1GiB; found "2GiB"']),
    ("http not a mapping", V + "http: fast\n",
     ['2:7: "http" must be a mapping (indented key: value lines); found "fast"']),
    ("empty value", V + "http:\n  user_agent:\n",
     ['3:3: "user_agent" in http has no value; give one or remove the key']),
    # --- defaults
    ("defaults", V + "defaults:\n  interval: 10s\n  timeout: 10m\n  language: Persian\n",
     ['3:13: "interval" in defaults must be at least 30s; found 10s',
      '4:12: "timeout" in defaults must be at most 5m; found 10m',
      '5:13: "language" in defaults must be a language code such as en or fa; found'
      ' "Persian"; did you mean "fa"?']),
    ("duration words", V + "defaults:\n  interval: 15 minutes\n  timeout: 0\n",
     ['3:13: "interval" in defaults must be a duration such as 30s, 15m, 2h or 1d; found'
      ' "15 minutes"',
      '4:12: "timeout" in defaults must be more than 0s; found 0s']),
    ("duration limits", V + "defaults:\n  interval: 31d\n  timeout: .nan\n",
     ['3:13: "interval" in defaults must be at most 30d; found 31d',
      '4:12: "timeout" in defaults must be a duration such as 30s, 15m, 2h or 1d; found'
      " the number nan"]),
    ("digests with a broken smtp", V + "alerts:\n  smtp: localhost\n  digests:\n"
     "    - {id: d, to: [a@example.org], at: '07:00'}\n",
     ['3:9: "smtp" in alerts must be a mapping (indented key: value lines); found'
      ' "localhost"']),
    # --- feeds
    ("feed id", V + "feeds:\n  - id: Hrana FA\n    url: https://example.org/\n",
     ['3:9: "id" in feed "Hrana FA" must be lower-case letters, digits, \'-\', \'_\' or'
      " '.', starting with a letter or digit (at most 64 characters); found \"Hrana FA\";"
      ' did you mean "hrana-fa"?']),
    ("feed ids unique", V + FEED + "  - id: f\n    url: https://example.org/2\n",
     ['5:9: duplicate feed id "f" (first used on line 3)']),
    ("feed urls unique", V + FEED + "  - id: g\n    url: https://example.org/feed\n",
     ['6:10: duplicate feed url "https://example.org/feed" (first used on line 4)']),
    ("feed schemes", V + "feeds:\n  - {id: a, url: 'file:///etc/passwd'}\n"
     "  - {id: b, url: 'javascript:alert(1)'}\n  - {id: c, url: 'ftp://example.org/f'}\n"
     "  - {id: d, url: 'example.org/rss'}\n  - {id: e, url: 'https://'}\n",
     ['3:18: "url" in feed "a" uses the scheme "file:", which is not allowed; only http and'
      " https",
      '4:18: "url" in feed "b" uses the scheme "javascript:"',
      '5:18: "url" in feed "c" uses the scheme "ftp:"',
      '6:18: "url" in feed "d" must be an absolute address starting with https:// or'
      ' http://; found "example.org/rss"',
      '7:18: "url" in feed "e" must name a host']),
    ("url with password", V + "feeds:\n  - id: a\n    url: https://me:pw@example.org/\n",
     ['4:10: "url" in feed "a" must not contain a user name or password']),
    ("feed fields", V + FEED + "    label: NGO\n    country: ir\n    tags: iran\n"
     "    enabled: no\n    interval: 5s\n    timeout: 6m\n    language: FA\n",
     ['5:12: "label" in feed "f" must be one of un, ngo, news, state_media, government,'
      ' opposition, other; found "NGO"; did you mean "ngo"?',
      '6:14: "country" in feed "f" must be a two-letter ISO 3166 country code in upper'
      ' case, such as IR; found "ir"; did you mean "IR"?',
      '7:11: "tags" in feed "f" must be a list such as [iran, death-penalty]; found "iran"'
      " (write [iran])",
      '8:14: "enabled" in feed "f" must be true or false; found "no"',
      '9:15: "interval" in feed "f" must be at least 30s; found 5s',
      '10:14: "timeout" in feed "f" must be at most 5m; found 6m',
      '11:15: "language" in feed "f" must be a language code such as en or fa; found "FA";'
      ' did you mean "fa"?']),
    ("country hint", V + FEED + "    country: UK\n", ['did you mean "GB"?']),
    ("bad tag", V + FEED + "    tags: [ok, two words]\n",
     ['5:16: item 2 of "tags" in feed "f" must be a tag without spaces']),
    ("feed not mapping", V + "feeds:\n  - https://example.org/feed\n",
     ['3:5: feed #1 must be a mapping with keys such as id, url; found'
      ' "https://example.org/feed"']),
    ("feed missing keys", V + "feeds:\n  - name: Nameless\n",
     ['3:5: missing required key "id" in feed #1', '3:5: missing required key "url" in feed'
      " #1"]),
    ("feeds not a list", V + "feeds:\n  id: a\n",
     ['3:3: "feeds" must be a list of feed entries, each starting with \'- \'']),
    # --- topics and people
    ("topics", V + "topics:\n  - id: t\n    severity: high\n  - id: t\n    query: x\n",
     ['3:5: missing required key "query" in topic "t"',
      '4:15: "severity" in topic "t" must be one of urgent, digest; found "high"',
      '5:9: duplicate topic id "t" (first used on line 3)']),
    ("people", V + "people:\n  - name: A\n    aliases: [B, 3]\n  - name: a\n",
     ['4:18: item 2 of "aliases" in person "A" must be text; found the number 3',
      '5:11: duplicate person name "a" (first used on line 3)']),
    ("people file", V + "people_files: [missing.csv]\n",
     ['2:16: people file "missing.csv" does not exist (looked for ']),
    # --- alerts: secrets
    ("inline secrets", V + "alerts:\n  smtp:\n    host: h\n    from: a@example.org\n"
     "    username: me\n    password: hunter2\n  webhooks:\n    - id: w\n"
     "      url: https://example.org/hook\n      secret: whsec_abc\n  token: t\n",
     ['6:5: "username" in alerts.smtp would put a secret in feeds.yaml, which holds none:'
      ' store it in an environment variable and give that variable\'s name as'
      ' "username_env: VARIABLE_NAME"',
      '7:5: "password" in alerts.smtp would put a secret in feeds.yaml',
      '9:7: missing required key "secret_env" in webhook "w"',
      '11:7: "secret" in webhook "w" would put a secret in feeds.yaml',
      '12:3: unknown key "token" in alerts; secrets never go in feeds.yaml']),
    ("env names", V + "alerts:\n  smtp:\n    host: h\n    from: a@example.org\n"
     "    username_env: '1BAD'\n    password_env: 'p@ss w0rd'\n",
     ['6:19: "username_env" in alerts.smtp must be the name of an environment variable',
      '7:19: "password_env" in alerts.smtp must be the name of an environment variable']),
    ("env pairs and unset", V + "alerts:\n  smtp:\n    host: h\n    from: a@example.org\n"
     "    password_env: SMTP_PASSWORD\n",
     ['6:19: "password_env" in alerts.smtp needs "username_env" too; give both or neither',
      '6:19: environment variable SMTP_PASSWORD, named by "password_env" in alerts.smtp, is'
      " not set"]),
    # --- alerts: digests and webhooks
    ("digests", V + "topics:\n  - {id: death_sentence, query: x}\nalerts:\n  digests:\n"
     "    - id: daily\n      to: desk@example.org\n      at: 7pm\n"
     "      timezone: Europe/Pari\n      topics: [death_sentance]\n"
     "    - id: daily\n      to: [not-an-address]\n      at: '07:00'\n"
     "      topics: []\n      people: []\n",
     ["5:3: digests are sent by e-mail and need alerts.smtp",
      '7:11: "to" in digest "daily" must be a list such as [desk@example.org]',
      '8:11: "at" in digest "daily" must be a time of day in quotes, such as "07:00"; found'
      ' "7pm"',
      '9:17: "timezone" in digest "daily" must be a time zone name such as Asia/Tehran or'
      ' UTC; found "Europe/Pari"; did you mean "Europe/Paris"?',
      '10:16: item 1 of "topics" in digest "daily" is "death_sentance", but no topic in this'
      ' file has that id; did you mean "death_sentence"?',
      '11:7: digest "daily" selects no topics and no people',
      '11:11: duplicate digest id "daily" (first used on line 6)',
      '12:12: item 1 of "to" in digest "daily" must be an e-mail address such as'
      " desk@example.org"]),
    ("digest people", V + "people:\n  - name: Behrouz Ehsani\nalerts:\n  smtp:\n"
     "    host: h\n    from: a@example.org\n  digests:\n"
     "    - {id: d, to: [a@example.org], at: '7:00', people: [Behrouz Ehsany], topics: []}\n",
     ['item 1 of "people" in digest "d" is "Behrouz Ehsany", but no person in this file has'
      ' that name; did you mean "Behrouz Ehsani"?']),
    ("smtp", V + "alerts:\n  smtp:\n    port: 0\n    security: ssl\n    from: nobody\n",
     ['3:3: missing required key "host" in alerts.smtp',
      '4:11: "port" in alerts.smtp must be from 1 to 65535; found 0',
      '5:15: "security" in alerts.smtp must be one of none, starttls, tls; found "ssl"',
      '6:11: "from" in alerts.smtp must be an e-mail address such as "Rights Monitor']),
    ("webhooks", V + "alerts:\n  webhooks:\n    - id: a\n      secret_env: S\n"
     "    - id: b\n      url: http://example.org/h\n      url_env: U\n      secret_env: S\n"
     "      severity: digest\n",
     ['4:7: missing required key "url" or "url_env" in webhook "a"',
      '5:19: environment variable S, named by "secret_env" in webhook "a", is not set',
      '8:16: environment variable U, named by "url_env" in webhook "b", is not set',
      '8:16: webhook "b" has both "url" and "url_env"; give only one',
      '9:19: environment variable S, named by "secret_env" in webhook "b", is not set',
      '10:17: "severity" in webhook "b" must be one of urgent, all; found "digest"']),
    ("operator", V + "alerts:\n  operator: someone\n",
     ['3:13: "operator" in alerts must be an e-mail address such as desk@example.org']),
]


@pytest.mark.parametrize(("snippet", "expected"), [(c[1], c[2]) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_problems_are_located_and_explained(
    problems: Problems, snippet: str, expected: list[str]
) -> None:
    found = problems(snippet)
    assert len(found) == len(expected), "\n".join(found)
    for want, got in zip(expected, found, strict=True):
        assert want in got, f"{want!r} not in {got!r}\nall:\n" + "\n".join(found)


WEBHOOK = V + "alerts:\n  webhooks:\n    - id: a\n      url: https://example.org/h\n" \
    "      secret_env: S\n"  # fmt: skip


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("whsec_not-base64!", 'environment variable S, named by "secret_env" in webhook "a", does'
         ' not hold a Standard Webhooks secret (the webhook secret is not valid base64'),
        ("whsec_", "the webhook secret is empty"),
        ("whsec_c2VjcmV0 whsec_%%%", "(secret 2: the webhook secret is not valid base64"),
    ],
    ids=["not base64", "prefix only", "second of two while rotating"],
)  # fmt: skip
def test_a_bad_webhook_secret_is_located_and_never_echoed(
    problems: Problems, secret: str, expected: str
) -> None:
    (found,) = problems(WEBHOOK, {"S": secret})
    assert found.startswith("6:19: ") and expected in found
    key = secret.split()[-1].removeprefix("whsec_")
    assert not key or key not in found


@pytest.mark.parametrize("secret", ["whsec_c2VjcmV0", "c2VjcmV0", "whsec_c2VjcmV0 whsec_b2xk"])
def test_good_webhook_secrets_pass(load: Loader, secret: str) -> None:
    assert load(WEBHOOK, {"S": secret}).alerts is not None
