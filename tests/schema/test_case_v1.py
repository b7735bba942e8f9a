"""The case format declared as data (schema/case_v1.yaml) matches ../shared/CASE_FORMAT.md.

Every file, column, required flag (``*``) and enumeration of the Markdown document must be
in the YAML, and the other way round.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from netanalysis.model.vocab import case_schema

REPO = Path(__file__).resolve().parents[2]


def _format_doc():
    env = os.environ.get("NETANALYSIS_SHARED")
    shared = Path(env) if env else REPO.parent / "shared"
    p = shared / "CASE_FORMAT.md"
    if not p.is_file():
        if os.environ.get("NETANALYSIS_REQUIRE_SHARED"):
            pytest.fail(f"NETANALYSIS_REQUIRE_SHARED is set but {p} does not exist")
        pytest.skip(f"{p} not found (a user's checkout has no ../shared)")
    return p.read_text("utf-8")


_TOKEN = re.compile(r"`([^`]*)`")
_ENUM_LIST = re.compile(r"^\s*`[a-z_]+`(?:(?:,\s*|\s+or\s+)`[a-z_]+`)+")
_COLUMN = re.compile(r"^[a-z_]+\*?$")


def parse_case_format(text):
    """Return ``{file: {column: {"required": bool, "values": list or None}}}`` from the doc."""
    files = {}
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    for sec in sections:
        title, _, body = sec.partition("\n")
        names = re.findall(r"([a-z_]+\.csv)", title)
        if not names:
            continue
        if "| column |" in body:
            (name,) = names
            files[name] = _parse_table(body)
        elif len(names) == 1:
            files[names[0]] = _parse_inline(body)
        else:
            for name in names:
                m = re.search(r"`%s`:" % re.escape(name), body)
                files[name] = _parse_inline(body[m.end():])
    return files


def _parse_table(body):
    cols = {}
    for line in body.splitlines():
        if not line.startswith("|") or line.startswith("|---") or "| column |" in line:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        names, meaning = cells[0], " | ".join(cells[1:])
        m = _ENUM_LIST.match(meaning)
        values = _TOKEN.findall(m.group(0)) if m else None
        for n in names.split(","):
            n = n.strip()
            cols[n.rstrip("*")] = {"required": n.endswith("*"), "values": values}
    return cols


def _parse_inline(body):
    """Columns listed as `a*`, `b` (`x`, `y`), ... up to the first full stop outside brackets."""
    cols = {}
    depth = 0
    i = 0
    last = None
    while i < len(body):
        ch = body[i]
        if ch == "`":
            j = body.index("`", i + 1)
            tok = body[i + 1:j]
            if depth == 0 and _COLUMN.match(tok):
                last = tok.rstrip("*")
                cols[last] = {"required": tok.endswith("*"), "values": None}
            i = j + 1
            continue
        if ch == "(":
            j = body.index(")", i)
            inner = body[i + 1:j]
            if last and _ENUM_LIST.match(inner) and _ENUM_LIST.match(inner).end() == len(inner.strip()):
                cols[last]["values"] = _TOKEN.findall(inner)
            i = j + 1
            continue
        if ch == "." and depth == 0 and cols and (i + 1 == len(body) or body[i + 1] in " \n"):
            break
        i += 1
    return cols


def test_parser_reads_a_known_snippet():
    doc = ("## persons.csv\n| column | meaning |\n|---|---|\n| id* | unique |\n"
           "| role | `a`, `b` or `c` (default) |\n| offences | e.g. `x\\|y` |\n"
           "## phones.csv and calls.csv\n`phones.csv`: `number*`, `kind` (`p`, `q`). "
           "`calls.csv`: `caller*`, `start`. Numbers `x`.\n")
    assert parse_case_format(doc) == {
        "persons.csv": {"id": {"required": True, "values": None},
                        "role": {"required": False, "values": ["a", "b", "c"]},
                        "offences": {"required": False, "values": None}},
        "phones.csv": {"number": {"required": True, "values": None},
                       "kind": {"required": False, "values": ["p", "q"]}},
        "calls.csv": {"caller": {"required": True, "values": None},
                      "start": {"required": False, "values": None}},
    }


def test_yaml_matches_case_format_md():
    doc = parse_case_format(_format_doc())
    yaml_files = {spec["file"]: spec["columns"] for spec in case_schema()["files"].values()}
    assert set(doc) == set(yaml_files)
    for name, cols in doc.items():
        ycols = yaml_files[name]
        assert list(cols) == list(ycols), name
        for col, d in cols.items():
            y = ycols[col]
            assert d["required"] == bool(y.get("required")), f"{name}:{col} required"
            if d["values"] is not None:
                assert y["type"] in ("enum", "enum_list"), f"{name}:{col} is an enumeration"
                assert d["values"] == y["values"], f"{name}:{col} values"
            else:
                assert y["type"] not in ("enum", "enum_list"), f"{name}:{col} has no values in the doc"


def test_every_file_kind_is_documented_and_required_file_is_persons():
    files = case_schema()["files"]
    assert [k for k, s in files.items() if s.get("required_file")] == ["persons"]
    assert set(case_schema()["load_order"]) == set(files)


def parse_outputs(text):
    """Return ``{file: [columns]}`` from the doc's table of what the main job writes."""
    sec = re.split(r"^## ", text, flags=re.M)
    body = next(s for s in sec if s.startswith("What the main job writes"))
    out = {}
    for line in body.splitlines():
        if not line.startswith("|") or line.startswith("|---") or "| file |" in line:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = cells[0]
        cols = " | ".join(cells[1:]).split(":")[0]
        out[name] = [t.split(" ")[0] for t in _TOKEN.findall(cols) if not t.startswith("netanalysis")]
    return out


def test_output_contract_matches_case_format_md():
    doc = parse_outputs(_format_doc())
    assert "movements.csv" in doc
    # outputs marked `extra: true` (review.csv) are the package's own, not the shared table's
    assert doc == {k: list(v) for k, v in case_schema()["outputs"].items()
                   if not (isinstance(v, dict) and v.get("extra"))}
