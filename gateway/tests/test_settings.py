"""The gateway refuses at start what could never work: a bootstrap API key
(`DEMO_API_KEY`, `OPERATOR_API_KEY`) that is not a key would be stored and then never
authenticate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from msgplat.devstack.credentials import write_kind_secrets
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing.api_keys import is_api_key, new_api_key

REPOSITORY = Path(__file__).resolve().parents[2]
BASE = {"database_url": "postgresql://u:p@127.0.0.1/db", "auth_token_secret": "s" * 32}
NOT_KEYS = [
    "mp_compose_demo_key_for_this_host_only_0123456789",  # 46 characters after mp_
    "mp_" + "a" * 48,  # mp_$(openssl rand -hex 24)
    "mp_" + "a" * 42,
    "mp_" + "a" * 42 + "!",
    "mk_" + "a" * 43,
    "demo",
    "",
]


@pytest.mark.parametrize("variable", ["DEMO_API_KEY", "OPERATOR_API_KEY"])
@pytest.mark.parametrize("value", NOT_KEYS)
def test_a_bootstrap_key_that_is_not_a_key_is_refused_naming_the_variable_and_the_rule(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        GatewaySettings(**BASE)  # type: ignore[arg-type]
    message = str(refused.value)
    assert variable in message
    assert "`mp_` followed by 43" in message


@pytest.mark.parametrize("variable", ["DEMO_API_KEY", "OPERATOR_API_KEY"])
def test_a_generated_key_is_accepted(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    key = new_api_key()
    monkeypatch.setenv(variable, key)
    settings = GatewaySettings(**BASE)  # type: ignore[arg-type]
    assert getattr(settings, variable.lower()).get_secret_value() == key


def test_the_keys_the_repository_configures_are_keys(tmp_path: Path) -> None:
    """The local Kubernetes overlay's demo key is generated (`credentials --kind`; the
    overlay commits none, docker-compose.yml takes them from compose.env,
    tests/test_compose.py); the docs show how to make one."""
    local = (REPOSITORY / "k8s/overlays/local/kustomization.yaml").read_text()
    assert not re.findall(r"(?:DEMO|OPERATOR)_API_KEY=(\S+)", local)
    write_kind_secrets(tmp_path)
    generated = (tmp_path / "secrets" / "gateway.env").read_text()
    configured = re.findall(r"(?:DEMO|OPERATOR)_API_KEY=(\S+)", generated)
    assert configured and all(is_api_key(key) for key in configured), configured
    documented = [REPOSITORY / "README.md", *REPOSITORY.glob("docs/*.md")]
    documented += [REPOSITORY / "k8s/overlays/eks/kustomization.yaml"]
    for path in documented:
        assert "mp_$(openssl rand -hex 24)" not in path.read_text(), path  # 48 characters
