"""A fast deep copy of a pydantic model: the engine works on its own copy of the state."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

_Model = TypeVar("_Model", bound=BaseModel)


def copy_model(model: _Model) -> _Model:
    """What `model.model_copy(deep=True)` makes (same values, same fields set), in about half
    the time: only the lists, dicts, sets and nested models are copied, not every string and
    number `copy.deepcopy` visits. The engine changes its copy of the state in place."""
    copy = model.model_copy()
    fields = copy.__dict__
    for name, value in fields.items():
        if isinstance(value, list | dict | set | BaseModel):
            fields[name] = _copy_value(value)
    return copy


def _copy_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return copy_model(value)
    if isinstance(value, list):
        return [_copy_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy_value(item) for key, item in value.items()}
    if isinstance(value, set):
        return {_copy_value(item) for item in value}
    return value
