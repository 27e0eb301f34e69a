"""Benchmark: scoring 1,000,000 risks vectorized vs a per-row loop over the scalar functions.

Both paths compute the same thing from five assessors' likelihood and impact per risk: the
averages, score, level and rank. The per-row loop is the baseline, measured in the same run.
Also measured: parsing a mixed text column (wordings, percentages) both ways.

    python benchmarks/score.py            # 1,000,000 risks
    python benchmarks/score.py --rows 200000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from icx.core import scoring, vectorized
from icx.core.methodology import default_methodology


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = args.rows
    m = default_methodology()
    rng = np.random.default_rng(args.seed)
    lk = pd.DataFrame(rng.integers(1, 6, size=(n, 5)).astype(float))
    im = pd.DataFrame(rng.integers(1, 6, size=(n, 5)).astype(float))
    ids = pd.Series([f"R-{i:07d}" for i in range(n)])

    def vectorized_path():
        l_avg = vectorized.average(lk).unwrap()
        i_avg = vectorized.average(im).unwrap()
        score = vectorized.risk_score(l_avg, i_avg)
        level = vectorized.risk_level(l_avg, i_avg, m)
        return score.to_numpy(), level.to_numpy(dtype=float), vectorized.rank(ids, score, level).to_numpy(dtype=float)

    def loop_path():
        l_rows, i_rows = lk.to_numpy().tolist(), im.to_numpy().tolist()
        scores, levels = [], []
        for lr, ir in zip(l_rows, i_rows):
            la, ia = scoring.average(lr), scoring.average(ir)
            scores.append(scoring.risk_score(la, ia))
            levels.append(scoring.risk_level(la, ia, m))
        return (
            np.array(scores),
            np.array(levels, dtype=float),
            np.array(scoring.rank(ids.tolist(), scores, levels), dtype=float),
        )

    (v_score, v_level, v_rank), t_vec = timed(vectorized_path)
    (s_score, s_level, s_rank), t_loop = timed(loop_path)
    assert np.array_equal(v_score, s_score) and np.array_equal(v_level, s_level) and np.array_equal(v_rank, s_rank)

    words = pd.Series(
        rng.choice(np.array(["较高", "35%", "likely", "3", "极低", "很可能", "90%", "1"], dtype=object), size=n)
    )
    parsed, t_words_vec = timed(lambda: vectorized.likelihood(words, m).unwrap())
    looped, t_words_loop = timed(lambda: [scoring.likelihood(w, m) for w in words.tolist()])
    assert parsed.tolist() == looped

    print(f"risks: {n:,} (5 assessors each)")
    print(f"score+level+rank  vectorized {t_vec:8.2f} s   per-row loop {t_loop:8.2f} s   ratio {t_loop / t_vec:6.1f}x")
    print(
        f"parse text column vectorized {t_words_vec:8.2f} s   per-row loop {t_words_loop:8.2f} s   "
        f"ratio {t_words_loop / t_words_vec:6.1f}x"
    )


if __name__ == "__main__":
    main()
