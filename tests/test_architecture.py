"""The layer rules of ARCHITECTURE.md, checked by import-linter with the contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    kinds = {(c["type"], tuple(c.get("source_modules", c.get("layers", ())))) for c in contracts}
    assert ("forbidden", ("kvoucher_desktop.views",)) in kinds
    assert ("layers", ("kvoucher_desktop.app", "kvoucher_desktop.views", "kvoucher_desktop.services",
                       "kvoucher_desktop.models")) in kinds
    assert ("forbidden", ("kvoucher_desktop.services", "kvoucher_desktop.models")) in kinds

    result = lint_imports(PYPROJECT)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    for contract in contracts:
        assert f"{contract['name']} KEPT" in report, report
    assert f"Contracts: {len(contracts)} kept, 0 broken." in report


def test_a_broken_contract_would_be_reported(tmp_path):
    """The check above can fail: services do import sqlalchemy, so forbidding it must break."""
    config = tmp_path / ".importlinter"
    config.write_text(
        "[importlinter]\nroot_package = kvoucher_desktop\ninclude_external_packages = True\n\n"
        "[importlinter:contract:canary]\nname = Canary\ntype = forbidden\n"
        "source_modules = kvoucher_desktop.services\nforbidden_modules = sqlalchemy\n",
        encoding="utf-8",
    )
    result = lint_imports(config)
    assert result.returncode != 0
    assert "Canary BROKEN" in result.stdout + result.stderr
