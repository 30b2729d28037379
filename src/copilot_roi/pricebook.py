"""The price book: Security Copilot prices and billing constants as cited data, plus user overrides."""

from __future__ import annotations

import datetime as dt
import functools
import math
import tomllib
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Confidence = Literal["documented", "reported", "assumption"]
Rounding = Literal["half_up", "truncate", "ceiling"]
# Where an offer Microsoft has spoken of stands: announced (not confirmed live) or active.
OfferStatus = Literal["announced", "active"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class CitedNumber(_Frozen):
    """One price-book fact with the date it took effect and where it comes from."""

    value: float
    effective_date: dt.date
    confidence: Confidence
    source: str = Field(min_length=1)


class CitedRounding(_Frozen):
    value: Rounding
    effective_date: dt.date
    confidence: Confidence
    source: str = Field(min_length=1)


class CitedStatus(_Frozen):
    """Whether an offer is live, with the date and source of what was said about it."""

    value: OfferStatus
    effective_date: dt.date
    confidence: Confidence
    source: str = Field(min_length=1)

    @property
    def active(self) -> bool:
        return self.value == "active"


class CitedRule(_Frozen):
    """A billing rule the engine enforces (not a number), with where it comes from."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    rule: str = Field(min_length=1)
    enforced_by: str = Field(min_length=1, description="the code that applies it")
    confidence: Confidence
    source: str = Field(min_length=1)


class PriceBook(_Frozen):
    """List prices and billing rules; loaded from ``data/price_book.toml``."""

    name: str
    currency: Literal["USD"]
    provisioned_price_per_scu_hour_usd: CitedNumber
    overage_price_per_scu_usd: CitedNumber
    min_provisioned_scu: CitedNumber
    max_provisioned_scu: CitedNumber
    hours_per_month: CitedNumber
    overage_metering_step_scu: CitedNumber
    overage_rounding: CitedRounding
    e5_allowance_scu_per_licence_month: CitedNumber
    e5_allowance_cap_scu_month: CitedNumber
    capacity_warning_share: CitedNumber
    # Optional so a case pinned to a book from before it was cited still opens (as announced).
    e5_pay_as_you_go: CitedStatus | None = None
    rules: tuple[CitedRule, ...] = ()

    @model_validator(mode="after")
    def _positive(self) -> PriceBook:
        for name in ("provisioned_price_per_scu_hour_usd", "overage_price_per_scu_usd"):
            if getattr(self, name).value < 0:
                raise ValueError(f"{name} must not be negative")
        if not 0 < self.overage_metering_step_scu.value <= 1:
            raise ValueError("overage_metering_step_scu must be in (0, 1]")
        if not 1 <= self.min_provisioned_scu.value <= self.max_provisioned_scu.value:
            raise ValueError("min_provisioned_scu must be between 1 and max_provisioned_scu")
        return self

    def citations(self) -> list[tuple[str, CitedNumber | CitedRounding | CitedStatus]]:
        """Every entry with its field name, in file order (for assumption sheets and reports)."""
        return [
            (name, getattr(self, name))
            for name in type(self).model_fields
            if isinstance(getattr(self, name), CitedNumber | CitedRounding | CitedStatus)
        ]

    @property
    def e5_pay_as_you_go_active(self) -> bool:
        """The book's word on E5/E7 pay-as-you-go past the pool: on only when cited as active."""
        return self.e5_pay_as_you_go is not None and self.e5_pay_as_you_go.active


def load_price_book(text: str | None = None) -> PriceBook:
    """Load the bundled price book, or one given as TOML text (for tests and custom books)."""
    if text is None:
        return _bundled_price_book()
    return PriceBook.model_validate(tomllib.loads(text))


@functools.cache
def _bundled_price_book() -> PriceBook:
    # Parsed once per process: the file ships with the package and the model is frozen, while
    # every scenario computation (a workshop slider's move) reads it.
    text = resources.files("copilot_roi").joinpath("data/price_book.toml").read_text("utf-8")
    return PriceBook.model_validate(tomllib.loads(text))


class PriceOverrides(_Frozen):
    """What a user may change: a negotiated rate, a discount, a display currency."""

    # Strict numbers: a price of ``true`` is not $1, nor ``"3.5"`` a price (scenario files carry these).
    provisioned_price_per_scu_hour_usd: float | None = Field(default=None, ge=0, le=1000, strict=True)
    overage_price_per_scu_usd: float | None = Field(default=None, ge=0, le=1000, strict=True)
    discount_share: float = Field(default=0.0, ge=0, lt=1, strict=True)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$", strict=True)
    usd_to_currency_rate: float = Field(default=1.0, gt=0, le=100_000, strict=True)
    overage_rounding: Rounding | None = None

    @field_validator("usd_to_currency_rate")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("exchange rate must be a finite number")
        return value

    @model_validator(mode="after")
    def _usd_rate(self) -> PriceOverrides:
        if self.currency == "USD" and self.usd_to_currency_rate != 1.0:
            raise ValueError("the USD exchange rate is 1; pick another currency to convert")
        return self


class Prices(_Frozen):
    """Effective prices in the display currency: the price book with overrides applied."""

    provisioned_per_scu_hour: float = Field(ge=0)
    overage_per_scu: float = Field(ge=0)
    currency: str
    usd_to_currency_rate: float = Field(gt=0)
    discount_share: float = Field(ge=0, lt=1)
    hours_per_month: float = Field(gt=0)
    overage_step_scu: float = Field(gt=0)
    overage_rounding: Rounding
    e5_allowance_scu_per_licence_month: float = Field(ge=0)
    e5_allowance_cap_scu_month: float = Field(ge=0)
    capacity_warning_share: float = Field(gt=0, le=1)
    price_book_name: str


def effective_prices(book: PriceBook, overrides: PriceOverrides | None = None) -> Prices:
    """Apply overrides to the book.

    A negotiated rate replaces the list price, then the discount applies, then the exchange rate.

    >>> p = effective_prices(load_price_book(), PriceOverrides(discount_share=0.1))
    >>> round(p.provisioned_per_scu_hour, 2), round(p.overage_per_scu, 2)
    (3.6, 5.4)
    """
    o = overrides or PriceOverrides()
    provisioned_usd = (
        o.provisioned_price_per_scu_hour_usd
        if o.provisioned_price_per_scu_hour_usd is not None
        else book.provisioned_price_per_scu_hour_usd.value
    )
    overage_usd = (
        o.overage_price_per_scu_usd
        if o.overage_price_per_scu_usd is not None
        else book.overage_price_per_scu_usd.value
    )
    factor = (1 - o.discount_share) * o.usd_to_currency_rate
    return Prices(
        provisioned_per_scu_hour=provisioned_usd * factor,
        overage_per_scu=overage_usd * factor,
        currency=o.currency,
        usd_to_currency_rate=o.usd_to_currency_rate,
        discount_share=o.discount_share,
        hours_per_month=book.hours_per_month.value,
        overage_step_scu=book.overage_metering_step_scu.value,
        overage_rounding=o.overage_rounding or book.overage_rounding.value,
        e5_allowance_scu_per_licence_month=book.e5_allowance_scu_per_licence_month.value,
        e5_allowance_cap_scu_month=book.e5_allowance_cap_scu_month.value,
        capacity_warning_share=book.capacity_warning_share.value,
        price_book_name=book.name,
    )


def e5_pay_as_you_go_default() -> bool:
    """The E5/E7 pay-as-you-go switch's default everywhere (plans, CLI, pages): the bundled
    book's status for it, on only once the book cites it as active.

    >>> e5_pay_as_you_go_default()  # the book: announced, not confirmed active
    False
    """
    return _bundled_price_book().e5_pay_as_you_go_active


def list_prices() -> Prices:
    """The bundled price book with no overrides."""
    return effective_prices(load_price_book())
