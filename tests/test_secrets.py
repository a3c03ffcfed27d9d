"""No secret of any service has a default that works: a service started without one
refuses to start and names the environment variable to set.

Every settings class of the registry is read (`devstack.settingsdocs.readers`), so a new
credential field with a default fails here.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

import pytest
from pydantic_core import PydanticUndefined

from msgplat.devstack.settingsdocs import env_names, readers

CREDENTIAL = re.compile(r"(^|_)(key|token|secret|password)$")
UNUSED_DB = "postgresql://nobody@127.0.0.1:1/none"


def test_no_credential_setting_has_a_default_that_works() -> None:
    found = []
    for reader in readers():
        for name, info in reader.settings.model_fields.items():
            if not CREDENTIAL.search(name):
                continue
            found.append(name)
            default = info.default
            if default is PydanticUndefined or default is None:
                continue
            env = env_names(reader.settings, name)[0]
            pytest.fail(f"{reader.name}: {env} has the default {default!r}: make it required")
    assert {"api_key", "callback_token", "carrier_api_key", "auth_token_secret"} <= set(found)


def test_no_customer_gets_credit_unless_configured() -> None:
    """`DEMO_ACCOUNTS` is empty unless set: money enters through an operator."""
    from msgplat.billing.settings import BillingSettings

    assert BillingSettings(database_url=UNUSED_DB, _env_file=None).demo_accounts == {}  # type: ignore[call-arg]


# (service, the variables its settings need, the rest of a working environment)
REQUIRED: list[tuple[str, list[str], dict[str, str]]] = [
    ("send", ["CARRIER_API_KEY", "CARRIER_CALLBACK_TOKEN"], {"DATABASE_URL": UNUSED_DB}),
    ("carrier", ["CARRIER_API_KEY", "CARRIER_CALLBACK_TOKEN"], {}),
    ("gateway", ["AUTH_TOKEN_SECRET"], {"DATABASE_URL": UNUSED_DB}),
]
SECRET_VALUES = {
    "CARRIER_API_KEY": "k-" + "x" * 30,
    "CARRIER_CALLBACK_TOKEN": "t-" + "y" * 30,
    "AUTH_TOKEN_SECRET": "s-" + "z" * 40,
}


def _get_settings(service: str) -> Callable[[], object]:
    module = importlib.import_module(f"msgplat.{service}.settings")
    get: Callable[[], object] = module.get_settings
    return get


@pytest.mark.parametrize(
    ("service", "missing", "env"),
    [(s, m, e) for s, needed, e in REQUIRED for m in needed],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_service_without_a_secret_refuses_to_start_naming_it(
    service: str, missing: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")  # no .env file is read
    for name in ("CARRIERS", *SECRET_VALUES, *env):
        monkeypatch.delenv(name, raising=False)
    needed = next(n for s, n, _ in REQUIRED if s == service)
    for name, value in {**env, **{n: SECRET_VALUES[n] for n in needed if n != missing}}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(Exception) as refused:
        _get_settings(service)()
    assert missing in str(refused.value), str(refused.value)
    assert not any(v in str(refused.value) for v in SECRET_VALUES.values()), "a secret is shown"
    monkeypatch.setenv(missing, SECRET_VALUES[missing])
    _get_settings(service)()  # with it, the service starts
