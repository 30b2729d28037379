"""The price book: bundled data validates, every entry is cited, overrides apply in order."""

import pytest
from pydantic import ValidationError

from copilot_roi.pricebook import PriceOverrides, effective_prices, list_prices, load_price_book


def test_bundled_book_has_documented_list_prices() -> None:
    book = load_price_book()
    assert book.provisioned_price_per_scu_hour_usd.value == 4.0
    assert book.overage_price_per_scu_usd.value == 6.0
    assert book.hours_per_month.value == 730
    assert book.overage_metering_step_scu.value == 0.1
    assert (book.min_provisioned_scu.value, book.max_provisioned_scu.value) == (1, 100)
    assert book.e5_allowance_scu_per_licence_month.value == 0.4
    assert book.e5_allowance_cap_scu_month.value == 10_000


def test_every_entry_has_a_source_and_date() -> None:
    citations = load_price_book().citations()
    assert len(citations) == 11
    for name, entry in citations:
        assert entry.source.strip(), name
        assert entry.effective_date.year >= 2024, name


def test_overrides_negotiated_rate_then_discount_then_currency() -> None:
    prices = effective_prices(
        load_price_book(),
        PriceOverrides(
            provisioned_price_per_scu_hour_usd=3.5,
            discount_share=0.2,
            currency="EUR",
            usd_to_currency_rate=0.9,
        ),
    )
    assert prices.provisioned_per_scu_hour == pytest.approx(3.5 * 0.8 * 0.9)
    assert prices.overage_per_scu == pytest.approx(6.0 * 0.8 * 0.9)
    assert prices.currency == "EUR"


@pytest.mark.parametrize(
    "bad",
    [
        {"discount_share": 1.0},
        {"discount_share": -0.1},
        {"currency": "euro"},
        {"usd_to_currency_rate": 0},
        {"usd_to_currency_rate": float("nan")},
        {"provisioned_price_per_scu_hour_usd": float("inf")},
        {"currency": "USD", "usd_to_currency_rate": 2.0},
        {"surprise": 1},
    ],
)
def test_bad_overrides_are_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PriceOverrides.model_validate(bad)


def test_a_custom_book_with_a_negative_price_is_rejected() -> None:
    book = load_price_book()
    data = book.model_dump()
    data["overage_price_per_scu_usd"]["value"] = -1
    with pytest.raises(ValidationError, match="must not be negative"):
        type(book).model_validate(data)


def test_list_prices_are_the_book() -> None:
    prices = list_prices()
    assert (prices.provisioned_per_scu_hour, prices.overage_per_scu, prices.currency) == (4.0, 6.0, "USD")
    assert prices.overage_rounding == "half_up"


def test_the_purchasable_plan_rules_are_cited_in_the_price_book() -> None:
    rules = {rule.id: rule for rule in load_price_book().rules}
    assert set(rules) == {
        "capacity_holds_1_to_100",
        "overage_needs_a_capacity",
        "no_capacity_needs_e5",
        "deleted_capacity_serves_only_the_pool",
    }
    for rule in rules.values():
        assert rule.source and rule.confidence in ("documented", "reported", "assumption")
