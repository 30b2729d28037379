"""Money, payback and headline wording: one wording for the pages, the command line and the exports."""

from __future__ import annotations

from collections.abc import Mapping

from copilot_roi.value.conventions import Convention


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
PAYBACK_RULE = "the month from which cumulative net stays >= 0"
DISCOUNTED_PAYBACK_RULE = "after which the cumulative discounted net stays >= 0, interpolated"


def payback_sentence(payback_month: int | None, first_crossing_month: int | None) -> str:
    """What the payback month means for this case, saying so when a later cost undid a crossing.

    >>> payback_sentence(7, 7)
    'From month 7 on, the cumulative net stays at or above zero.'
    >>> payback_sentence(None, None)
    'The cumulative net stays below zero over the whole horizon.'
    >>> payback_sentence(None, 7).split(" but ")[1]
    'falls back below it by the end of the horizon: no payback.'
    >>> payback_sentence(30, 7).split(", ")[1:]
    ['falls back below it', 'and stays at or above zero only from month 30.']
    """
    if first_crossing_month is None:
        return "The cumulative net stays below zero over the whole horizon."
    if payback_month is None:
        return (
            f"The cumulative net reaches zero in month {first_crossing_month} but falls back below it "
            "by the end of the horizon: no payback."
        )
    if payback_month != first_crossing_month:
        return (
            f"The cumulative net reaches zero in month {first_crossing_month}, falls back below it, and "
            f"stays at or above zero only from month {payback_month}."
        )
    return f"From month {payback_month} on, the cumulative net stays at or above zero."


def payback_fell_back_sentence(payback_month: int | None, first_crossing_month: int | None) -> str | None:
    """:func:`payback_sentence` when a later cost undid a crossing, else None (nothing to warn of).

    >>> payback_fell_back_sentence(7, 7) is None, payback_fell_back_sentence(None, 7) is not None
    (True, True)
    """
    if first_crossing_month is None or first_crossing_month == payback_month:
        return None
    return payback_sentence(payback_month, first_crossing_month)


DISCOUNTED_FELL_BACK = (
    "the cumulative discounted net reaches zero earlier but falls back below it before this point"
)


def per_month_and_year(per_month: float, per_year: float, currency: str) -> str:
    """Money per 730-hour month with the annual run rate beside it (8,760 hours).

    >>> per_month_and_year(21_600.4, 259_204.8, "USD")
    'USD 21,600 a month (730 h), USD 259,205 a year'
    """
    return f"{currency} {per_month:,.0f} a month (730 h), {currency} {per_year:,.0f} a year"


CONVENTION_NAMES = {"monthly": "monthly", "annual": "annual (TEI)"}
NO_ANNUAL_NPV = "n/a (the horizon is not whole years)"


def npv_in_each_convention(
    npv_by_convention: Mapping[Convention, float | None], chosen: str, currency: str
) -> list[tuple[str, str]]:
    """(label, amount) of the NPV in each convention, the case's own first and marked as such.

    >>> rows = npv_in_each_convention({"monthly": 1234.4, "annual": None}, "annual", "USD")
    >>> rows[0][0], rows[1]
    ("NPV, annual (TEI) convention (the case's)", ('NPV, monthly convention', 'USD 1,234'))
    """
    order = sorted(npv_by_convention, key=lambda k: k != chosen)  # the chosen first, stable otherwise
    rows = []
    for convention in order:
        npv = npv_by_convention[convention]
        label = f"NPV, {CONVENTION_NAMES.get(convention, convention)} convention"
        rows.append(
            (
                label + (" (the case's)" if convention == chosen else ""),
                NO_ANNUAL_NPV if npv is None else f"{currency} {npv:,.0f}",
            )
        )
    return rows


def other_convention_npv(
    npv_by_convention: Mapping[Convention, float | None], chosen: str, currency: str, compact: bool = False
) -> str:
    """The NPV in the convention the case does not use, labelled, for beside a headline
    (``compact``: as :func:`money` writes it, for a card).

    >>> other_convention_npv({"monthly": 1234.4, "annual": 110_400.0}, "monthly", "USD")
    'annual (TEI) convention: USD 110,400'
    >>> other_convention_npv({"monthly": 1234.4, "annual": 110_400.0}, "monthly", "USD", compact=True)
    'annual (TEI) NPV USD 110k'
    """
    others = [k for k in npv_by_convention if k != chosen]
    if compact:
        return "; ".join(
            f"{CONVENTION_NAMES[k]} NPV "
            + (money(v, currency) if (v := npv_by_convention[k]) is not None else "n/a")
            for k in others
        )
    return "; ".join(
        f"{label.removeprefix('NPV, ')}: {amount}"
        for label, amount in npv_in_each_convention(npv_by_convention, chosen, currency)[1:]
    )


def p10_basis(draws: int) -> str:
    """What a P10 rests on, said beside it wherever a verdict leans on it.

    >>> p10_basis(10_000)
    'P10 of 10,000 draws with independent inputs'
    """
    return f"P10 of {draws:,} draws with independent inputs"


PESSIMISTIC_PRESET = "every input at its pessimistic end (the Pessimistic preset)"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: ``1 row``, ``3 rows``, ``0 answers``.

    >>> counted(1, "row"), counted(3, "row"), counted(1_200, "person", "people")
    ('1 row', '3 rows', '1,200 people')
    """
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"
