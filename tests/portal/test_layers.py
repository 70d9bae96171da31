"""The floors (DESIGN.md §3) hold: import-linter's contracts in pyproject.toml are kept, and the tool does see
an import that breaks a contract (a control contract that must break)."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lint(config: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    if config is not None:
        command += ["--config", str(config)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_layering_contracts_are_declared_and_kept():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    forbidden = {
        c["source_modules"][0] if len(c["source_modules"]) == 1 else "*": set(c["forbidden_modules"]) for c in contracts
    }
    assert {"workorders", "ratings", "staffing", "funding", "portal"} <= forbidden["compounds"]
    assert {"ratings", "funding", "staffing", "portal"} <= forbidden["workorders"]
    assert forbidden["*"] == {"portal"}

    result = lint()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_a_forbidden_import_breaks_the_build(tmp_path):
    # given a contract that today's code breaks: the composition app imports workorders (it must, to compose)
    config = tmp_path / "control.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["portal", "workorders", "ratings"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "control"\ntype = "forbidden"\n'
        'source_modules = ["portal"]\nforbidden_modules = ["workorders", "ratings"]\n'
    )
    # when the linter runs with it
    result = lint(config)
    # then it fails and names the import
    assert result.returncode != 0
    assert "portal.views" in result.stdout or "portal.selectors" in result.stdout
