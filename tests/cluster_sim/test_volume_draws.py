"""``volumes.random_chars`` draws what ``Random.choice`` per character draws (issue #15).

The kubelet side names the token volume, signs the token and stamps each AtomicWriter
directory with random characters; ``random_chars`` takes them without a ``choice`` call
per character. The run's records depend on the generator's stream, so the characters
and the state left behind must both be ``choice``'s.
"""

from __future__ import annotations

import random

import pytest

from cluster_sim.kubelet.volumes import DIGITS, SIGNATURE_CHARS, TOKEN_CHARS, random_chars


@pytest.mark.parametrize("alphabet", [TOKEN_CHARS, SIGNATURE_CHARS, DIGITS, "a", "ab", "abc"])
@pytest.mark.parametrize("count", [0, 1, 5, 9, 86, 300])
def test_random_chars_draws_what_choice_draws(alphabet: str, count: int) -> None:
    for seed in range(20):
        by_choice, fast = random.Random(seed), random.Random(seed)
        expected = "".join([by_choice.choice(alphabet) for _ in range(count)])
        assert random_chars(fast, alphabet, count) == expected
        assert fast.getstate() == by_choice.getstate()  # the same words consumed
