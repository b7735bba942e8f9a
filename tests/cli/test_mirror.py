"""The CLI only mirrors the library: each command's options are keywords of what it calls.

Every option of a command is a keyword argument of the library function(s) it calls (with
the same default), a shared option of :func:`netanalysis.cli._common.case_options` (whose
library keywords are checked against ``pipeline.prepare_case`` and ``filter_edges``), or one
of the few options that only shape what the command prints or where it writes.
"""

from __future__ import annotations

import inspect

import click
import pytest

from netanalysis.analyze import run_analysis
from netanalysis.analyze.disrupt import disruption_table
from netanalysis.analyze.keyplayer import key_player_table
from netanalysis.analyze.movements import anticipate
from netanalysis.analyze.paths import connection_table, paths_between
from netanalysis.analyze.support import support_network
from netanalysis.analyze.temporal import diff_windows, snapshots
from netanalysis.backends.neo4j import local_server, neo4j_measures, pull_graph, push_case
from netanalysis.cli import main
from netanalysis.cli._common import CLI_TO_LIBRARY, FILTER_OPTIONS, PREPARE_OPTIONS
from netanalysis.ingest import load_case
from netanalysis.model import filter_edges
from netanalysis.pipeline import analyze_case, prepare_case
from netanalysis.present import export_case, network_map, write_report
from netanalysis.resolve import infer_links, resolve_entities
from netanalysis.resolve.infer import match_seeds
from netanalysis.watch import watch

#: Options that only say how to print or where to write (no library keyword).
CLI_ONLY = {"fmt", "quiet", "out", "ask_password"}

#: command path -> (library functions called, options of this command that are CLI-only,
#: {option name: library keyword} where the spelling differs).
MIRRORS = {
    ("analyze",): ([analyze_case], set(), {"no_map": "write_map", "no_report": "write_report",
                                            "uri": "neo4j", "user": "neo4j",
                                            "database": "neo4j", "whole": "whole_map"}),
    # --robustness: also call analyze.robustness.robustness (the same case, settings, filters)
    ("rank",): ([run_analysis], {"top", "robustness"}, {}),
    ("groups",): ([run_analysis], {"members", "robustness"}, {}),
    ("support",): ([support_network], set(), {}),
    ("path",): ([paths_between], set(), {}),
    ("connect",): ([connection_table], set(), {}),
    ("disrupt",): ([disruption_table], set(), {}),
    ("keyplayers",): ([key_player_table], set(), {}),
    ("snapshots",): ([snapshots], set(), {}),
    ("diff",): ([diff_windows], set(), {}),
    ("map",): ([network_map, run_analysis], set(), {}),
    ("report",): ([write_report, run_analysis], set(), {}),
    ("export",): ([export_case, run_analysis], set(), {"fmt": "format",
                                                        "no_analysis": "analysis"}),
    ("neo4j", "push"): ([push_case], set(), {}),
    ("neo4j", "pull"): ([pull_graph], set(), {}),
    ("neo4j", "measures"): ([neo4j_measures], set(), {"no_gds": "use_gds"}),
    ("neo4j", "server"): ([local_server], set(), {}),
    # the stages of the main job, one at a time
    ("validate",): ([load_case], {"rejects_path"}, {}),
    ("resolve",): ([resolve_entities], set(), {}),
    ("infer",): ([infer_links], set(), {}),
    ("match",): ([match_seeds], set(), {}),
    ("anticipate",): ([anticipate], set(), {"fugitives": "fugitive"}),
    ("watch",): ([watch], {"report_path"}, {"rules_path": "rules", "state_dir": "state"}),
}

#: Commands that read a case folder: each has every shared option.
CASE_COMMANDS = [p for p in MIRRORS if p not in {("neo4j", "pull"), ("neo4j", "measures"),
                                                  ("neo4j", "server"),  # loads the whole case
                                                  ("validate",), ("resolve",), ("infer",),
                                                  ("match",)}]


def _command(path):
    cmd = main
    for name in path:
        cmd = cmd.commands[name]
    return cmd


def _options(cmd):
    return {p.name: p for p in cmd.params if isinstance(p, click.Option)}


def _keywords(functions):
    out = {}
    for f in functions:
        for name, p in inspect.signature(f).parameters.items():
            if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD):
                out.setdefault(name, p.default)
    return out


@pytest.mark.parametrize("path", list(MIRRORS), ids=" ".join)
def test_options_are_keywords_of_the_library_function(path):
    functions, own_cli_only, renamed = MIRRORS[path]
    keywords = _keywords(functions)
    problems = []
    for name, opt in _options(_command(path)).items():
        if name in CLI_ONLY or name in own_cli_only:
            continue
        kw = renamed.get(name) or CLI_TO_LIBRARY.get(name) or name
        if name in PREPARE_OPTIONS and kw not in keywords:
            continue  # the case is prepared by prepare_case before the call (checked below)
        if kw not in keywords:
            problems.append(f"--{name.replace('_', '-')} is not a keyword of "
                            f"{', '.join(f.__name__ for f in functions)}")
            continue
        default = keywords[kw]
        if (kw == name and opt.default is not None and not opt.is_flag and not opt.multiple
                and default is not inspect.Parameter.empty and default is not None):
            if opt.default != default:
                problems.append(f"--{name} defaults to {opt.default!r}, "
                                f"{kw}= to {default!r}")
    assert not problems, problems


@pytest.mark.parametrize("path", CASE_COMMANDS, ids=" ".join)
def test_every_command_that_reads_a_case_has_the_shared_options(path):
    opts = _options(_command(path))
    missing = [n for n in PREPARE_OPTIONS + ("quiet",) if n not in opts
               and not (path == ("anticipate",) and n == "no_infer")]  # never infers
    if path not in {("neo4j", "push"), ("watch",), ("anticipate",)}:  # the whole case: no filters
        want_window = path != ("diff",)  # diff has its own two windows
        missing += [n for n in FILTER_OPTIONS if n not in opts
                    and (want_window or n not in ("since", "until"))]
    assert not missing, f"{' '.join(path)} lacks {missing}"


def test_shared_options_are_the_keywords_of_prepare_case_and_filter_edges():
    prep = set(inspect.signature(prepare_case).parameters)
    filt = set(inspect.signature(filter_edges).parameters)
    for name in PREPARE_OPTIONS:
        assert CLI_TO_LIBRARY.get(name, name) in prep, name
    spelt = {"link_types": "link_types", "min_confidence": "min_confidence",
             "no_inferred": "include_inferred", "since": "since", "until": "until"}
    assert set(spelt) == set(FILTER_OPTIONS)
    assert set(spelt.values()) <= filt


def test_the_table_is_complete():
    """Every command that has a CASE argument is listed above (so a new one is checked)."""
    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            if isinstance(cmd, click.Group):
                yield from walk(cmd, prefix + (name,))
            elif any(p.name == "case" for p in cmd.params):
                yield prefix + (name,)
    assert set(walk(main)) <= set(MIRRORS)
