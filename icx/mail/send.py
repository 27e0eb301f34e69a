"""Delivery: SMTP with retries, .eml drafts for a dry run, and the CSV send log.

Each message is one SMTP transaction per attempt, recipient by recipient, so a refused address
does not stop the others. Transient trouble — a 4xx answer, a dropped connection, a timeout —
is retried with exponential backoff (``MailSettings.retries``/``backoff``); a 5xx answer is
permanent and reported. Authentication or TLS failures, and a server that cannot be reached
after the retries, stop the batch: every message not yet sent is logged as not sent.

A connection dropped after the message data was sent but before the server answered is retried
too: the recipient may then get the message twice, which beats not getting it at all.
"""

from __future__ import annotations

import csv
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from icx import i18n
from icx.core.errors import IcxError, Problem
from icx.io.safety import atomic_output
from icx.mail.addresses import one_line
from icx.mail.compose import Outgoing
from icx.mail.config import MailSettings, password

SENT, FAILED, DRAFT, SKIPPED = "sent", "failed", "draft", "skipped"
LOG_COLUMNS = (
    "time",
    "kind",
    "unit_code",
    "recipient",
    "subject",
    "attachments",
    "status",
    "attempts",
    "code",
    "answer",
    "message_id",
)
CSV_FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class Delivery:
    """What happened to one message for one recipient: a row of the send log."""

    kind: str
    unit_code: str
    recipient: str
    subject: str
    attachments: str
    status: str
    attempts: int = 0
    code: int | None = None
    answer: str = ""
    message_id: str = ""
    time: str = field(default_factory=now)

    @classmethod
    def of(
        cls, out: Outgoing, recipient: str, status: str, attempts: int = 0, code: int | None = None, answer: str = ""
    ) -> Delivery:
        return cls(
            out.kind,
            out.unit_code,
            recipient,
            out.subject,
            "; ".join(out.attachments),
            status,
            attempts,
            code,
            one_line(answer, 500),
            out.message_id,
        )

    def row(self, lang: i18n.Lang = "zh") -> list[Any]:
        """The log row; kind and status in words of ``lang``."""
        shown = {
            "kind": i18n.label(f"mail_kind_{self.kind}", lang),
            "status": i18n.label(f"mail_status_{self.status}", lang),
        }
        return [shown.get(name, getattr(self, name)) if getattr(self, name) is not None else "" for name in LOG_COLUMNS]


class SendLog:
    """The CSV send log, appended row by row as deliveries happen (a crash keeps what was done).

    UTF-8 with a BOM on a new file so Excel shows the Chinese; text that Excel would read as a
    formula gets a leading apostrophe.
    """

    def __init__(self, path: str | Path, lang: i18n.Lang = "zh"):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists() or self.path.stat().st_size == 0
        self._fh = self.path.open("a", encoding="utf-8-sig" if new else "utf-8", newline="")
        self._writer = csv.writer(self._fh)
        self.lang = lang
        if new:
            self._writer.writerow([i18n.label(f"mail_log_{c}", lang) for c in LOG_COLUMNS])
            self._fh.flush()

    def write(self, delivery: Delivery) -> None:
        self._writer.writerow([_csv_safe(v) for v in delivery.row(self.lang)])
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> SendLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(CSV_FORMULA_LEADERS):
        return "'" + value
    return value


def read_log(path: str | Path) -> list[dict[str, str]]:
    """The log's rows keyed by column name (``LOG_COLUMNS``), whatever the header language."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return [dict(zip(LOG_COLUMNS, row)) for row in rows[1:]]


# --- dry run ----------------------------------------------------------------------------------

_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def eml_name(index: int, out: Outgoing) -> str:
    key = _UNSAFE_FILE_CHARS.sub("_", one_line(out.key, 80)) or "message"
    return f"{index:03d}-{out.kind}-{key}.eml"


def write_drafts(
    items: Sequence[Outgoing], outdir: str | Path, on_delivery: Callable[[Delivery], None] | None = None
) -> list[Delivery]:
    """One .eml per message in ``outdir`` (atomically); a mail client opens each as a draft."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    deliveries: list[Delivery] = []
    for index, out in enumerate(items, start=1):
        target = outdir / eml_name(index, out)
        with atomic_output(target) as tmp:
            tmp.write_bytes(out.as_bytes())
        for recipient in out.recipients:
            d = Delivery.of(out, recipient, DRAFT, answer=str(target))
            deliveries.append(d)
            if on_delivery:
                on_delivery(d)
    return deliveries


# --- SMTP ---------------------------------------------------------------------------------------


class _Transient(Exception):
    def __init__(self, code: int | None, answer: str, at_connect: bool = False):
        super().__init__(answer)
        self.code, self.answer, self.at_connect = code, answer, at_connect


class _Permanent(Exception):
    def __init__(self, code: int | None, answer: str):
        super().__init__(answer)
        self.code, self.answer = code, answer


class _Fatal(Exception):
    """Nothing more can be sent in this batch (login refused, TLS broken, server gone)."""

    def __init__(self, problem: Problem, code: int | None = None):
        super().__init__(problem.message_en)
        self.problem, self.code = problem, code


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    return str(reply)


def _answer(code: int | None, reply: bytes | str) -> str:
    return f"{code} {_text(reply)}".strip() if code else _text(reply)


def _classify(code: int, reply: bytes | str) -> Exception:
    return _Transient(code, _answer(code, reply)) if 400 <= code < 500 else _Permanent(code, _answer(code, reply))


class SmtpSender:
    """Sends ``Outgoing`` messages over one reused connection, reconnecting when it drops."""

    def __init__(
        self, settings: MailSettings, *, env: dict[str, str] | None = None, sleep: Callable[[float], None] = time.sleep
    ):
        self.settings = settings
        self._env = env
        self._sleep = sleep
        self._conn: smtplib.SMTP | None = None
        self._secret: str | None = None
        self.problems: list[Problem] = []

    def __repr__(self) -> str:
        return f"SmtpSender({self.settings!r})"

    # connection -------------------------------------------------------------------------
    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()  # verifies the certificate and the host name
        if self.settings.ca_file:  # an in-house CA on top of the system's
            context.load_verify_locations(cafile=self.settings.ca_file)
        return context

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.effective_port}"

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        conn: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                conn = smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout, context=self._context())
            else:
                conn = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise _Fatal(Problem.of("mail_starttls_unsupported", params={"server": self._where()}))
                conn.starttls(context=self._context())
                conn.ehlo()
            if s.username:
                conn.login(s.username, self._secret or "")
            return conn
        except _Fatal:
            _close(conn)
            raise
        except ssl.SSLError as exc:  # certificate not trusted, wrong host name, no TLS at all
            _close(conn)
            raise _Fatal(
                Problem.of("mail_tls_failed", params={"server": self._where(), "detail": one_line(str(exc), 300)})
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            _close(conn)
            raise _Fatal(
                Problem.of(
                    "mail_auth_failed",
                    params={
                        "server": self._where(),
                        "user": s.username,
                        "answer": _answer(exc.smtp_code, exc.smtp_error),
                    },
                ),
                exc.smtp_code,
            ) from None
        except smtplib.SMTPNotSupportedError:
            _close(conn)
            raise _Fatal(Problem.of("mail_auth_unsupported", params={"server": self._where()})) from None
        except smtplib.SMTPResponseException as exc:  # the greeting or EHLO refused
            _close(conn)
            if 400 <= exc.smtp_code < 500:
                raise _Transient(exc.smtp_code, _answer(exc.smtp_code, exc.smtp_error), at_connect=True) from None
            raise _Fatal(
                Problem.of(
                    "mail_server_refused",
                    params={"server": self._where(), "answer": _answer(exc.smtp_code, exc.smtp_error)},
                ),
                exc.smtp_code,
            ) from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timed out, dropped
            _close(conn)
            raise _Transient(None, one_line(f"{type(exc).__name__}: {exc}", 300), at_connect=True) from None

    def _connection(self) -> smtplib.SMTP:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _drop(self) -> None:
        _close(self._conn)
        self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self._drop()

    # one transaction ----------------------------------------------------------------------
    def _transaction(
        self, conn: smtplib.SMTP, data: bytes, recipients: Sequence[str]
    ) -> tuple[list[str], dict[str, tuple[int, str]], tuple[int, str]]:
        try:
            code, reply = conn.mail(self.settings.from_address)
            if code != 250:
                raise _classify(code, reply)
            accepted: list[str] = []
            refused: dict[str, tuple[int, str]] = {}
            for recipient in recipients:
                code, reply = conn.rcpt(recipient)
                if code in (250, 251):
                    accepted.append(recipient)
                else:
                    refused[recipient] = (code, _answer(code, reply))
            if not accepted:
                conn.rset()
                return [], refused, (0, "")
            code, reply = conn.data(data)
            if code != 250:
                raise _classify(code, reply)
            return accepted, refused, (code, _answer(code, reply))
        except smtplib.SMTPResponseException as exc:  # DATA refused before the message was sent
            raise _classify(exc.smtp_code, exc.smtp_error) from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise _Transient(None, one_line(f"{type(exc).__name__}: {exc}", 300)) from None

    def _send_one(self, out: Outgoing) -> list[Delivery]:
        data = out.as_bytes()
        pending = list(out.recipients)
        results: dict[str, Delivery] = {}
        last: tuple[int | None, str] = (None, "")
        attempt = 0
        connect_failed = False
        while pending:
            attempt += 1
            connect_failed = False
            try:
                conn = self._connection()
                accepted, refused, (code, answer) = self._transaction(conn, data, pending)
                for recipient in accepted:
                    results[recipient] = Delivery.of(out, recipient, SENT, attempt, code, answer)
                pending = []
                if any(rcode == 421 for rcode, _ in refused.values()):
                    self._drop()  # 421: the server is closing the connection
                for recipient, (rcode, ranswer) in refused.items():
                    if 400 <= rcode < 500:
                        pending.append(recipient)
                        last = (rcode, ranswer)
                    else:
                        results[recipient] = Delivery.of(out, recipient, FAILED, attempt, rcode, ranswer)
            except _Transient as exc:
                self._drop()
                last, connect_failed = (exc.code, exc.answer), exc.at_connect
            except _Permanent as exc:
                self._drop()
                for recipient in pending:
                    results[recipient] = Delivery.of(out, recipient, FAILED, attempt, exc.code, exc.answer)
                pending = []
            except _Fatal as exc:
                for recipient in pending:
                    results[recipient] = Delivery.of(
                        out,
                        recipient,
                        FAILED,
                        attempt,
                        exc.code,
                        exc.problem.message_zh + " / " + exc.problem.message_en,
                    )
                ordered = [results[r] for r in out.recipients if r in results]
                raise _Aborted(exc.problem, ordered) from None
            if pending and attempt > self.settings.retries:
                for recipient in pending:
                    results[recipient] = Delivery.of(out, recipient, FAILED, attempt, last[0], last[1])
                if connect_failed:
                    ordered = [results[r] for r in out.recipients if r in results]
                    raise _Aborted(
                        Problem.of(
                            "mail_server_unreachable",
                            params={"server": self._where(), "attempts": attempt, "answer": last[1]},
                        ),
                        ordered,
                    )
                pending = []
            if pending:
                self._sleep(self.settings.delay(attempt))
        return [results[r] for r in out.recipients if r in results]

    def send(self, items: Iterable[Outgoing], on_delivery: Callable[[Delivery], None] | None = None) -> list[Delivery]:
        """Send every message; returns one ``Delivery`` per recipient. Batch-stopping trouble
        is in ``self.problems``; the messages it left unsent are logged as not sent."""
        items = list(items)
        deliveries: list[Delivery] = []

        def record(batch: list[Delivery]) -> None:
            for d in batch:
                deliveries.append(d)
                if on_delivery:
                    on_delivery(d)

        if self.settings.username:
            try:
                self._secret = password(self.settings, self._env)
            except IcxError as exc:
                self.problems.extend(exc.problems)
                record([Delivery.of(o, r, SKIPPED, answer=exc.problem.message_zh) for o in items for r in o.recipients])
                return deliveries
        try:
            for index, out in enumerate(items):
                try:
                    record(self._send_one(out))
                except _Aborted as stop:
                    record(stop.done)
                    self.problems.append(stop.problem)
                    reason = stop.problem.message_zh + " / " + stop.problem.message_en
                    record(
                        [Delivery.of(o, r, SKIPPED, answer=reason) for o in items[index + 1 :] for r in o.recipients]
                    )
                    break
        finally:
            self.close()
            self._secret = None
        return deliveries


class _Aborted(Exception):
    def __init__(self, problem: Problem, done: list[Delivery]):
        super().__init__(problem.message_en)
        self.problem, self.done = problem, done


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except (smtplib.SMTPException, OSError):
            pass
