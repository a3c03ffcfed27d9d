"""Every operation of the gateway's document shows what to send and what comes back: its
JSON request body and each of its JSON responses (the success and the error shapes) have
an example, and every example is valid against its own schema.

Schemathesis' examples phase sends the request examples (tests/test_api_contract.py);
here they are only checked against the document, built from the code as `make client`
builds it (devstack/openapi.py): no platform running.

An example is the media type's (`example`, `examples`) or its schema's (`examples`, as
pydantic writes a model's `json_schema_extra`); an array of a model is exemplified by
one item's example (a list answer, `[ApiKey]`).

FastAPI writes its document without nulls (`jsonable_encoder(..., exclude_none=True)`):
an example's `"closedAt": null` reaches the document as no `closedAt` at all. A required
property that is absent from an example but may be null is read as null here, as a
reader of the example would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from msgplat.devstack import openapi

Document = dict[str, Any]


@pytest.fixture(scope="module")
def document() -> Document:
    built: Document = json.loads(openapi.render())
    return built


def _resolve(document: Document, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = document["components"]["schemas"][name]
    return schema


def examples_of(document: Document, media: dict[str, Any]) -> list[Any]:
    """The examples a reader (and schemathesis) finds for one media type."""
    if "example" in media:
        return [media["example"]]
    if "examples" in media:
        return [example["value"] for example in media["examples"].values()]
    return _schema_examples(document, media.get("schema", {}))


def _schema_examples(document: Document, schema: dict[str, Any]) -> list[Any]:
    schema = _resolve(document, schema)
    if "examples" in schema:
        return list(schema["examples"])
    if "example" in schema:
        return [schema["example"]]
    if schema.get("type") == "array" and "items" in schema:
        return [[item] for item in _schema_examples(document, schema["items"])[:1]]
    return []


def _with_nulls(document: Document, schema: dict[str, Any], example: Any) -> Any:
    """The example with its absent nullable required properties as null (see above)."""
    schema = _resolve(document, schema)
    if isinstance(example, list) and "items" in schema:
        return [_with_nulls(document, schema["items"], item) for item in example]
    if not isinstance(example, dict) or "properties" not in schema:
        return example
    filled = dict(example)
    for name, property_schema in schema["properties"].items():
        if name in filled:
            filled[name] = _with_nulls(document, property_schema, filled[name])
        elif name in schema.get("required", []) and _nullable(document, property_schema):
            filled[name] = None
    return filled


def _nullable(document: Document, schema: dict[str, Any]) -> bool:
    schema = _resolve(document, schema)
    return schema.get("type") == "null" or any(
        _nullable(document, option) for option in schema.get("anyOf", [])
    )


def _json_bodies(document: Document) -> list[tuple[str, Any, dict[str, Any]]]:
    """(where, schema, media) of every JSON request body and JSON response."""
    bodies = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            body = operation.get("requestBody", {}).get("content", {})
            if "application/json" in body:
                bodies.append((f"{name} request", None, body["application/json"]))
            for status, response in operation.get("responses", {}).items():
                media = response.get("content", {}).get("application/json")
                if media is not None:
                    bodies.append((f"{name} {status}", None, media))
    return bodies


def test_every_json_body_has_an_example(document: Document) -> None:
    bodies = _json_bodies(document)
    assert len(bodies) > 100, len(bodies)
    missing = [
        where for where, _, media in _json_bodies(document) if not examples_of(document, media)
    ]
    assert not missing, f"no example for: {missing}"


def test_every_success_answer_and_request_body_is_there(document: Document) -> None:
    """The operations the brief names are among those checked (the walk is not empty)."""
    wheres = {where for where, _, _ in _json_bodies(document)}
    assert {"POST /msgReqs request", "POST /msgReqs 201", "GET /msgReqs 200"} <= wheres
    assert {"GET /auth/keys 200", "POST /msgReqs 422", "GET /msgs 404"} <= wheres


def test_every_example_is_valid_against_its_schema(document: Document) -> None:
    invalid = []
    for where, _, media in _json_bodies(document):
        schema = {"components": document["components"], **media.get("schema", {})}
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for example in examples_of(document, media):
            example = _with_nulls(document, media.get("schema", {}), example)
            invalid += [f"{where}: {error.message}" for error in validator.iter_errors(example)]
    assert not invalid, "\n".join(invalid)
