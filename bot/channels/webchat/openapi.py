"""The web chat API as an OpenAPI 3.1 document, served at `/chat/api/openapi.json`.

Built from the same limits the server checks (`validate.py`, `adapter.MAX_ID`), so an embedding
portal can generate a client, and a schemathesis test holds the server to it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from bot.channels.webchat.adapter import MAX_ID
from bot.channels.webchat.validate import MAX_BODY_BYTES

JSON = "application/json"
NO_NUL = "^[^\\u0000]*$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _schemas() -> dict[str, Any]:
    id_string = {"type": "string", "minLength": 1, "maxLength": MAX_ID}
    message_id = {
        **id_string,
        "pattern": NO_NUL,
        "description": "client message id: a retry with the same id is processed once and "
        "gets the same replies",
    }
    return {
        "Choice": {
            "type": "object",
            "required": ["id", "label"],
            "properties": {
                "id": {**id_string, "description": "send it back as `choice`"},
                "label": {"type": "string", "description": "the button's text"},
            },
        },
        "Link": {
            "type": "object",
            "required": ["url", "label"],
            "properties": {"url": {"type": "string"}, "label": {"type": "string"}},
        },
        "Reply": {
            "type": "object",
            "description": "one chat bubble",
            "required": ["text", "choices"],
            "properties": {
                "text": {"type": "string", "description": "plain text; may hold line breaks"},
                "choices": {"type": "array", "items": _ref("Choice")},
                "image": {"type": "string", "description": "URL of a picture on this server"},
                "alt": {
                    "type": "string",
                    "description": "what the picture shows, in words (the img's alt text); "
                    "only with a lesson drawing",
                },
                "links": {"type": "array", "items": _ref("Link")},
                "kind": {
                    "type": "string",
                    "description": "why the bot sent it, when not an answer (e.g. reminder)",
                },
            },
        },
        "Answer": {
            "type": "object",
            "required": ["replies"],
            "properties": {
                "replies": {"type": "array", "items": _ref("Reply")},
                "error": {
                    "type": "string",
                    "description": "on errors only: what the client's developer should fix "
                    "(English); show `replies[0].text` to the learner",
                },
            },
        },
        "TextMessage": {
            "type": "object",
            "description": "what the learner typed",
            "required": ["text"],
            "properties": {
                "text": {
                    "type": "string",
                    "minLength": 1,
                    # NUL and lone surrogates are refused (400): no database keeps them.
                    "pattern": NO_NUL,
                    "description": "/start, /menu, /tiendo, … are commands",
                },
                "id": message_id,
            },
            "not": {"required": ["choice"]},
        },
        "ChoiceMessage": {
            "type": "object",
            "description": "a tapped choice",
            "required": ["choice"],
            "properties": {
                "choice": {**id_string, "description": "the `id` of a choice from a reply"},
                "id": message_id,
            },
            "not": {"required": ["text"]},
        },
        "Message": {"oneOf": [_ref("TextMessage"), _ref("ChoiceMessage")]},
        "Session": {
            "type": "object",
            "required": ["returning", "messages"],
            "properties": {
                "returning": {"type": "boolean"},
                "messages": {"type": "array", "items": _ref("Reply")},
            },
        },
    }


@cache
def openapi_document() -> dict[str, Any]:
    """The document (built once; the limits are constants)."""
    answer = _ref("Answer")
    refused = "refused; `error` says why"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hocvuso web chat API",
            "version": "1",
            "description": "The stable API of the built-in web chat (docs/webchat-api.md). "
            "The learner is the `hocvuso_chat` cookie, set on the first answer.",
        },
        "paths": {
            "/chat/api/send": {
                "post": {
                    "operationId": "send",
                    "summary": "Send what the learner typed or tapped; get the bot's replies",
                    "requestBody": {
                        "required": True,
                        "description": f"JSON in UTF-8, at most {MAX_BODY_BYTES // 1024} KiB",
                        "content": {JSON: {"schema": _ref("Message")}},
                    },
                    "responses": {
                        "200": _json(answer, "processed: show the replies"),
                        "400": _json(answer, f"not a JSON message: {refused}"),
                        "405": _json(answer, "another method than POST"),
                        "413": _json(answer, f"body over {MAX_BODY_BYTES // 1024} KiB"),
                        "415": _json(answer, "Content-Type is not application/json"),
                        "500": _json(answer, "a bug: nothing was recorded; retry, same id"),
                        "503": _json(
                            answer,
                            "database unavailable: nothing was recorded; "
                            "retry later with the same id",
                        ),
                    },
                }
            },
            "/chat/api/session": {
                "get": {
                    "operationId": "session",
                    "summary": "Whether this browser has a learner, and the messages the "
                    "bot queued for them (each handed out once)",
                    "responses": {
                        "200": _json(_ref("Session"), "the session"),
                        "405": _json(answer, "another method than GET or HEAD"),
                    },
                }
            },
        },
        "components": {"schemas": _schemas()},
    }


__all__ = ["openapi_document"]
