"""Benchmark: 100,000 risks through one vectorized worksheet-function call vs 100,000 calls.

Excel can call a UDF once for a whole column (=ICX_LEVEL(P5:P100004, Q5:Q100004), spilling the
answers) or once per row (the formula filled down). Both are timed here through the same
Python functions, with the arguments xlwings passes (lists of rows): likelihood and impact
wordings/scores → ICX_LIKELIHOOD / ICX_IMPACT, then fractional averages → ICX_LEVEL. The answers
are checked equal. In Excel each call also costs a round trip between Excel and Python
(milliseconds), so the per-row figure here is a lower bound of the real difference.

    python benchmarks/udf.py              # 100,000 risks through ICX_LEVEL
    python benchmarks/udf.py --all        # also ICX_LIKELIHOOD and ICX_IMPACT on text cells
    python benchmarks/udf.py --rows 20000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from icx.excel.udfs import ICX_IMPACT, ICX_LEVEL, ICX_LIKELIHOOD


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--all", action="store_true", help="also time ICX_LIKELIHOOD and ICX_IMPACT (slower)")
    args = parser.parse_args()
    n = args.rows
    rng = np.random.default_rng(args.seed)
    # Averages of five assessors' 1–5 scores (multiples of 0.2), as the register's average columns hold.
    likelihood = [[float(v)] for v in rng.integers(5, 26, size=n) / 5]
    impact = [[float(v)] for v in rng.integers(5, 26, size=n) / 5]
    words = [
        [w]
        for w in rng.choice(
            np.array(["较高", "35%", "likely", "3", "极低", "很可能", "90%", 1.0], dtype=object), size=n
        )
    ]
    losses = [
        [w] for w in rng.choice(np.array(["¥12,000", "1.2万", "重大", "4", "中度影响", 2.0], dtype=object), size=n)
    ]

    cases = [
        (
            "ICX_LEVEL",
            lambda: ICX_LEVEL(likelihood, impact),
            lambda: [ICX_LEVEL([l], [i])[0] for l, i in zip(likelihood, impact)],
        )
    ]
    if args.all:
        cases += [
            ("ICX_LIKELIHOOD", lambda: ICX_LIKELIHOOD(words), lambda: [ICX_LIKELIHOOD([w])[0] for w in words]),
            ("ICX_IMPACT", lambda: ICX_IMPACT(losses), lambda: [ICX_IMPACT([w])[0] for w in losses]),
        ]
    rows = []
    for name, once, per_row in cases:
        one_call, t_once = timed(once)
        many_calls, t_rows = timed(per_row)
        assert one_call == many_calls, f"{name}: the two ways disagree"
        rows.append((name, t_once, t_rows))

    print(f"risks: {n:,}")
    for name, t_once, t_rows in rows:
        print(f"{name:15} one call {t_once:7.3f} s   {n:,} calls {t_rows:8.2f} s   ratio {t_rows / t_once:7.1f}x")


if __name__ == "__main__":
    main()
