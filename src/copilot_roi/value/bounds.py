"""Field limits read from the models' own constraints: the one place widgets and codecs ask.

A limit is written once, as ``Field(ge=..., le=...)`` on the pydantic model. Sliders, number
inputs, table editors and the link codec call :func:`field_bounds` instead of repeating the
numbers, so a value the model accepts (from a file or a link) always fits the widget showing it.

>>> from copilot_roi.value.scenario import RoleScenario
>>> field_bounds(RoleScenario, "time_saved_share")
(0.0, 0.9)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo


def field_bounds(model: type[BaseModel], name: str) -> tuple[float, float]:
    """The closed interval ``(ge, le)`` that ``model.name`` accepts.

    For a ``dict`` field the bounds are those of its values (``dict[K, Annotated[float, ...]]``).
    Raises ``LookupError`` when the field has no lower or upper limit: a widget needs both.
    """
    info = model.model_fields[name]
    low, high = _limits(info.metadata)
    if (low is None or high is None) and get_origin(info.annotation) is dict:
        value_type = get_args(info.annotation)[1]
        if get_origin(value_type) is Annotated:
            low, high = _limits(get_args(value_type)[1:])
    if low is None or high is None:
        raise LookupError(f"{model.__name__}.{name} has no ge/le limits to read")
    return float(low), float(high)


def _limits(metadata: Iterable[Any]) -> tuple[float | None, float | None]:
    low: float | None = None
    high: float | None = None
    for item in metadata:
        if isinstance(item, FieldInfo):
            low, high = _limits(item.metadata)
        elif isinstance(item, annotated_types.Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Le):
            high = float(item.le)  # type: ignore[arg-type]
    return low, high


def percent_bounds(model: type[BaseModel], name: str) -> tuple[float, float]:
    """:func:`field_bounds` of a share (0..1) in percent, as a percent widget shows it.

    >>> from copilot_roi.value.scenario import RoleScenario
    >>> percent_bounds(RoleScenario, "time_saved_share")
    (0.0, 90.0)
    """
    low, high = field_bounds(model, name)
    # Rounded: 0.9 * 100 is 90.00000000000001 in binary floating point.
    return round(low * 100, 6), round(high * 100, 6)
