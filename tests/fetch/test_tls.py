"""TLS through the guarded backend: we dial the checked numeric address, yet the
certificate is still verified against the URL's host name (sent as SNI).

Certificates come from a throw-away CA made with the openssl command line tool.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from monitor.errors import FetchError
from monitor.fetch import Fetcher
from monitor.model import FetchRequest, FetchResult, HttpSettings

FEED = b"<rss version='2.0'><channel><title>tls</title></channel></rss>"
SETTINGS = HttpSettings(allow_private_networks=True)


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=monitor test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    openssl("req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost",
            cwd=d)
    (d / "leaf.ext").write_text(
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext", cwd=d)
    return d


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(FEED)))
        self.end_headers()
        self.wfile.write(FEED)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class TLSServer:
    def __init__(self, certificates: Path) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificates / "leaf.pem", certificates / "leaf.key")
        self.server_names: list[str | None] = []
        context.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def tls_server(certificates: Path) -> Iterator[TLSServer]:
    server = TLSServer(certificates)
    yield server
    server.stop()


def fetch_tls(url: str, context: ssl.SSLContext | None) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(SETTINGS, ssl_context=context) as fetcher:
            return await fetcher.fetch(FetchRequest(url=url, timeout=10))

    return asyncio.run(run())


def trusting(certificates: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificates / "ca.pem"))


def test_host_name_is_verified_and_sent_as_sni(tls_server: TLSServer, certificates: Path) -> None:
    result = fetch_tls(f"https://localhost:{tls_server.port}/feed", trusting(certificates))
    assert result.body == FEED
    assert tls_server.server_names == ["localhost"]


def test_certificate_for_another_name_is_refused(
    tls_server: TLSServer, certificates: Path
) -> None:
    """Dialled at 127.0.0.1 either way; only the URL's host decides what is verified."""
    with pytest.raises(FetchError) as caught:
        fetch_tls(f"https://127.0.0.1:{tls_server.port}/feed", trusting(certificates))
    message = str(caught.value)
    assert message.startswith("TLS certificate of 127.0.0.1 could not be verified")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_unknown_authority_is_refused_by_default(tls_server: TLSServer) -> None:
    with pytest.raises(FetchError, match="TLS certificate of localhost could not be verified"):
        fetch_tls(f"https://localhost:{tls_server.port}/feed", None)
