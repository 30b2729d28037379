"""The sidebar every page shares: prices (negotiated rate, discount, currency) and privacy.

The prices are the case's (``ui.case_state``): the widgets show its overrides and write them back,
so a loaded case brings its prices and every page prices with the same ones.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from copilot_roi.pricebook import PriceBook, PriceOverrides, Prices
from ui import case_state

PSEUDONYMISE_KEY = "shared_pseudonymise"
_PROVISIONED_KEY = "shared_provisioned_price"
_OVERAGE_KEY = "shared_overage_price"
_DISCOUNT_KEY = "shared_discount_pct"
_CURRENCY_KEY = "shared_currency"
_RATE_KEY = "shared_fx_rate"


def _widget_values(overrides: PriceOverrides, book: PriceBook) -> dict[str, Any]:
    provisioned = overrides.provisioned_price_per_scu_hour_usd
    overage = overrides.overage_price_per_scu_usd
    return {
        _PROVISIONED_KEY: book.provisioned_price_per_scu_hour_usd.value
        if provisioned is None
        else provisioned,
        _OVERAGE_KEY: book.overage_price_per_scu_usd.value if overage is None else overage,
        _DISCOUNT_KEY: round(overrides.discount_share * 100),
        _CURRENCY_KEY: overrides.currency,
        _RATE_KEY: overrides.usd_to_currency_rate,
    }


def shared_sidebar() -> None:
    """Draw the shared inputs and keep the case's price overrides in step with them."""
    case = case_state.case()
    book = case.price_book
    current = case.scenario.prices
    case_state.fill_widgets(_widget_values(current, book))
    with st.sidebar:
        st.toggle(
            "Pseudonymise users",
            key=PSEUDONYMISE_KEY,
            value=True,
            help="Replace user names with stable aliases on every page and in every export.",
        )
        with st.expander("Prices and currency", expanded=False):
            provisioned = st.number_input(
                "Provisioned price per SCU-hour (USD)",
                min_value=0.0,
                max_value=1000.0,
                step=0.1,
                key=_PROVISIONED_KEY,
                help=book.provisioned_price_per_scu_hour_usd.source,
            )
            overage = st.number_input(
                "Overage price per SCU (USD)",
                min_value=0.0,
                max_value=1000.0,
                step=0.1,
                key=_OVERAGE_KEY,
                help=book.overage_price_per_scu_usd.source,
            )
            discount_pct = st.slider("Discount (%)", 0, 90, key=_DISCOUNT_KEY, help="Negotiated discount.")
            currency = st.text_input("Display currency (ISO code)", key=_CURRENCY_KEY)
            rate = st.number_input(
                "Units of that currency per USD", min_value=0.0001, max_value=100000.0, key=_RATE_KEY
            )
        currency_code = currency.strip().upper() or "USD"
        try:
            overrides = PriceOverrides(
                provisioned_price_per_scu_hour_usd=None
                if provisioned == book.provisioned_price_per_scu_hour_usd.value
                else provisioned,
                overage_price_per_scu_usd=None
                if overage == book.overage_price_per_scu_usd.value
                else overage,
                discount_share=discount_pct / 100,
                currency=currency_code,
                usd_to_currency_rate=1.0 if currency_code == "USD" else rate,
                overage_rounding=current.overage_rounding,
            )
        except ValidationError:
            st.warning("That currency is not a three-letter ISO code; the case keeps its prices.")
            overrides = current
        if overrides != current:
            case_state.set_scenario(case.scenario.model_copy(update={"prices": overrides}))
        st.caption(f"Price book: {book.name}. Nothing you upload leaves this session.")


def current_prices() -> Prices:
    return case_state.prices()


def pseudonymise_on() -> bool:
    return bool(st.session_state.get(PSEUDONYMISE_KEY, True))
