"""A refused letter waits longer after each attempt, with some jitter, and never longer than
`retry_max_seconds`: the jitter is applied before the cap, not after it."""

from __future__ import annotations

import random

from bot.sending import retry_delay

BASE, CAP = 30.0, 3600.0


def test_the_wait_never_passes_the_cap_over_many_draws() -> None:
    """Over 100,000 draws at every attempt count, no wait is longer than the cap."""
    random.seed(20261110)
    for attempts in range(1, 51):
        for _ in range(2000):
            assert 0 < retry_delay(attempts, BASE, CAP) <= CAP


def test_near_the_cap_the_jitter_is_cut_off_instead_of_added() -> None:
    """Where the doubled wait lies within 10 % under the cap, draws above it are cut to the cap."""
    random.seed(7)
    # 30 × 2**7 = 3840; with the jitter 3456–4224, so most draws would pass the cap.
    draws = [retry_delay(8, BASE, CAP) for _ in range(5000)]
    assert max(draws) == CAP and min(draws) >= 0.9 * 3840
    assert any(draw < CAP for draw in draws)  # the jitter still spreads the ones under it


def test_below_the_cap_the_wait_doubles_with_ten_percent_jitter() -> None:
    """The first wait is the base ±10 %, the third four times the base ±10 %, and draws differ."""
    random.seed(3)
    first = [retry_delay(1, BASE, CAP) for _ in range(1000)]
    third = [retry_delay(3, BASE, CAP) for _ in range(1000)]
    assert min(first) >= 27 and max(first) <= 33 and len(set(first)) > 900
    assert min(third) >= 108 and max(third) <= 132


def test_a_letter_tried_very_often_waits_the_cap_without_overflow() -> None:
    """Thousands of attempts do not overflow the doubling; the wait is the cap."""
    assert retry_delay(10_000, BASE, CAP) == CAP
    assert retry_delay(0, BASE, CAP) <= 1.1 * BASE  # never claimed before: the first wait
