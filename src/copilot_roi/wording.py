"""Money, payback and headline wording: one wording for the pages, the command line and the exports."""

from __future__ import annotations


def money(amount: float, currency: str) -> str:
    """Compact money for big numbers: ``USD 1.2M``, ``USD 350k``, ``USD -40k``.

    >>> money(1_234_567, "USD"), money(-40_200, "EUR"), money(512, "USD")
    ('USD 1.2M', 'EUR -40k', 'USD 512')
    """
    size = abs(amount)
    if size >= 1e6:
        return f"{currency} {amount / 1e6:.1f}M"
    if size >= 1e4:
        return f"{currency} {amount / 1e3:.0f}k"
    return f"{currency} {amount:,.0f}"


def payback_text(month: int | None) -> str:
    """The payback month as a headline says it (pages, deck, one-pager, workbook).

    >>> payback_text(7), payback_text(None)
    ('Month 7', 'Not within the horizon')
    """
    return f"Month {month}" if month is not None else NO_PAYBACK


def payback_phrase(month: int | None) -> str:
    """The payback month inside a sentence (the command line's summaries).

    >>> payback_phrase(7), payback_phrase(None)
    ('month 7', 'not within the horizon')
    """
    return payback_text(month).lower()


NO_PAYBACK = "Not within the horizon"
