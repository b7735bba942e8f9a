"""The code base passes ruff with the rules in pyproject.toml (``[tool.ruff]``).

ruff is a test dependency (``pip install -e '.[test]'``), so the README's test command runs
the linter too; CI has it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _ruff():
    exe = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(exe).exists():
        pytest.fail("ruff is not installed: it is a test dependency (pip install -e '.[test]')")
    return exe


def test_ruff_check_passes():
    out = subprocess.run([_ruff(), "check", "--output-format", "concise", str(REPO)],
                         capture_output=True, text=True, cwd=REPO, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
