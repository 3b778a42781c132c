"""`monitor feeds` end to end against the real loopback feed server: add (by feed and by
web page), refusals, remove, test, list, and OPML import/export checked with listparser.
The edits of feeds.yaml are compared byte for byte with the file before them."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import listparser
import pytest

from monitor.config import load_config
from tests.cli.conftest import REPO, Cli, dedent, write_config
from tests.servers.feed_server import FeedServer

SECRET = "whsec_" + base64.b64encode(b"a-test-secret-of-32-bytes-length").decode()
ENV = {"HOOK_SECRET": SECRET}


def rss(title: str, *items: str, language: str | None = None) -> bytes:
    lang = f"<language>{language}</language>" if language else ""
    body = "".join(
        f"<item><title>{t}</title><link>https://ngo.example/report/{i}</link>"
        f"<guid>report-{i}</guid><pubDate>Sat, 21 Nov 2026 09:{i:02d}:00 GMT</pubDate>"
        f"<description>{t}. More details follow.</description></item>"
        for i, t in enumerate(items)
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{lang}'
            f"{body}</channel></rss>").encode()  # fmt: skip


def page(*links: str) -> bytes:
    heads = "".join(links)
    return f"<!DOCTYPE html><html><head><title>NGO</title>{heads}</head><body>Hi</body></html>" \
        .encode()  # fmt: skip


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A small config (one feed) whose database would be a SQLite file in tmp_path."""
    config = write_config(
        tmp_path / "feeds.yaml",
        [{"id": "first", "url": "https://first.example/feed", "label": "ngo"}],
    )
    return Cli(config, {"MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'monitor.db'}", **ENV})


def added_lines(before: str, after: str) -> range:
    """The lines of ``after`` that are not in ``before``, checking that they form one
    block and that every other line is unchanged, byte for byte."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
    stop = start + len(new) - len(old)
    assert new[:start] + new[stop:] == old
    return range(start, stop)


# -- add -------------------------------------------------------------------------------


def test_add_by_feed_url_appends_only_new_lines(
    cli: Cli, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add_feed("/ngo.xml", rss("Iran Human Rights (IHRNGO)", "One", "Two",
                                         language="fa"))  # fmt: skip
    before = cli.config.read_text()
    assert cli("feeds", "add", feed_server.url("/ngo.xml"), "--tag", "iran", "--yes") == 0
    out = capsys.readouterr().out
    assert "Iran Human Rights (IHRNGO)" in out and "2 items" in out
    assert "2026-11-21 09:01  Two" in out and "language: fa" in out
    after = cli.config.read_text()
    new = added_lines(before, after)
    assert after.splitlines()[new.start : new.stop] == [
        "  - id: iran-human-rights-ihrngo",
        "    name: Iran Human Rights (IHRNGO)",
        f"    url: {feed_server.url('/ngo.xml')}",
        "    label: other",
        "    language: fa",
        "    tags: [iran]",
    ]
    feed = load_config(cli.config, ENV).feed("iran-human-rights-ihrngo")
    assert feed.language == "fa" and feed.tags == ("iran",)
    assert not (cli.config.parent / "monitor.db").exists()


def test_add_keeps_the_repository_feeds_yaml_byte_for_byte(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    original = (REPO / "feeds.yaml").read_text(encoding="utf-8")
    copy = original.replace("allow_private_networks: false", "allow_private_networks: true")
    assert copy.count("\n") == original.count("\n")
    config = tmp_path / "feeds.yaml"
    config.write_text(copy, encoding="utf-8")
    cli = Cli(config, {})
    feed_server.add_feed("/hengaw.xml", rss("Hengaw Organization for Human Rights", "A"))
    url = feed_server.url("/hengaw.xml")
    assert cli("feeds", "add", url, "--label", "ngo", "--country", "IR", "--interval", "30m",
               "--disabled", "--yes") == 0  # fmt: skip
    after = config.read_text(encoding="utf-8")
    block = [
        "\n",
        "  - id: hengaw-organization-for-human-rights\n",
        "    name: Hengaw Organization for Human Rights\n",
        f"    url: {url}\n",
        "    label: ngo\n",
        "    country: IR\n",
        "    interval: 30m\n",
        "    enabled: false\n",
    ]
    # After the last feed, separated by a blank line as the file's entries are, and
    # before the blank line and comment that close the feeds section.
    lines = copy.splitlines(keepends=True)
    at = lines.index("  # Not here because no feed is known: Mizan Online (the judiciary's"
                     " agency, the\n") - 1  # fmt: skip
    assert lines[at - 1] == "    enabled: false\n" and lines[at] == "\n"
    assert after == "".join(lines[:at] + block + lines[at:])
    assert [f.id for f in load_config(config).feeds][-1] == "hengaw-organization-for-human-rights"
    # Removing it takes its own lines only: the blank line above it stays.
    assert cli("feeds", "remove", "hengaw-organization-for-human-rights") == 0
    assert config.read_text(encoding="utf-8") == "".join(lines[:at] + ["\n"] + lines[at:])


def test_add_by_web_page_follows_its_feed_link(
    cli: Cli, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add_feed("/news/feed/", rss("NGO news", "One"))
    feed_server.add_feed("/news/atom", rss("NGO news (Atom)", "One"))
    feed_server.add_feed("/news/", page(
        '<link rel="alternate" type="application/feed+json" href="/news/feed.json">',
        '<link rel="alternate" type="application/rss+xml" title="NGO news" href="feed/">',
        '<link rel="alternate" type="application/atom+xml" href="atom">',
    ), content_type="text/html; charset=utf-8")  # fmt: skip
    assert cli("feeds", "add", feed_server.url("/news/"), "--id", "ngo-news", "--yes") == 0
    out = capsys.readouterr().out
    assert "is a web page; the feeds it links to:" in out
    assert f"* {feed_server.url('/news/feed/')}  (RSS \"NGO news\")" in out
    assert feed_server.url("/news/atom") in out and "JSON Feed" in out
    assert load_config(cli.config).feed("ngo-news").url == feed_server.url("/news/feed/")


def test_a_page_without_feed_links_is_refused(
    cli: Cli, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add_feed("/about", page(), content_type="text/html")
    before = cli.config.read_bytes()
    assert cli("feeds", "add", feed_server.url("/about"), "--yes") == 1
    assert "names no feed" in capsys.readouterr().err
    assert cli.config.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["https://first.example/feed"], 'already in'),
        (["http://www.first.example/feed/"], 'as feed "first" (https://first.example/feed)'),
        (["{url}", "--id", "FIRST"], "must be lower-case"),
        (["{url}", "--id", "first"], 'already has a feed "first"'),
        (["{url}", "--interval", "5s"], "--interval must be at least 30s"),
        (["{url}", "--country", "ir"], 'did you mean "IR"'),
        (["ftp://x.example/feed"], 'scheme "ftp:"'),
    ],
)
def test_add_refuses_duplicates_and_bad_values(
    cli: Cli, feed_server: FeedServer, capsys: pytest.CaptureFixture[str],
    args: list[str], message: str,
) -> None:
    feed_server.add_feed("/new.xml", rss("New", "One"))
    before = cli.config.read_bytes()
    args = [a.replace("{url}", feed_server.url("/new.xml")) for a in args]
    assert cli("feeds", "add", *args, "--yes") == 2
    assert message in capsys.readouterr().err
    assert cli.config.read_bytes() == before


def test_a_feed_found_on_a_page_that_is_already_configured_is_refused(
    tmp_path: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add_feed("/feed", rss("NGO", "One"))
    link = '<link rel="alternate" type="application/rss+xml" href="/feed">'
    feed_server.add_feed("/", page(link), content_type="text/html")
    feeds = [{"id": "ngo", "url": feed_server.url("/feed")}]
    config = write_config(tmp_path / "feeds.yaml", feeds)
    before = config.read_bytes()
    assert Cli(config, {})("feeds", "add", feed_server.url("/"), "--yes") == 2
    assert 'as feed "ngo"' in capsys.readouterr().err
    assert config.read_bytes() == before


def test_add_asks_first_and_writes_nothing_without_a_yes(
    cli: Cli, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add_feed("/new.xml", rss("New", "One"))
    before = cli.config.read_bytes()
    assert cli("feeds", "add", feed_server.url("/new.xml")) == 1  # stdin gives no answer
    captured = capsys.readouterr()
    assert "Add feed 'new' to" in captured.out and "[y/N]" in captured.out
    assert "not changed (answer y, or pass --yes)" in captured.err
    assert cli.config.read_bytes() == before


def test_private_addresses_stay_refused_unless_the_config_allows_them(
    tmp_path: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add_feed("/new.xml", rss("New", "One"))
    config = tmp_path / "feeds.yaml"
    config.write_text("version: 1\nfeeds:\n", encoding="utf-8")
    assert Cli(config, {})("feeds", "add", feed_server.url("/new.xml"), "--yes") == 1
    assert "set http.allow_private_networks: true" in capsys.readouterr().err
    assert config.read_text() == "version: 1\nfeeds:\n"
    assert feed_server.requests == []


def test_add_to_a_file_without_feeds_and_with_crlf_line_ends(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.add_feed("/new.xml", rss("New", "One"))
    config = tmp_path / "feeds.yaml"
    before = "version: 1\r\n# hello\r\nhttp:\r\n  allow_private_networks: true  # tests\r\n"
    config.write_bytes(before.encode())
    assert Cli(config, {})("feeds", "add", feed_server.url("/new.xml"), "--yes") == 0
    assert config.read_bytes().decode() == before + (
        f"feeds:\r\n  - id: new\r\n    name: New\r\n    url: {feed_server.url('/new.xml')}\r\n"
        "    label: other\r\n"
    )


# -- remove ----------------------------------------------------------------------------


def test_remove_deletes_only_the_entry_and_keeps_the_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "feeds.yaml"
    text = dedent("""
        version: 1
        feeds:
          # the first
          - id: a
            url: https://a.example/feed   # trailing
            tags:
              - x

          # the second
          - id: b
            name: >-
              B, folded
              over two lines

          # the third
          - id: c
            url: https://c.example/feed
        topics: []
        """).replace("name: >-", "url: https://b.example/feed\n    name: >-")
    config.write_text(text, encoding="utf-8")
    assert Cli(config, {})("feeds", "remove", "b") == 0
    assert "stay in the database" in capsys.readouterr().out
    lines = text.splitlines(keepends=True)
    first = lines.index("  - id: b\n")
    assert config.read_text() == "".join(lines[:first] + lines[first + 5 :])
    assert [f.id for f in load_config(config).feeds] == ["a", "c"]
    assert Cli(config, {})("feeds", "remove", "a") == 0
    assert "- x" not in config.read_text() and "# the first" in config.read_text()
    assert Cli(config, {})("feeds", "remove", "zzz") == 2
    assert 'no feed with id "zzz"' in capsys.readouterr().err


# -- test ------------------------------------------------------------------------------

ALERTS = dedent("""
    topics:
      - id: death_sentence
        name: Death sentences
        severity: urgent
        query: '"sentenced to death" OR "death sentence"'
      - id: prisoners
        name: Political prisoners
        query: '"political prisoner"'
    people:
      - name: Behrouz Ehsani
    alerts:
      smtp:
        host: 127.0.0.1
        port: 2525
        security: none
        from: "Rights Monitor <monitor@example.org>"
      digests:
        - id: daily
          to: [desk@example.org]
          at: "07:00"
        - id: people-only
          to: [people@example.org]
          at: "08:00"
          topics: []
      webhooks:
        - id: urgent
          url: https://hooks.example/urgent
          secret_env: HOOK_SECRET
    """)


@pytest.fixture
def matching(tmp_path: Path, feed_server: FeedServer) -> Cli:
    feed_server.add_feed("/ngo.xml", rss(
        "NGO", "Court sentenced to death a Kurdish activist", "Weather is fine",
        "Political prisoner Behrouz Ehsani denied care",
    ))  # fmt: skip
    config = write_config(tmp_path / "feeds.yaml",
                          [{"id": "ngo", "url": feed_server.url("/ngo.xml"), "label": "ngo"}],
                          ALERTS)  # fmt: skip
    return Cli(config, {"MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'monitor.db'}", **ENV})


def test_test_shows_matches_evidence_and_routes_and_stores_nothing(
    matching: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    assert matching("feeds", "test", "ngo") == 0
    out = capsys.readouterr().out
    assert "HTTP 200, 3 items" in out and "2 of 3 items would match" in out
    assert 'topic death_sentence (urgent): "sentenced to death"' in out
    assert "alerts: webhook urgent (at once); digest daily" in out
    assert 'person Behrouz Ehsani (digest): "Behrouz Ehsani"' in out
    assert "alerts: digests daily, people-only" in out
    assert "Weather" not in out and "Nothing was stored" in out
    assert not (matching.config.parent / "monitor.db").exists()


def test_test_json(matching: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert matching("feeds", "test", "ngo", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["http_status"] == 200 and out["items"] == 3
    assert out["feed"]["configured"] and out["stored"] is False
    second, first = out["matches"]  # newest first, as a poll keeps them
    assert first["topics"] == [
        {"id": "death_sentence", "severity": "urgent", "evidence": ["sentenced to death"]}
    ]
    assert first["webhooks"] == ["urgent"] and first["digests"] == ["daily"]
    assert first["published"] == "2026-11-21T09:00:00Z"
    assert [p["name"] for p in second["people"]] == ["Behrouz Ehsani"]
    assert second["webhooks"] == [] and second["digests"] == ["daily", "people-only"]
    assert not (matching.config.parent / "monitor.db").exists()


def test_test_an_address_not_in_the_config_and_a_failing_one(
    matching: Cli, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add_feed("/other.xml", rss("Other", "A death sentence upheld"))
    assert matching("feeds", "test", feed_server.url("/other.xml")) == 0
    out = capsys.readouterr().out
    assert "not in feeds.yaml" in out and '"death sentence"' in out
    assert matching("feeds", "test", feed_server.url("/status/500"), "--json") == 1
    failed = json.loads(capsys.readouterr().out)
    assert failed["ok"] is False and "500" in failed["error"]
    assert matching("feeds", "test", "nope") == 2
    assert not (matching.config.parent / "monitor.db").exists()


# -- list ------------------------------------------------------------------------------


def test_list_as_a_table_and_as_json(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("feeds", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "LABEL", "LANG", "COUNTRY", "ENABLED", "INTERVAL", "URL"]
    assert lines[1].split() == ["first", "ngo", "en", "-", "yes", "15m",
                                "https://first.example/feed"]  # fmt: skip
    assert lines[0].index("URL") == lines[1].index("https://")
    assert lines[-1] == "1 feeds, 1 enabled"
    assert cli("feeds", "list", "--json") == 0
    (feed,) = json.loads(capsys.readouterr().out)["feeds"]
    assert feed["id"] == "first" and feed["interval"] == "15m" and feed["enabled"] is True


# -- OPML ------------------------------------------------------------------------------


def test_opml_export_reads_in_listparser_and_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "repo.yaml"
    shutil.copy(REPO / "feeds.yaml", source)
    repo = Cli(source, {})
    assert repo("feeds", "export-opml") == 0
    exported = capsys.readouterr().out
    parsed = listparser.parse(exported)
    assert not parsed.bozo
    configured = load_config(source).feeds
    assert [(f.url, f.title) for f in parsed.feeds] == [(c.url, c.name) for c in configured]
    assert parsed.feeds[0].tags == list(configured[0].tags)

    empty = tmp_path / "empty.yaml"
    empty.write_text("version: 1\nfeeds:\n", encoding="utf-8")
    opml = tmp_path / "export.opml"
    opml.write_text(exported, encoding="utf-8")
    assert Cli(empty, {})("feeds", "import-opml", str(opml), "--yes") == 0
    assert load_config(empty).feeds == configured
    again = tmp_path / "again.opml"
    assert Cli(empty, {})("feeds", "export-opml", str(again)) == 0
    assert again.read_text(encoding="utf-8") == exported


def test_import_skips_present_feeds_and_takes_tags_from_categories(
    cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = cli.config.parent / "reader.opml"
    opml.write_text(dedent("""
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="1.0"><head><title>My reader</title></head><body>
          <outline text="Human Rights">
            <outline text="Iran">
              <outline type="rss" text="HRANA" xmlUrl="https://www.hra-news.org/feed/"/>
            </outline>
            <outline type="rss" text="Already here" xmlUrl="http://first.example/feed/"/>
          </outline>
          <outline type="rss" text="Twice" xmlUrl="https://hra-news.org/feed"/>
          <outline type="rss" title="Gopher" xmlUrl="gopher://old.example/"/>
          <outline type="rss" text="IranWire" xmlUrl="https://iranwire.com/en/feed/"
                   category="/news/Iran" language="EN"/>
        </body></opml>
        """), encoding="utf-8")  # fmt: skip
    before = cli.config.read_text()
    assert cli("feeds", "import-opml", str(opml), "--label", "news", "--yes") == 0
    out = capsys.readouterr().out
    assert 'already in feeds.yaml as "first"' in out and "listed twice" in out
    assert 'scheme "gopher:"' in out
    added_lines(before, cli.config.read_text())
    feeds = {f.id: f for f in load_config(cli.config).feeds}
    assert feeds["hrana"].tags == ("human-rights", "iran") and feeds["hrana"].label == "news"
    assert feeds["iranwire"].tags == ("news", "iran") and feeds["iranwire"].language == "en"


@pytest.mark.parametrize(
    "hostile",
    [
        # entity expansion ("billion laughs")
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<opml version="2.0"><body><outline text="&c;" xmlUrl="https://x.example/"/></body>'
        "</opml>",
        # an external entity
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<opml version="2.0"><body><outline text="&x;" xmlUrl="https://x.example/"/></body>'
        "</opml>",
    ],
)
def test_a_hostile_opml_file_is_refused(
    cli: Cli, hostile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = cli.config.parent / "hostile.opml"
    opml.write_text(hostile, encoding="utf-8")
    before = cli.config.read_bytes()
    assert cli("feeds", "import-opml", str(opml), "--yes") == 2
    assert "DOCTYPE declarations are refused" in capsys.readouterr().err
    assert cli.config.read_bytes() == before



def test_a_real_process_asks_and_adds_on_yes(cli: Cli, feed_server: FeedServer) -> None:
    feed_server.add_feed("/new.xml", rss("New", "One"))
    out = subprocess.run(
        [sys.executable, "-m", "monitor", "feeds", "add", feed_server.url("/new.xml"),
         "--config", str(cli.config)],
        env={**os.environ, **cli.env, "PYTHONPATH": str(REPO)}, input="y\n",
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "[y/N]" in out.stdout and 'added feed "new"' in out.stdout
    assert load_config(cli.config).feed("new").name == "New"
    test = cli.subprocess("feeds", "test", "new", "--json")
    assert test.returncode == 0, test.stderr
    assert json.loads(test.stdout)["items"] == 1
