"""The acceptance set (``icx/data/acceptance.toml``) as classic spreadsheet formulas.

Each step of ``icx.core.acceptance`` has a formula twin here, so the template grades exactly the
cells icx grades, to the same score (tests/templates/ checks it in LibreOffice):

- ``compact_formula``: the cell's text with full-width ASCII folded (ASC), ￥ → ¥ and every
  white-space character dropped ("" for a number);
- ``number_part``: that text without a leading ¥, a trailing 元 or %, a 万/亿 before it, and
  its commas (an expression inside the two formulas below);
- ``value_formula``: the number part's value when it is a plain decimal (digits and at most one
  point, counted with SUBSTITUTE), else "";
- ``grade_formula``: the score of a likelihood, impact or loss-amount cell, "" when blank, and the
  refusal mark (``refused``) when icx would refuse the cell — never an error value.

``validation_formula`` is the data-validation check of an input column: at most 255 characters
(Excel's limit), so it accepts the forms typing produces — numbers, wordings, "5000元",
"1.2万元" — and refuses the rest; whatever it accepts the grade formula grades the same way.

Functions used: IF, AND, OR, NOT, ISNUMBER, ISLOGICAL, IFERROR, ASC, SUBSTITUTE, CHAR, LEFT,
RIGHT, MID, LEN, FIND, SUMPRODUCT, MAX — all in Excel 2010, WPS and LibreOffice.
"""

from __future__ import annotations

from icx.core.acceptance import Kind, rules, whitespace

# White space a formula cannot hold as a literal (XML 1.0 forbids most control characters;
# a carriage return would be read back as a line feed).
_AS_CHAR = {ch for ch in whitespace() if ord(ch) < 32}
VALIDATION_LIMIT = 255  # characters of a data-validation formula Excel accepts


def _text(value: str) -> str:
    """A string literal for a formula."""
    return '"' + value.replace('"', '""') + '"'


def _char(ch: str) -> str:
    return f"CHAR({ord(ch)})" if ch in _AS_CHAR else _text(ch)


def compact_formula(cell: str) -> str:
    """The compact text of ``cell`` (see ``icx.core.acceptance.compact``); "" for a number."""
    text = rules()["text"]
    expr = f'{cell}&""'
    for old, new in text.get("replace", {}).items():
        expr = f"SUBSTITUTE({expr},{_text(old)},{_text(new)})"
    if text.get("drop_whitespace", True):  # before ASC, which turns a tab into another control character in LibreOffice
        for ch in whitespace():
            expr = f'SUBSTITUTE({expr},{_char(ch)},"")'
    if text.get("fold_fullwidth_ascii", True):
        expr = f"ASC({expr})"
    return f'=IF(ISNUMBER({cell}),"",IFERROR({expr},"#"))'


def number_part(compact: str) -> str:
    """The number part of a compact text, an expression (see ``icx.core.acceptance.written``):
    without a leading ¥, a trailing 元 or %, a 万/亿 before it, and the commas."""
    money = rules()["money"]
    c = compact
    yen = f"(LEFT({c},1)={_text(money['prefix'])})"
    end = f'OR(RIGHT({c},1)={_text(money["suffix"])},RIGHT({c},1)="%")'
    mult = f"ISNUMBER(FIND(MID({c},LEN({c})-{end},1),{_text(''.join(money['multipliers']))}))"
    body = f"MID({c},1+{yen},LEN({c})-{yen}-{end}-{mult})"
    return f'SUBSTITUTE({body},{_text(money["thousands"])},"")'


def value_formula(compact: str) -> str:
    """The value of the number part when it is a plain decimal (``acceptance.is_decimal``), else ""."""
    n = number_part(compact)
    number = rules()["number"]
    digits = "{" + ",".join(_text(d) for d in number["digits"]) + "}"
    found = f'SUMPRODUCT(LEN({n})-LEN(SUBSTITUTE({n},{digits},"")))'
    points = f'(LEN({n})-LEN(SUBSTITUTE({n},{_text(number["point"])},"")))'
    return f'=IF({compact}="","",IF(AND({found}>0,{found}+{points}=LEN({n}),{points}<=1),--{n},""))'


def _multiplier(c: str) -> str:
    money = rules()["money"]
    mark = f"MID({c},LEN({c})-(RIGHT({c},1)={_text(money['suffix'])}),1)"
    expr = "1"
    for char, times in reversed(list(money["multipliers"].items())):
        expr = f"IF({mark}={_text(char)},{times},{expr})"
    return expr


def grade_formula(kind: Kind, cell: str, compact: str, value: str, refused: str) -> str:
    """The score of one input cell of ``kind`` (see ``icx.core.acceptance.read``), from the cell,
    its compact text and its value."""
    x, c, v, bad = cell, compact, value, _text(refused)
    n = number_part(c)
    lk_band = "1+SUMPRODUCT(--(icx_lk_edges<={}))"
    money_band = "1+SUMPRODUCT(--(icx_im_edges<={}))"
    amount = f"{v}*{_multiplier(c)}"
    if kind == "amount":
        on_number = f"IF({x}>=0,{money_band.format(x)},{bad})"
        on_text = f'IF(AND(ISNUMBER({v}),RIGHT({c},1)<>"%"),{money_band.format(amount)},{bad})'
    else:
        scale = "lk" if kind == "likelihood" else "im"
        found = f'SUMPRODUCT(MAX((SUBSTITUTE(icx_{scale}_words," ","")={c})*icx_{scale}_word_scores))'
        word = f"IF({found}>0,{found},{bad})"

        def number(y: str) -> str:
            if kind == "likelihood":
                return f"IF(AND({y}>=1,{y}<=5),{y},IF(AND({y}>=0,{y}<1),{lk_band.format(y)},{bad}))"
            return f"IF(AND({y}>=1,{y}<=5),{y},{bad})"

        on_number = number(x)
        if kind == "likelihood":
            other = f'IF({c}={n}&"%",IF({v}/100<=1,{lk_band.format(f"{v}/100")},{bad}),{word})'
        else:
            money = f'AND(RIGHT({c},1)<>"%",SUBSTITUTE({c},",","")<>{n})'
            other = f"IF({money},{money_band.format(amount)},{word})"
        on_text = f"IF(ISNUMBER({v}),IF({c}={n},{number(v)},{other}),{word})"
    return f'=IF(ISLOGICAL({x}),{bad},IF(ISNUMBER({x}),{on_number},IF({c}="","",{on_text})))'


def _money_text_check(cell: str) -> str:
    """A typed money text: a digit first, then digits/point, then [万|亿][元] with at least one
    mark (read by the spreadsheet as "<number>e<power>", so anything else fails to parse)."""
    money = rules()["money"]
    expr = f'{cell}&"#"'
    suffix = money["suffix"]
    typed = money.get("typed_multipliers", list(money["multipliers"]))
    powers = {char: len(str(int(money["multipliers"][char]))) - 1 for char in typed}
    for char, power in powers.items():
        expr = f'SUBSTITUTE({expr},{_text(char + suffix + "#")},"e{power}")'
    for char, power in powers.items():
        expr = f'SUBSTITUTE({expr},{_text(char + "#")},"e{power}")'
    expr = f'SUBSTITUTE({expr},{_text(suffix + "#")},"e0")'
    return f"AND(ISNUMBER(-LEFT({cell},1)),IFERROR(--{expr}>=0,FALSE))"


def validation_formula(kind: Kind, cell: str, *, money_text: bool = True) -> str:
    """The data-validation check of an input column whose top-left cell is ``cell``.

    ``money_text=False`` leaves an impact column's money texts ("5000元") out of what typing may
    enter (the formulas still grade a pasted one): the register's residual impact sits at a
    two-letter column, and with them its check would pass Excel's 255 characters."""
    x = cell
    if kind == "amount":
        return f"=IF(ISNUMBER({x}),AND({x}>=0,NOT(ISLOGICAL({x}))),{_money_text_check(x)})"
    scale, low = ("lk", 0) if kind == "likelihood" else ("im", 1)
    word = f'SUMPRODUCT(--(SUBSTITUTE(icx_{scale}_words," ","")=SUBSTITUTE({x}," ","")))>0'
    text = word if kind == "likelihood" or not money_text else f"OR({word},{_money_text_check(x)})"
    return f"=IF(ISNUMBER({x}),AND({x}>={low},{x}<=5,NOT(ISLOGICAL({x}))),{text})"
