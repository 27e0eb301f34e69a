"""Helpers for the mail tests: a recording SMTP handler (aiosmtpd) and committee summary /
feedback / recipients workbooks built with openpyxl following the contracts (概览 label/value rows
with the figures.toml labels; 缺陷整改 with the deficiencies headers). Fixtures are in conftest.py;
this module has a unique name so test files can import it whatever else is called conftest."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
from aiosmtpd.controller import Controller

from icx import i18n
from icx.io.specs import headers, sheet_names
from icx.mail.config import MailSettings

PASSWORD = "Xq7-pw-Never-Show-9f2"  # the secret the no-leak tests grep for
USERNAME = "neikong@czj.example.gov.cn"

FIGURES = {
    "units_expected": 5,
    "units_received": 4,
    "units_missing": 1,
    "units_counted": 3,
    "units_not_counted": 1,
    "units_off_roster": 0,
    "files_not_counted": 1,
    "units_with_errors": 1,
    "risks_total": 120,
    "risks_level1": 7,
    "risks_level2": 40,
    "risks_level3": 73,
    "conflicts": 3,
    "evaluation_score": 86.25,
    "deficiencies_open": 9,
    "deficiencies_overdue": 2,
    "deficiencies_major_open": 1,
    "deficiencies_important_open": 3,
    "deficiencies_general_open": 5,
}

COMMITTEE = [("王主任", "wang@czj.example.gov.cn"), ("Zhao Li", "zhao.li@czj.example.gov.cn")]
UNITS = [
    ("FB001", "区财政局机关", "李会计", "li@fb001.example.gov.cn"),
    ("FB002", "区国库支付中心", "陈出纳", "chen@fb002.example.gov.cn"),
    ("FB003", "区政府采购中心", "周主任", "zhou@fb003.example.gov.cn"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Handler:
    """Records what arrives; can refuse, delay or drop on chosen recipients."""

    received: list[Received] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)  # 550 at RCPT, always
    tempfail_once: set[str] = field(default_factory=set)  # 451 at RCPT, the first time
    drop_once: set[str] = field(default_factory=set)  # connection dropped at the end of DATA, once
    events: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.reject:
            self.events.append(f"reject {address}")
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address in self.tempfail_once:
            self.tempfail_once.discard(address)
            self.events.append(f"tempfail {address}")
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        dropped = self.drop_once & set(envelope.rcpt_tos)
        if dropped:
            self.drop_once -= dropped
            self.events.append(f"drop {sorted(dropped)}")
            server.transport.abort()
            return "250 never seen"
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content)
        )
        return f"250 2.0.0 OK queued as Q{len(self.received)}"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


@dataclass
class Server:
    handler: Handler
    port: int
    ca_file: str = ""
    logins: list[tuple[str, str]] = field(default_factory=list)

    def settings(self, **changes: Any) -> MailSettings:
        values: dict[str, Any] = dict(
            host="127.0.0.1",
            port=self.port,
            security="none",
            from_address="neikong@czj.example.gov.cn",
            from_name="区财政局内部控制办公室",
            retries=2,
            backoff=0.01,
            backoff_max=0.05,
            timeout=10,
        )
        values.update(changes)
        return MailSettings(**values)


def start_server(handler: Handler, **kwargs: Any) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


# --- workbooks ---------------------------------------------------------------------------------


def make_summary(
    path: Path,
    figures: dict[str, Any] | None = None,
    *,
    deficiencies: list[dict[str, Any]] | None = None,
    lang: i18n.Lang = "zh",
    period: str = "2025年度",
    overview: bool = True,
) -> Path:
    """A committee summary as the consolidation writes it (only the sheets email reads)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if overview:
        ws.title = sheet_names("overview")[0 if lang == "zh" else 1]
        ws.append(["内部控制委员会汇总报告" if lang == "zh" else "Committee summary"])
        ws.append([])
        ws.append(["评估期间" if lang == "zh" else "Period", period])
        for key, value in (FIGURES if figures is None else figures).items():
            ws.append([i18n.section("figures")[key][lang], value])
    else:
        ws.title = "其他"
    if deficiencies is not None:
        ds = wb.create_sheet(sheet_names("deficiencies")[0 if lang == "zh" else 1])
        keys = [
            "unit_code",
            "unit_name",
            "item_id",
            "area",
            "deficiency",
            "grade",
            "rectification",
            "owner",
            "owner_email",
            "deadline",
            "status",
        ]
        ds.append(headers("deficiencies", lang, keys))
        for row in deficiencies:
            ds.append([row.get(k) for k in keys])
    wb.save(path)
    return path


def deficiency(
    code: str,
    item: str,
    deadline: Any,
    *,
    owner: str = "张三",
    email: str | None = "zhangsan@fb001.example.gov.cn",
    status: str = "未整改",
    grade: str = "一般缺陷",
    name: str = "",
) -> dict[str, Any]:
    return {
        "unit_code": code,
        "unit_name": name or dict((u[0], u[1]) for u in UNITS).get(code, code),
        "item_id": item,
        "area": "预算",
        "deficiency": f"{item} 预算执行分析不及时",
        "grade": grade,
        "rectification": "建立月度执行分析制度",
        "owner": owner,
        "owner_email": email,
        "deadline": deadline,
        "status": status,
    }


def make_recipients_xlsx(
    path: Path, committee: list[tuple[str, str]] = COMMITTEE, units: list[tuple[str, str, str, str]] = UNITS
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_names("recipients")[0]
    ws.append(["收件人名单"])
    ws.append(["角色", "单位编码", "单位名称", "姓名", "电子邮箱"])
    for name, address in committee:
        ws.append(["委员会", None, None, name, address])
    for code, unit, person, address in units:
        ws.append(["单位", code, unit, person, address])
    wb.save(path)
    return path


def make_feedback(folder: Path, code: str, unit: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "本单位风险"
    ws.append(["单位编码", code])
    ws.append(["单位名称", unit])
    path = folder / f"{code}-{unit}-反馈.xlsx"
    wb.save(path)
    return path


AS_OF = date(2025, 6, 30)
