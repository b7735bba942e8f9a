"""Every command that reads a case prepares it the same way, with the options given.

Before: ``support``, ``path``, ``connect``, ``disrupt``, ``keyplayers``, ``snapshots`` and
``diff`` resolved with the default settings whatever ``--settings`` said; ``map``, ``report``
and ``export`` had no ``--decisions``; the analytics commands had no ``--mapping``.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import netanalysis.pipeline
from netanalysis.cli import main
from netanalysis.settings import load_settings

#: Each command with the arguments it needs besides CASE.
COMMANDS = {
    "analyze": ["--out", "OUT"],
    "rank": [], "groups": [], "support": ["P1"], "path": ["P1", "P2"],
    "connect": ["P1", "P2"], "disrupt": [], "keyplayers": [], "snapshots": [],
    "diff": ["2023-01..2023-06", "2023-07..2023-12"],
    "map": ["--out", "OUT/m.html"], "report": ["--out", "OUT/r.html"],
    "export": ["--out", "OUT/e.graphml"],
    "neo4j push": ["--uri", "bolt://127.0.0.1:1"],
    "infer": ["--out", "OUT/i.csv"],
    "watch": ["--rules", "RULES", "--state", "OUT/state"],
    "anticipate": [],
}


class _Stop(Exception):
    """Raised by the spy: the test only needs what prepare_case was given."""


@pytest.fixture
def files(tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "persons.csv").write_text("id,name\nP1,Ana\nP2,Luis\n", "utf-8")
    settings = tmp_path / "s.yaml"
    settings.write_text("resolve:\n  threshold: 7.5\n", "utf-8")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("id_a,id_b,decision,note\n", "utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("files: {}\n", "utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {name: companions, type: new_co_traveller, fugitives: all}\n",
                     "utf-8")
    return {"case": case, "settings": settings, "rules": rules, "decisions": decisions, "mapping": mapping,
            "out": tmp_path / "out"}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_case_is_prepared_with_the_options_given(command, files, monkeypatch):
    seen = {}

    def spy(case, **kw):
        seen.update(kw, case=case)
        raise _Stop

    monkeypatch.setattr(netanalysis.pipeline, "prepare_case", spy)
    args = [*command.split(), str(files["case"]),
            *[str(files["out"]) + a[3:] if a.startswith("OUT")
              else str(files["rules"]) if a == "RULES" else a for a in COMMANDS[command]],
            "--settings", str(files["settings"]), "--decisions", str(files["decisions"]),
            "--mapping", str(files["mapping"]), "--allow-outside-sources", "--no-resolve", "-q"]
    r = CliRunner().invoke(main, args)
    assert isinstance(r.exception, _Stop), (r.output, r.exception)
    assert seen["case"] == str(files["case"])
    assert seen["settings"] == load_settings(files["settings"])
    assert seen["settings"] != load_settings()  # the file changed something
    assert str(seen["decisions"]) == str(files["decisions"])
    assert str(seen["mapping"]) == str(files["mapping"])
    assert seen["resolve"] is False
    assert seen["allow_outside"] is True
    # infer prepares up to inference; anticipate reads the stated legs only
    assert seen.get("infer", True) is (command not in ("infer", "anticipate"))
