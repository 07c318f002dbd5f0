"""The layer rules of ARCHITECTURE.md, checked by import-linter with the contracts in pyproject.toml."""

from __future__ import annotations

import shutil
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


def _independence_contract() -> dict:
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["type"] == "independence"
                and "kvoucher_desktop.services.deals" in c["modules"])


def _copy_package(target: Path) -> Path:
    """The package's Python sources under `target` (what import-linter reads)."""
    def only_sources(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n in ("__pycache__", "resources")
                or (not n.endswith(".py") and not (Path(folder) / n).is_dir())]

    shutil.copytree(ROOT / "kvoucher_desktop", target / "kvoucher_desktop", ignore=only_sources)
    return target / "kvoucher_desktop"


def _lint_copy(workdir: Path, contract: dict) -> subprocess.CompletedProcess:
    modules = ", ".join(f'"{m}"' for m in contract["modules"])
    config = workdir / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "kvoucher_desktop"\n\n'
        f'[[tool.importlinter.contracts]]\nname = "{contract["name"]}"\ntype = "independence"\n'
        f"modules = [{modules}]\n",
        encoding="utf-8",
    )
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, no_logo=True))")
    # run in the copy's folder: its kvoucher_desktop comes first on sys.path, before the installed one
    return subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=300)


def test_the_service_areas_contract_fails_on_a_planted_cycle(tmp_path):
    """The independence contract holds on an unchanged copy of the package and breaks as soon as
    two areas import each other (here catalog ↔ deals, hidden inside functions as they once were)."""
    contract = _independence_contract()
    package = _copy_package(tmp_path)

    kept = _lint_copy(tmp_path, contract)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert f"{contract['name']} KEPT" in kept.stdout

    services = package / "services"
    with open(services / "catalog.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _planted():\n    from .deals import DealService  # noqa: F401\n")
    with open(services / "deals.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _planted():\n    from .catalog import CatalogService  # noqa: F401\n")
    broken = _lint_copy(tmp_path, contract)
    report = broken.stdout + broken.stderr
    assert broken.returncode != 0, report
    assert f"{contract['name']} BROKEN" in report
    assert "kvoucher_desktop.services.catalog -> kvoucher_desktop.services.deals" in report \
        or "kvoucher_desktop.services.deals -> kvoucher_desktop.services.catalog" in report, report


VIEW_PACKAGES = ("agency", "catalog", "deals", "demand", "evaluations", "payments", "screening", "signup", "supplier")


def _views_independence_contract() -> dict:
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["type"] == "independence"
                and "kvoucher_desktop.views.deals" in c["modules"])


def test_the_view_packages_contract_covers_every_page_package():
    contract = _views_independence_contract()
    assert sorted(contract["modules"]) == sorted(f"kvoucher_desktop.views.{p}" for p in VIEW_PACKAGES)


def test_the_view_packages_contract_fails_on_a_planted_cycle(tmp_path):
    """Kept on an unchanged copy; broken once two page packages import each other (here the
    budget page and the screening dashboard, as the budget page once borrowed the queue's colours)."""
    contract = _views_independence_contract()
    package = _copy_package(tmp_path)

    kept = _lint_copy(tmp_path, contract)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert f"{contract['name']} KEPT" in kept.stdout

    views = package / "views"
    with open(views / "agency" / "budget.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _planted():\n    from ..screening.dashboard import ScreeningDashboardPage  # noqa: F401\n")
    with open(views / "screening" / "dashboard.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _planted():\n    from ..agency.budget import BudgetConfirmPage  # noqa: F401\n")
    broken = _lint_copy(tmp_path, contract)
    report = broken.stdout + broken.stderr
    assert broken.returncode != 0, report
    assert f"{contract['name']} BROKEN" in report
    flat = " ".join(report.split())  # the report wraps long chains
    assert "kvoucher_desktop.views.agency.budget -> kvoucher_desktop.views.screening.dashboard" in flat \
        or "kvoucher_desktop.views.screening.dashboard -> kvoucher_desktop.views.agency.budget" in flat, report
