"""The core rounds as the templates' ROUND does: half away from zero on the decimal value a
spreadsheet holds (15 significant digits), scalar and column versions alike."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from icx.core import scoring, vectorized
from icx.core.parsing import round_half_up

# Assessor-style values: up to 4 decimals, so products are exact decimals that often end in 5.
cents = st.integers(min_value=10_000, max_value=50_000).map(lambda n: Decimal(n).scaleb(-4))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(cents, cents), min_size=1, max_size=40))
def test_scores_round_the_exact_decimal_product_half_up(pairs: list[tuple[Decimal, Decimal]]) -> None:
    lk = np.array([float(a) for a, _ in pairs])
    im = np.array([float(b) for _, b in pairs])
    column = vectorized.risk_score(lk, im).to_numpy()
    for (a, b), got in zip(pairs, column):
        exact = (a * b).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        assert scoring.risk_score(float(a), float(b)) == float(exact) == got


def test_known_ties_that_the_binary_float_puts_below_the_half() -> None:
    assert Decimal(3.1025 * 2.655) < Decimal("8.2371375")  # the float sits just under the decimal tie …
    assert round_half_up(3.1025 * 2.655, 6) == 8.237138  # … and still rounds up, like ROUND(…, 6)
    assert vectorized.risk_score([2.9475], [3.365]).iloc[0] == 9.918338
    assert scoring.band(2.0000000005) == 3 and scoring.band(2.0000000004) == 2
    assert list(vectorized.band([2.0000000005, 2.0000000004, 0, 5])) == [3, 2, 1, 5]
