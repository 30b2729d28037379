"""The sidebar every page shares: prices (negotiated rate, discount, currency) and privacy."""

from __future__ import annotations

import streamlit as st

from copilot_roi.pricebook import PriceOverrides, Prices, effective_prices, load_price_book

PRICES_KEY = "shared_prices"
PSEUDONYMISE_KEY = "shared_pseudonymise"


def shared_sidebar() -> None:
    """Draw the shared inputs and store the effective prices in the session."""
    book = load_price_book()
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
                value=book.provisioned_price_per_scu_hour_usd.value,
                step=0.1,
                key="shared_provisioned_price",
                help=book.provisioned_price_per_scu_hour_usd.source,
            )
            overage = st.number_input(
                "Overage price per SCU (USD)",
                min_value=0.0,
                max_value=1000.0,
                value=book.overage_price_per_scu_usd.value,
                step=0.1,
                key="shared_overage_price",
                help=book.overage_price_per_scu_usd.source,
            )
            discount_pct = st.slider(
                "Discount (%)", 0, 90, 0, key="shared_discount_pct", help="Negotiated discount."
            )
            currency = st.text_input("Display currency (ISO code)", "USD", key="shared_currency")
            rate = st.number_input(
                "Units of that currency per USD",
                min_value=0.0001,
                max_value=100000.0,
                value=1.0,
                key="shared_fx_rate",
            )
        try:
            currency_code = currency.strip().upper() or "USD"
            prices = effective_prices(
                book,
                PriceOverrides(
                    provisioned_price_per_scu_hour_usd=provisioned,
                    overage_price_per_scu_usd=overage,
                    discount_share=discount_pct / 100,
                    currency=currency_code,
                    usd_to_currency_rate=1.0 if currency_code == "USD" else rate,
                ),
            )
        except ValueError:
            st.warning("That currency is not a three-letter ISO code; showing USD list prices.")
            prices = effective_prices(book)
        st.session_state[PRICES_KEY] = prices
        st.caption(f"Price book: {book.name}. Nothing you upload leaves this session.")


def current_prices() -> Prices:
    prices = st.session_state.get(PRICES_KEY)
    return prices if isinstance(prices, Prices) else effective_prices(load_price_book())


def pseudonymise_on() -> bool:
    return bool(st.session_state.get(PSEUDONYMISE_KEY, True))
