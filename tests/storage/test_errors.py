"""Opening: URLs normalised, and every failure a readable StorageError."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import StorageError, Store
from storage.engine import display_url, normalise_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@db/monitor", "postgresql+psycopg"),
        ("postgres://u@db/monitor", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db/monitor", "postgresql+psycopg"),
        ("sqlite:///monitor.db", "sqlite"),
    ],
)
def test_urls_are_normalised(given: str, driver: str) -> None:
    assert normalise_url(given).drivername == driver


def test_a_password_is_never_shown() -> None:
    assert "s3cret" not in display_url("postgresql://monitor:s3cret@db/monitor")


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        pytest.param("postgresql://monitor:s3cret@127.0.0.1:1/monitor", "refused", id="no server"),
        pytest.param("sqlite:///{tmp}/missing/dir/monitor.db", "unable to open", id="no dir"),
        pytest.param("mysql://monitor@127.0.0.1/monitor", "unsupported", id="unsupported"),
        pytest.param("not a url", "parse", id="garbage"),
    ],
)
def test_opening_fails_with_a_readable_storage_error(tmp_path: Path, url: str, cause: str) -> None:
    with pytest.raises(StorageError) as caught:
        Store.open(url.format(tmp=tmp_path))
    message = str(caught.value)
    assert message.startswith("could not open the database ")
    assert cause in message.lower()
    assert "s3cret" not in message
    assert "\n" not in message and "[SQL" not in message and "sqlalche.me" not in message


def test_the_cause_is_chained(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        Store.open(f"sqlite:///{tmp_path}/missing/monitor.db")
    assert caught.value.__cause__ is not None
