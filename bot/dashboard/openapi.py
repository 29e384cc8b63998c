"""The pull API as an OpenAPI 3.1 document, served at `/api/v1/openapi.json`.

The summary schema is the `hocvuso.summary/1` document (`bot.reports.model.document`) field by
field: every counter an integer or "<5" (suppressed, decision 34), `module` null on the rows
of all modules, no other field. A schemathesis test holds the server to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.core.state import TargetGroup
from bot.reports.model import COUNTERS, SCHEMA, SUPPRESSED

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(kind: str, **more: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **more}


def _counters(names: Iterable[str]) -> dict[str, Any]:
    return {name: _ref("Count") for name in names}


def _targets() -> dict[str, Any]:
    return {
        "target_population": _nullable("integer", description="null: no targets file"),
        "target_percent": _nullable("number"),
        "percent_of_target": _nullable(
            "number",
            description="completions so far against the target; null when unknown or when "
            "it would give a suppressed count away",
        ),
    }


def _schemas(modules: tuple[str, ...]) -> dict[str, Any]:
    groups = [group.value for group in TargetGroup]
    return {
        "Count": {
            "description": f'a number of learners or lessons; "{SUPPRESSED}" for 1 to 4 '
            "outside the reader's own commune",
            "anyOf": [{"type": "integer", "minimum": 0}, {"const": SUPPRESSED}],
        },
        "Row": _object(
            {
                "province_code": _nullable("string", pattern="^[0-9]{2}$"),
                "commune_code": _nullable(
                    "string", pattern="^[0-9]{5}$", description="null: commune not given"
                ),
                "group": {"enum": [*groups, None], "description": "null: group not given"},
                "module": {"enum": [*modules, None], "description": "null: all modules"},
                **_counters(COUNTERS),
                **_targets(),
            },
            "one commune × target group × module",
        ),
        "Totals": _object({**_counters(COUNTERS), **_targets()}),
        "Week": _object(
            {
                "week_start": {"type": "string", "format": "date"},
                **_counters(("enrolled", "lessons_completed", "course_completed")),
            },
            "one week, Monday to Sunday (local)",
        ),
        "DigitalFamilies": _object(
            {
                "rows": {
                    "type": "array",
                    "items": _object(
                        {
                            "province_code": _nullable("string", pattern="^[0-9]{2}$"),
                            "commune_code": _nullable(
                                "string",
                                pattern="^[0-9]{5}$",
                                description="null: no member gave a commune",
                            ),
                            "count": _ref("Count"),
                        }
                    ),
                },
                "total": _ref("Count"),
            },
            "families that are a “Gia đình số” when the summary is made (decision 40): a count "
            "now, not over the period, and not split by group",
        ),
        "Summary": _object(
            {
                "schema": {"const": SCHEMA},
                "generated_at": {"type": "string", "format": "date-time"},
                "admin_data_version": {"type": "string"},
                "content_version": {"type": "string"},
                "period": _object(
                    {
                        "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"},
                    }
                ),
                "filters": _object(
                    {
                        "province": _nullable("string"),
                        "commune": _nullable("string"),
                        "group": _nullable("string"),
                        "module": _nullable("string"),
                    }
                ),
                "rows": {"type": "array", "items": _ref("Row")},
                "totals": _ref("Totals"),
                "digital_families": _ref("DigitalFamilies"),
                "weekly": {"type": "array", "items": _ref("Week")},
            },
            "the numbers of the token's area (schema hocvuso.summary/1)",
        ),
        "Error": _object(
            {
                "error": {"type": "string", "description": "for programs, e.g. out_of_scope"},
                "message": {"type": "string", "description": "for people"},
            }
        ),
    }


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref("Error")}}}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _parameters(modules: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        _query("province", "2-digit province code", {"type": "string", "pattern": "^[0-9]{1,2}$"}),
        _query(
            "commune",
            "5-digit commune code (leading zeros may be left out)",
            {"type": "string", "pattern": "^[0-9]{1,5}$"},
        ),
        _query("group", "target group", {"enum": [group.value for group in TargetGroup]}),
        _query("module", "module of the course", {"enum": list(modules)}),
        _query(
            "from", "first local day (default: 1 January)", {"type": "string", "format": "date"}
        ),
        _query("to", "last local day (default: today)", {"type": "string", "format": "date"}),
    ]


def openapi_document(modules: tuple[str, ...]) -> dict[str, Any]:
    """The pull API's OpenAPI 3.1 document, for a course with these module ids."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hocvuso pull API",
            "version": "1",
            "description": "The numbers of the Bình dân học vụ số chatbot for an official's "
            "area. Ask an administrator for a token (`hocvuso admin token`).",
        },
        "components": {
            "schemas": _schemas(modules),
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
        "paths": {
            "/api/v1/summary": {
                "get": {
                    "operationId": "summary",
                    "summary": "the summary of the token's area, with the filters given",
                    "parameters": _parameters(modules),
                    "responses": {
                        "200": {
                            "description": "the summary",
                            "content": {JSON: {"schema": _ref("Summary")}},
                        },
                        "400": _error("a malformed or unknown filter"),
                        "401": _error("no token, or not a live one"),
                        "403": _error("an area outside the token's"),
                        "503": _error("the database did not answer; try again later"),
                    },
                }
            }
        },
    }


__all__ = ["openapi_document"]
