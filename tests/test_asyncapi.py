"""The event contract as AsyncAPI 3.0 (`docs/asyncapi.yaml`): valid by the AsyncAPI 3.0.0
JSON Schema (vendored: tests/data/asyncapi/), in step with the catalogue, describing
what really travels (the golden envelopes validate against their messages), and served
by the gateway."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from msgplat.contracts.events import CATALOGUE
from msgplat.contracts.topics import ALL_TOPICS
from msgplat.devstack import asyncapi
from msgplat_testsupport.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
WRITTEN = ROOT / "docs" / "asyncapi.yaml"
SPEC = ROOT / "tests" / "data" / "asyncapi" / "asyncapi-3.0.0.schema.json"
GOLDEN = ROOT / "contracts" / "tests" / "golden"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WRITTEN.read_text())
    return loaded


def test_asyncapi_yaml_is_generated_from_the_code() -> None:
    assert WRITTEN.read_text() == asyncapi.render(), (
        "docs/asyncapi.yaml differs from the event catalogue: run `make docs`"
    )


def test_it_is_valid_asyncapi_3(document: dict[str, Any]) -> None:
    validator = jsonschema.Draft7Validator(json.loads(SPEC.read_text()))
    problems = [
        f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(document)
    ]
    assert not problems, "\n".join(problems[:20])
    assert document["asyncapi"] == "3.0.0"


def test_every_topic_is_a_channel_and_every_event_a_message(document: dict[str, Any]) -> None:
    assert list(document["channels"]) == list(ALL_TOPICS)
    assert set(document["components"]["messages"]) == set(CATALOGUE)
    for name, cls in CATALOGUE.items():
        assert name in document["channels"][cls.topic]["messages"], name
        message = document["components"]["messages"][name]
        assert message["bindings"]["kafka"]["key"]["format"] == "uuid"
        assert "traceparent" in message["headers"]["properties"]
        assert message["x-producer"] and cls.schema_version in message["x-schema-versions"]


def test_the_golden_envelopes_match_their_messages(document: dict[str, Any]) -> None:
    """What a producer really writes (the current version's golden envelope) is what the
    document says a message is."""
    registry: Registry = Registry().with_resource(
        "urn:asyncapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    checked = 0
    for name, cls in CATALOGUE.items():
        golden = GOLDEN / name / f"v{cls.schema_version}.json"
        if not golden.is_file():
            continue
        schema = {"$ref": f"urn:asyncapi#/components/messages/{name}/payload"}
        validator = jsonschema.Draft202012Validator(schema, registry=registry)
        validator.validate(json.loads(golden.read_text()))
        checked += 1
    assert checked >= len(CATALOGUE) // 2, checked


def test_the_gateway_serves_it(stack: Stack) -> None:
    response = httpx.get(stack.gateway_url + "/asyncapi.yaml", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert response.text == WRITTEN.read_text()
