"""Validating create-run requests against the question's typed parameters.

Every rejection is a 400 whose message names the parameter, so a client mistake is obvious.
Partition parameters are accepted both as a ``partitionParameters: [{name, value}]`` array and as
``<macro>.<field>_start/_end`` keys inside ``parameters`` (the reference §7.1 lists both usages).
"""

from __future__ import annotations

from .errors import bad_request
from .formats import parse_ymd
from .model import ParamSpec


def as_text(value: object, where: str) -> str:
    """Jackson coerces JSON scalars into a ``Map<String,String>``; objects, arrays and null are errors."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise bad_request(f"{where} must be a string value, got {type(value).__name__ if value is not None else 'null'}")


def outside_list(spec: ParamSpec, value: str) -> str | None:
    """Why ``value`` breaks the parameter's ENFORCED_LIST, or None."""
    if spec.allowed is not None and value not in spec.allowed:
        return f"Parameter '{spec.name}' must be one of {', '.join(spec.allowed)}; got '{value}'"
    return None


def check_value(spec: ParamSpec, value: str, *, enforce_list: bool = True) -> None:
    if spec.data_type == "DATE":
        try:
            parse_ymd(value)
        except ValueError:
            raise bad_request(f"Parameter '{spec.name}' must be a date in YYYY-MM-DD format, got '{value}'") from None
    elif spec.data_type == "INTEGER":
        try:
            number = int(value.strip())
        except ValueError:
            raise bad_request(f"Parameter '{spec.name}' must be an integer, got '{value}'") from None
        if spec.minimum is not None and number < spec.minimum:
            raise bad_request(f"Parameter '{spec.name}' must be at least {spec.minimum}, got {number}")
    problem = outside_list(spec, value) if enforce_list else None
    if problem:
        raise bad_request(problem)


def _check_ranges(partitions: dict[str, str]) -> None:
    for name, start in partitions.items():
        if name.endswith("_start"):
            end = partitions.get(name[: -len("_start")] + "_end")
            if end is not None and parse_ymd(start) > parse_ymd(end):
                raise bad_request(f"Partition parameter '{name}' ({start}) is after "
                                  f"'{name[: -len('_start')]}_end' ({end})")


def validate_run_request(specs: list[ParamSpec], body: object, label: str) -> tuple[str, dict[str, str], list[dict]]:
    """Return (name, run-time parameters, partition parameters) or raise a 400 Problem."""
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object with 'name' and 'parameters'")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("'name' is required: give the run a distinct, meaningful name")
    raw = body.get("parameters") or {}
    if not isinstance(raw, dict):
        raise bad_request("'parameters' must be an object of parameter name to string value")
    by_name = {s.name: s for s in specs}
    run_params: dict[str, str] = {}
    partitions: dict[str, str] = {}
    for key, value in raw.items():
        text = as_text(value, f"parameters.{key}")
        spec = by_name.get(key)
        if spec is None:
            known = ", ".join(s.name for s in specs) or "none"
            raise bad_request(f"Unknown parameter '{key}' for question {label}; its parameters are: {known}")
        check_value(spec, text)
        (partitions if spec.partition is not None else run_params)[key] = text
    extra = body.get("partitionParameters")
    if extra is not None:
        if not isinstance(extra, list):
            raise bad_request("'partitionParameters' must be an array of {name, value}")
        for item in extra:
            if not isinstance(item, dict) or "name" not in item:
                raise bad_request("Each partitionParameters item needs 'name' and 'value'")
            key = str(item["name"])
            spec = by_name.get(key)
            if spec is None or spec.partition is None:
                known = ", ".join(s.name for s in specs if s.partition is not None) or "none"
                raise bad_request(f"Unknown partition parameter '{key}' for question {label}; known: {known}")
            text = as_text(item.get("value"), f"partitionParameters[{key}].value")
            check_value(spec, text)
            partitions[key] = text
    for spec in specs:
        if spec.partition is None and spec.name not in run_params:
            if spec.default is not None:
                run_params[spec.name] = spec.default
            else:
                raise bad_request(f"Missing required parameter '{spec.name}' ({spec.data_type}) for question {label}")
    _check_ranges(partitions)
    partition_list = [{"name": k, "value": v, "dataType": by_name[k].data_type} for k, v in partitions.items()]
    return name.strip(), run_params, partition_list
