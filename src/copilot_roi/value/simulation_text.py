"""How the Monte Carlo's results are worded wherever a reader sees them (page, CLI, exports).

The simulation draws every input independently, so its spread is narrower than the truth when
inputs move together (time saved and adoption, say). The share of draws with NPV > 0 is a share of
simulated scenarios, not the odds that the case pays: the inputs' bands are judgements, not
frequencies. Wording it once keeps every format honest in the same words.

>>> share_positive_sentence(0.724, 10_000)
'NPV > 0 in 72% of 10,000 simulated scenarios'
"""

from __future__ import annotations

INDEPENDENCE_CAVEAT = "inputs are drawn independently, which understates the spread"


def share_positive_sentence(share_npv_positive: float, draws: int) -> str:
    """The share of simulated scenarios in which NPV > 0, never worded as odds of paying back."""
    return f"NPV > 0 in {share_npv_positive:.0%} of {draws:,} simulated scenarios"


def range_sentence(p10: str, p90: str, draws: int) -> str:
    """P10 to P90 with the independence caveat beside it.

    >>> range_sentence("USD 10k", "USD 90k", 10_000).split(": ")[1]
    'USD 10k to USD 90k (inputs are drawn independently, which understates the spread)'
    """
    return f"P10 to P90 over {draws:,} simulated scenarios: {p10} to {p90} ({INDEPENDENCE_CAVEAT})"
