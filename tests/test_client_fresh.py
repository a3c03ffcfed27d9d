"""The generated Python client (`clients/python/`, `make client`) is in step with the code.

`clients/openapi.json` must be what the gateway's code builds now (devstack/openapi.py,
no platform running), the generated files what `make client` left (the digests it
recorded in `GENERATED.json`), and the document what a running gateway answers at
`/openapi.json`. Nothing is generated here and nothing leaves the machine: the
generator runs only in `make client`.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

import msgplat_client
from msgplat.devstack import openapi
from msgplat_testsupport.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "clients" / "openapi.json"
CLIENT = ROOT / "clients" / "python"
STALE = "run `make client` and commit clients/"


def test_the_committed_document_is_what_the_code_builds() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == openapi.render(), (
        f"clients/openapi.json differs from the gateway's document: {STALE}"
    )


def test_the_generated_files_are_what_make_client_left() -> None:
    recorded = json.loads((CLIENT / openapi.RECORD).read_text())
    assert recorded["openapi"] == openapi.record(DOCUMENT, CLIENT, "")["openapi"], (
        f"clients/openapi.json changed since the client was generated: {STALE}"
    )
    assert recorded["files"] == openapi.client_digest(CLIENT), (
        f"clients/python/ differs from what was generated (edited by hand?): {STALE}"
    )


def test_the_installed_client_is_the_one_in_the_repository() -> None:
    """The .venv's `msgplat_client` is clients/python's (installed editable by make)."""
    assert Path(msgplat_client.__file__).resolve().is_relative_to(CLIENT)


def test_every_operation_has_its_own_id() -> None:
    """The client names a function after each operationId: one each, never repeated."""
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.e2e
def test_the_document_is_what_a_running_gateway_answers(stack: Stack) -> None:
    served = httpx.get(stack.gateway_url + "/openapi.json", timeout=30).json()
    assert served == json.loads(DOCUMENT.read_text(encoding="utf-8"))
