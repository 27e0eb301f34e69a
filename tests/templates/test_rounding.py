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


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
        # near a decimal tie: n + ½ at some digit, nudged by a few units in the last place
        st.tuples(st.integers(-(10**7), 10**7), st.integers(0, 8), st.integers(-3, 3)).map(
            lambda t: (
                float(np.nextafter((t[0] + 0.5) / 10 ** t[1], np.inf if t[2] > 0 else -np.inf))
                if t[2]
                else (t[0] + 0.5) / 10 ** t[1]
            )
        ),
        st.integers(-(10**16), 10**16).map(float),
    ),
    st.integers(min_value=0, max_value=9),
)
def test_the_fast_path_rounds_exactly_as_decimal_does(x: float, digits: int) -> None:
    """``round_half_up`` skips Decimal far from ties; it must give the very float Decimal gives."""
    from icx.core.parsing import decimal_round_half_up

    fast, exact = round_half_up(x, digits), decimal_round_half_up(x, digits)
    assert fast == exact and str(fast) == str(exact)  # str: the sign of a zero counts too
