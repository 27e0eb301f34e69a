"""`icx methodology show|export`: see or copy the active risk methodology."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from icx.cli.common import LangOption, MethodologyOption, check_lang, console, methodology_from
from icx.core.methodology import Methodology
from icx.io.safety import atomic_output

methodology_app = typer.Typer(
    help="Show or export the risk methodology (scales, bands, 5×5 matrix). / 查看或导出风险评估方法。",
    no_args_is_help=True,
)


def _scale_table(m: Methodology, lang: str) -> Table:
    zh = lang == "zh"
    table = Table(title="可能性与影响程度 / Likelihood and impact" if zh else "Likelihood and impact scales")
    for col in (("分值", "Score"), ("概率", "Probability"), ("损失金额(元)", "Loss (yuan)"), ("措辞", "Wording")):
        table.add_column(col[0] if zh else col[1])
    p_edges = [0.0, *m.likelihood.probability_edges, 1.0]
    money = [0.0, *m.impact.money_edges]
    for k, level in enumerate(m.likelihood.levels):
        prob = f"{p_edges[k]:.0%} – {p_edges[k + 1]:.0%}" + (" (含)" if k == 4 else "")
        loss = f"≥ {money[k]:,.0f}" if k == 4 else f"{money[k]:,.0f} – {money[k + 1]:,.0f}"
        table.add_row(str(level.score), prob, loss, level.name_zh if zh else level.name_en)
    return table


def _matrix_table(m: Methodology, lang: str) -> Table:
    zh = lang == "zh"
    table = Table(title="风险等级矩阵（表3） / Level matrix" if zh else "Risk level matrix (table 3)")
    table.add_column("可能性 \\ 影响" if zh else "Likelihood \\ impact")
    for band in range(1, 6):
        table.add_column(f"{m.band_name(band, lang)} {band - 1}–{band}")
    colors = {1: "red", 2: "yellow", 3: "green"}
    for band in range(5, 0, -1):  # most likely on top, like the manual
        cells = [f"[{colors[lv]}]{m.level_name(lv, lang)}[/]" for lv in m.matrix.levels[band - 1]]
        table.add_row(f"{m.band_name(band, lang)} {band - 1}–{band}", *cells)
    return table


@methodology_app.command("show")
def show(methodology: Path | None = MethodologyOption, lang: str = LangOption) -> None:
    """Print the active methodology: scales, band edges and the level matrix.

    Example:  icx methodology show --methodology my-unit.toml
    """
    lang = check_lang(lang)
    m = methodology_from(methodology)
    console.print(f"[bold]{m.name}[/] {m.version}")
    console.print(_scale_table(m, lang))
    console.print(_matrix_table(m, lang))
    console.print(
        "分档规则：k-1 < 值 ≤ k 归入第k档，0 归入第1档；评分 = 可能性 × 影响程度。"
        if lang == "zh"
        else "Bands: a value v is in band k when k-1 < v <= k (0 is band 1); score = likelihood × impact."
    )
    console.print(_oversight_text(m, lang))


def _oversight_text(m, lang: str) -> str:  # noqa: ANN001
    """Rotation periods, the split window and which risks need a plan or a sign-off."""
    r, a, t = m.rotation, m.authority, m.treatment
    kinds = (
        "，".join(f"{k.name_zh} {k.years:g}年" for k in r.kinds)
        if lang == "zh"
        else ", ".join(f"{k.name_en} {k.years:g} years" for k in r.kinds)
    )
    levels = lambda ls: ("、" if lang == "zh" else ", ").join(m.level_name(n, lang) for n in ls)  # noqa: E731
    if lang == "zh":
        return (
            f"关键岗位轮岗期限：默认{r.years:g}年（{kinds}）；拆分支付累计天数：{a.split_window_days}天；"
            f"须有应对计划：{levels(t.plan_levels)}风险；须经委员会审定：{levels(t.sign_off_levels)}风险及风险承受的风险。"
        )
    return (
        f"Key-post rotation: {r.years:g} years by default ({kinds}); split-payment window: {a.split_window_days} days; "
        f"treatment plans for {levels(t.plan_levels)} risks; committee sign-off for {levels(t.sign_off_levels)} "
        "and accepted risks."
    )


@methodology_app.command("export")
def export(
    output: Path = typer.Argument(..., dir_okay=False, help="The TOML file to write."),
    methodology: Path | None = MethodologyOption,
) -> None:
    """Write the active methodology as a TOML file to edit and pass back with --methodology.

    Example:  icx methodology export my-unit.toml
    """
    m = methodology_from(methodology)
    with atomic_output(output) as tmp:
        tmp.write_text(m.to_toml(), encoding="utf-8")
    console.print(f"{output}")


def register(app: typer.Typer) -> None:
    app.add_typer(methodology_app, name="methodology")
