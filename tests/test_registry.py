"""The registry of services (`contracts/services.py`) and the boundaries between packages.

Imports are read from the source (`ast`), so a test fails on the line that crosses a
boundary, not on a cycle at import time:

- `plumbing` imports nothing of the platform but itself: no contract, no service (the
  app hands it the topics and the event classes it subscribes to);
- `contracts` imports no service, and the registry imports nothing of the platform;
- no service imports another service: they talk through events and HTTP, and may share
  `plumbing` and `contracts` only.

Then the registry itself is checked, and the places that cannot read it (pyproject,
the Makefile) are checked against it.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from msgplat.contracts.events import CATALOGUE
from msgplat.contracts.migrations import SERVICES_WITH_TABLES
from msgplat.contracts.services import SERVICES, Service, producers, upstreams, with_tables
from msgplat.contracts.topics import ALL_TOPICS, PRODUCERS
from msgplat.devstack import services as devstack
from msgplat.gateway import routing
from msgplat.gateway.settings import GatewaySettings

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
FOLDERS: dict[str, str] = PYPROJECT["tool"]["setuptools"]["package-dir"]  # package -> folder
NAMES = [s.name for s in SERVICES]


def _package_of(path: Path) -> str:
    """The dotted module name of a source file (`plumbing/db.py` -> `msgplat.plumbing.db`)."""
    relative = path.relative_to(ROOT).with_suffix("")
    folder, *rest = relative.parts
    (package,) = [p for p, f in FOLDERS.items() if f == folder]
    parts = [package, *rest]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources(folder: str) -> Iterator[Path]:
    """The package's own modules: not its tests."""
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "tests" not in path.relative_to(ROOT).parts:
            yield path


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in the file, relative ones resolved."""
    module = _package_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return imports_in(path.read_text(), package)


def imports_in(source: str, package: str) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in `source`, a module of `package`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, name
            # `from msgplat import send` imports the package `msgplat.send`.
            yield from ((node.lineno, f"{name}.{alias.name}") for alias in node.names)


def _top(module: str) -> str | None:
    """The platform package a module belongs to (`msgplat.send.api` -> `send`)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "msgplat" and len(parts) > 1 else None


def crossings(folder: str, forbidden: set[str]) -> list[str]:
    """The imports of the folder's own modules that reach a package of `forbidden`."""
    found = []
    for path in _sources(folder):
        for line, module in imports(path):
            if _top(module) in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return sorted(set(found))


PLATFORM = {package.removeprefix("msgplat.") for package in FOLDERS}


# --- Boundaries ---------------------------------------------------------------------------


def test_the_import_reader_resolves_relative_and_from_imports() -> None:
    source = "from .. import reservation\nfrom ..billing.domain import x\nimport msgplat.stat\n"
    found = {_top(module) for _, module in imports_in(source, "msgplat.send")}
    assert found >= {"reservation", "billing", "stat"}
    found = {_top(module) for _, module in imports_in("from msgplat import send", "msgplat.x")}
    assert "send" in found


def test_plumbing_imports_nothing_of_the_platform_but_itself() -> None:
    """No contract, no service, no devstack: the app gives plumbing what it needs."""
    assert not crossings("plumbing", PLATFORM - {"plumbing"})


def test_plumbing_names_no_service_package() -> None:
    """Not even as a string to import (`msgplat.<service>` is the caller's to name)."""
    pattern = re.compile(rf"\bmsgplat\.({'|'.join(map(re.escape, NAMES))})\b")
    found = []
    for path in _sources("plumbing"):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and pattern.search(node.value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not found


def test_contracts_import_no_service_and_the_registry_nothing_of_the_platform() -> None:
    assert not crossings("contracts", PLATFORM - {"contracts", "plumbing"})
    registry = ROOT / "contracts" / "services.py"
    assert not [m for _, m in imports(registry) if _top(m)], "the registry is data only"


@pytest.mark.parametrize("service", NAMES)
def test_no_service_imports_another_service(service: str) -> None:
    """Services share `plumbing` and `contracts` and nothing else of each other."""
    found = crossings(FOLDERS[f"msgplat.{service}"], set(NAMES) - {service})
    assert not found, f"{service} imports other services: {found}"


# --- The registry ---------------------------------------------------------------------------


def test_names_ports_routes_and_topics_are_each_in_one_entry() -> None:
    assert len(set(NAMES)) == len(NAMES)
    ports = [s.port for s in SERVICES]
    assert len(set(ports)) == len(ports)
    prefixes = [p for s in SERVICES for p in (*s.routes, *s.own_credentials)]
    assert len(set(prefixes)) == len(prefixes)
    assert all(p.startswith("/") and not p.endswith("/") for p in prefixes)
    assert [s.name for s in SERVICES if s.kind == "gateway"] == ["gateway"]
    assert SERVICES[-1].kind == "gateway", "the gateway starts last, after its upstreams"
    assert all(not (s.routes or s.produces) for s in SERVICES if s.kind != "service")
    producers(SERVICES)  # raises when two services claim one topic


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_every_entry_is_a_package_whose_app_runs_and_whose_tables_migrate(
    service: Service,
) -> None:
    assert importlib.util.find_spec(f"msgplat.{service.name}.app"), "what devstack starts"
    folder = ROOT / FOLDERS[f"msgplat.{service.name}"]
    has_migrations = (folder / "migrations" / "env.py").exists()
    assert service.tables == has_migrations, f"{service.name}: tables={service.tables}"


def test_the_readers_derive_their_lists_from_the_registry() -> None:
    """What used to be a list of its own in each of these places."""
    assert with_tables(SERVICES) == SERVICES_WITH_TABLES
    assert set(SERVICES_WITH_TABLES) == {
        "gateway",
        "reservation",
        "send",
        "billing",
        "stat",
        "monitoring",
    }
    assert [spec.name for spec in devstack.SERVICES] == NAMES
    assert [spec.port for spec in devstack.SERVICES] == [s.port for s in SERVICES]
    assert tuple((p, s.name) for s in SERVICES for p in s.routes) == routing.ROUTES
    assert routing.OWN_CREDENTIALS == {"/carrier/reports/{carrier}": "send"}
    upstream = GatewaySettings.model_construct().upstreams()
    assert list(upstream) == [s.name for s in upstreams(SERVICES)]
    assert upstream == {s.name: f"http://127.0.0.1:{s.port}" for s in upstreams(SERVICES)}
    assert producers(SERVICES) == PRODUCERS and tuple(PRODUCERS) == ALL_TOPICS
    assert {cls.topic for cls in CATALOGUE.values()} <= set(ALL_TOPICS)


# --- The places that cannot read it ---------------------------------------------------------


def test_pyproject_installs_every_entry_with_its_migrations() -> None:
    packages = set(PYPROJECT["tool"]["setuptools"]["packages"])
    for service in SERVICES:
        package = f"msgplat.{service.name}"
        assert FOLDERS.get(package) == service.name, f"pyproject package-dir lacks {package}"
        wanted = {package}
        if service.tables:
            wanted |= {f"{package}.migrations", f"{package}.migrations.versions"}
        assert wanted <= packages, f"pyproject packages lack {sorted(wanted - packages)}"


def test_the_makefile_type_checks_every_entry() -> None:
    makefile = (ROOT / "Makefile").read_text()
    (line,) = re.findall(r"^\t\$\(BIN\)/mypy (.+)$", makefile, re.M)
    missing = sorted(set(NAMES) - set(line.split()))
    assert not missing, f"add {missing} to the folders of `make typecheck`"
