"""SMTP settings: a TOML file, then environment variables over it; the password apart.

The password is never read from a file, a workbook or a command-line flag and never logged:
it comes from an environment variable (``ICX_SMTP_PASSWORD`` unless the file names another) or
from the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service), where
``icx email-password`` stores it. It is fetched only when the connection logs in.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from icx.core.errors import IcxError, Problem
from icx.mail.addresses import BadAddress, check_address, one_line

Security = Literal["starttls", "ssl", "none"]
SECURITIES: tuple[str, ...] = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
PASSWORD_ENV = "ICX_SMTP_PASSWORD"
KEYRING_SERVICE = "icx-smtp"
# Environment variables that override the file, by setting name.
ENV = {
    "host": "ICX_SMTP_HOST",
    "port": "ICX_SMTP_PORT",
    "security": "ICX_SMTP_SECURITY",
    "username": "ICX_SMTP_USERNAME",
    "from_address": "ICX_MAIL_FROM",
    "from_name": "ICX_MAIL_FROM_NAME",
}
FORBIDDEN_KEYS = ("password", "passwd", "pass", "secret", "口令", "密码")


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send. Holds no password (see ``password``)."""

    host: str = ""
    port: int = 0  # 0: the usual port of the security mode
    security: Security = "starttls"
    username: str = ""
    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    ca_file: str = ""  # extra CA bundle for a server with an in-house certificate
    timeout: float = 30.0
    password_env: str = PASSWORD_ENV
    keyring_service: str = KEYRING_SERVICE
    # Sending behaviour.
    max_attachment_mb: float = 10.0  # total attachments of one message
    retries: int = 3  # further attempts after a transient failure
    backoff: float = 2.0  # seconds before the first retry; doubled each time
    backoff_max: float = 60.0
    source: str = field(default="", compare=False)  # the file the settings came from

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.max_attachment_mb * 1024 * 1024)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based): exponential backoff."""
        return min(self.backoff_max, self.backoff * (2 ** (attempt - 1)))

    def __repr__(self) -> str:  # short and secret-free in tracebacks
        return (
            f"MailSettings(host={self.host!r}, port={self.effective_port}, security={self.security!r}, "
            f"username={self.username!r})"
        )


_TYPES = {f.name: f.type for f in fields(MailSettings)}
_NUMERIC = {
    "port": int,
    "timeout": float,
    "max_attachment_mb": float,
    "retries": int,
    "backoff": float,
    "backoff_max": float,
}


def _problem(code: str, source: str, /, **params: Any) -> Problem:
    return Problem.of(code, file=source or None, params=params)


def _flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """[smtp] and [mail] tables (or top-level keys) merged into one mapping."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in ("smtp", "mail"):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def _forbidden(data: Mapping[str, Any]) -> list[str]:
    found = []
    for key, value in data.items():
        if key.lower() in FORBIDDEN_KEYS:
            found.append(key)
        if isinstance(value, dict):
            found.extend(f"{key}.{k}" for k in _forbidden(value))
    return found


def settings_from(data: Mapping[str, Any], env: Mapping[str, str] | None = None, source: str = "") -> MailSettings:
    """Settings from a parsed TOML mapping with environment variables over it.

    Raises ``IcxError`` listing every bad key at once.
    """
    env = os.environ if env is None else env
    problems: list[Problem] = []
    secret_keys = _forbidden(data)
    if secret_keys:
        problems.append(_problem("mail_config_password_in_file", source, keys=", ".join(secret_keys), env=PASSWORD_ENV))
    flat = {k: v for k, v in _flatten(data).items() if k.lower() not in FORBIDDEN_KEYS}
    for name, var in ENV.items():
        if env.get(var):
            flat[name] = env[var]
    values: dict[str, Any] = {}
    for key, value in flat.items():
        if key not in _TYPES or key == "source":
            problems.append(
                _problem(
                    "mail_config_unknown_key", source, key=key, known=", ".join(k for k in _TYPES if k != "source")
                )
            )
            continue
        if key in _NUMERIC:
            try:
                number = _NUMERIC[key](value)
                if isinstance(value, bool) or number < 0:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(_problem("mail_config_bad_number", source, key=key, given=value))
                continue
            values[key] = number
        else:
            values[key] = one_line(value, 500)
    security = str(values.get("security", "starttls")).lower()
    if security not in SECURITIES:
        problems.append(_problem("mail_config_bad_security", source, given=security, accepted=" / ".join(SECURITIES)))
    else:
        values["security"] = security
    for key in ("from_address", "reply_to"):
        if values.get(key):
            try:
                values[key] = check_address(values[key])
            except BadAddress:
                problems.append(_problem("mail_address_invalid", source, given=values[key]))
    if values.get("ca_file"):  # relative to the settings file, like an include
        ca = Path(values["ca_file"]).expanduser()
        if not ca.is_absolute() and source:
            ca = Path(source).parent / ca
        if not ca.is_file():
            problems.append(_problem("mail_config_ca_missing", source, given=values["ca_file"]))
        values["ca_file"] = str(ca)
    if values.get("port", 0) > 65535:
        problems.append(_problem("mail_config_bad_number", source, key="port", given=values["port"]))
    if problems:
        raise IcxError(problems)
    return MailSettings(**values, source=source)


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> MailSettings:
    """Settings from ``path`` (a TOML file, optional) and the environment."""
    data: dict[str, Any] = {}
    source = str(path) if path else ""
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise IcxError(
                Problem.of("file_unreadable", params={"detail": exc.strerror or str(exc)}, file=source)
            ) from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise IcxError(Problem.of("mail_config_not_toml", params={"detail": str(exc)}, file=source)) from exc
    return settings_from(data, env, source)


def require_sending(settings: MailSettings) -> None:
    """Raise unless the settings can actually send (host and from address present; no
    password over an unencrypted connection)."""
    problems = []
    if not settings.host:
        problems.append(_problem("mail_config_missing", settings.source, key="host", env=ENV["host"]))
    if not settings.from_address:
        problems.append(_problem("mail_config_missing", settings.source, key="from_address", env=ENV["from_address"]))
    if settings.username and settings.security == "none":
        problems.append(_problem("mail_config_plain_auth", settings.source))
    if problems:
        raise IcxError(problems)


def keyring_account(settings: MailSettings) -> tuple[str, str]:
    """(service, user name) under which the keyring keeps this account's password."""
    return f"{settings.keyring_service}:{settings.host}", settings.username


def password(settings: MailSettings, env: Mapping[str, str] | None = None) -> str:
    """The login password: the environment variable first, then the OS keyring.

    Raises ``IcxError`` (without the password, obviously) when neither has one.
    """
    env = os.environ if env is None else env
    if env.get(settings.password_env):
        return env[settings.password_env]
    stored = None
    try:
        import keyring

        service, user = keyring_account(settings)
        stored = keyring.get_password(service, user)
    except Exception:  # no usable keyring backend on this machine: same as nothing stored
        stored = None
    if stored:
        return stored
    raise IcxError(
        _problem(
            "mail_password_missing",
            settings.source,
            env=settings.password_env,
            user=settings.username,
            host=settings.host,
        )
    )


def store_password(settings: MailSettings, secret: str) -> str:
    """Save the password in the OS keyring; returns where (for the user, without the secret)."""
    import keyring

    service, user = keyring_account(settings)
    try:
        keyring.set_password(service, user, secret)
    except Exception as exc:
        raise IcxError(_problem("mail_keyring_unavailable", settings.source, detail=type(exc).__name__)) from exc
    return f"{service} / {user}"


def with_overrides(settings: MailSettings, **changes: Any) -> MailSettings:
    """The same settings with some values replaced (None values are ignored)."""
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})
