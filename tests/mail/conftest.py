"""Fixtures for the mail tests: a real SMTP server (aiosmtpd) on 127.0.0.1, plain or with
STARTTLS + AUTH and a certificate from a CA made in the test; sample workbooks; an in-memory keyring."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from mailkit import (
    PASSWORD,
    UNITS,
    USERNAME,
    Handler,
    Server,
    make_feedback,
    make_recipients_xlsx,
    make_summary,
    start_server,
)


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """A plain SMTP server (no TLS, no login) recording every message."""
    handler = Handler()
    controller, port = start_server(handler)
    try:
        yield Server(handler, port)
    finally:
        controller.stop()


def _secure_server(tmp_path: Path, implicit: bool) -> Iterator[Server]:
    """AUTH required, certificate from a CA made here; TLS from the first byte (implicit) or
    STARTTLS required before anything else."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    handler = Handler()
    logins: list[tuple[str, str]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, secret = auth_data.login.decode(), auth_data.password.decode()
        logins.append((mechanism, user))
        return AuthResult(
            success=user == USERNAME and secret == PASSWORD, handled=False
        )  # handled=False: server answers 535

    if implicit:  # aiosmtpd only counts STARTTLS as TLS for its auth_require_tls check
        options = dict(ssl_context=server_ctx, auth_required=True, auth_require_tls=False)
    else:
        options = dict(tls_context=server_ctx, require_starttls=True, auth_required=True, auth_require_tls=True)
    controller, port = start_server(handler, authenticator=authenticator, **options)
    try:
        yield Server(handler, port, str(ca_file), logins)
    finally:
        controller.stop()


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[Server]:
    """STARTTLS required, AUTH required (only after TLS), certificate from a CA made here."""
    yield from _secure_server(tmp_path, implicit=False)


@pytest.fixture
def ssl_server(tmp_path: Path) -> Iterator[Server]:
    """Implicit TLS (as on port 465), AUTH required, certificate from a CA made here."""
    yield from _secure_server(tmp_path, implicit=True)


@pytest.fixture
def summary(tmp_path: Path) -> Path:
    return make_summary(tmp_path / "委员会汇总报告.xlsx", deficiencies=[])


@pytest.fixture
def recipients(tmp_path: Path) -> Path:
    return make_recipients_xlsx(tmp_path / "收件人.xlsx")


@pytest.fixture
def feedback_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "反馈"
    for code, unit, _, _ in UNITS:
        make_feedback(folder, code, unit)
    return folder


@pytest.fixture
def memory_keyring() -> Iterator[dict]:
    """An in-memory OS keyring for the test (the machine's own keyring is never touched)."""
    import keyring
    from keyring.backend import KeyringBackend

    store: dict[tuple[str, str], str] = {}

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield store
    finally:
        keyring.set_keyring(previous)
