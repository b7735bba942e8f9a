"""Typed, strict settings: every rejection names the key, the source and the nearest spelling."""

import dataclasses
import typing

import pytest
import yaml
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st

from netanalysis.errors import InputError, NetanalysisError
from netanalysis.model.vocab import INFERRED_LINK_TYPES
from netanalysis.settings import (
    MAX_SETTINGS_BYTES,
    MAX_SETTINGS_DEPTH,
    SECTIONS,
    InferSettings,
    RankSettings,
    Settings,
    default_settings,
    load_settings,
    section_settings,
)


def _write(tmp_path, text, name="s.yaml"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


# --- precedence and the public API ----------------------------------------------------------

def test_precedence(tmp_path):
    f = _write(tmp_path, "neo4j:\n  database: fromfile\n  batch_size: 10\n")
    s = load_settings(f, env={"NETANALYSIS_NEO4J__BATCH_SIZE": "20"})
    assert s.neo4j["database"] == "fromfile" and s.neo4j["batch_size"] == 20
    s = load_settings(f, env={"NEO4J_DATABASE": "envdb"}, neo4j={"batch_size": 30})
    assert s.neo4j["database"] == "envdb" and s.neo4j["batch_size"] == 30


def test_precedence_defaults_file_env_kwargs_on_one_key(tmp_path):
    key = {"NETANALYSIS_RANK__WEIGHTS__DANGER": "3"}
    f = _write(tmp_path, "rank:\n  weights:\n    danger: 2\n")
    assert load_settings(env={}).rank.weights.danger == 4.0
    assert load_settings(f, env={}).rank.weights.danger == 2.0
    assert load_settings(f, env=key).rank.weights.danger == 3.0
    s = load_settings(f, env=key, rank={"weights": {"danger": 1}})
    assert s.rank.weights.danger == 1.0
    # the keys not overridden keep their defaults, and numbers are floats where declared
    assert s.rank.weights.support == 3.0 and isinstance(s.rank.weights.danger, float)


def test_sections_are_typed_and_the_old_uses_keep_working():
    s = load_settings(env={})
    assert isinstance(s, Settings) and isinstance(s.rank, RankSettings)
    assert s.rank.betweenness.exact_max_nodes == s.rank["betweenness"]["exact_max_nodes"] == 3000
    assert s.section("map") == s["map"] == default_settings()["map"]
    assert sorted(s) == sorted(SECTIONS)
    assert isinstance(s.section("rank"), dict) and s.public()["infer"]["co_travel"]["memory_limit"] == "2GB"
    with pytest.raises(AttributeError, match="did you mean rank"):
        s.rnak  # noqa: B018
    with pytest.raises(AttributeError):
        s.rank = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.rank.weights.danger = 9.0


def test_password_never_shown():
    s = load_settings(env={"NEO4J_PASSWORD": "s3cret-pw"})
    assert s.neo4j["password"] == "s3cret-pw" and s.neo4j.password == "s3cret-pw"
    assert "s3cret-pw" not in repr(s) and "s3cret-pw" not in str(s.public())
    assert "s3cret-pw" not in repr(s.neo4j) and "s3cret-pw" not in str(s)
    assert s.public()["neo4j"]["password"] == "***"


def test_phone_region_no_is_norway(tmp_path):
    f = _write(tmp_path, "ingest:\n  phone_region: NO\n")  # YAML 1.1 reads NO as false
    assert load_settings(f, env={}).ingest.phone_region == "NO"
    assert load_settings(env={"NETANALYSIS_INGEST__PHONE_REGION": "co"}).ingest.phone_region == "CO"
    with pytest.raises(InputError, match="ingest.phone_region: not a country code"):
        load_settings(env={"NETANALYSIS_INGEST__PHONE_REGION": "Colombia"})


# --- the defaults files and the dataclasses are one contract --------------------------------

def _walk(cls, data, path):
    hints = typing.get_type_hints(cls)
    assert set(hints) == set(data), f"{path}: dataclass {sorted(hints)} vs YAML {sorted(data)}"
    for k, t in hints.items():
        t = next((a for a in typing.get_args(t) if a is not type(None)), t) \
            if typing.get_origin(t) is typing.Union else t
        if dataclasses.is_dataclass(t):
            _walk(t, data[k], f"{path}.{k}")


def test_yaml_defaults_have_exactly_the_dataclass_fields():
    d = default_settings()
    assert set(d) == set(SECTIONS)
    for name, cls in SECTIONS.items():
        _walk(cls, d[name], name)


def test_inferred_types_follow_the_vocabulary():
    t = typing.get_type_hints(InferSettings)["types"]
    assert typing.get_args(typing.get_args(t)[0]) == tuple(INFERRED_LINK_TYPES)


def test_one_value_for_betweenness_on_both_backends():
    from netanalysis.analyze.measures import sample_size

    s = load_settings(env={})
    assert "betweenness_k" not in s.neo4j.gds and "betweenness_exact_max" not in s.neo4j.gds
    # both backends draw k from rank.betweenness through sample_size
    assert sample_size(3000, settings=s) is None and sample_size(3001, settings=s) == 64
    assert (s.rank.betweenness.exact_max_nodes, s.rank.betweenness.sample) == (3000, 1024)
    assert sample_size(100_000, settings=s, ties=62_500) == 512   # the work budget's rule
    assert sample_size(100_000, settings=s, ties=250_000) == 128
    assert sample_size(1_000_000, settings=s, ties=10_000_000) == 64
    assert s.rank.closeness_max_nodes == 5000


# --- rejections -----------------------------------------------------------------------------

def test_unknown_section_in_file_names_line_column_and_suggestion(tmp_path):
    f = _write(tmp_path, "rank:\n  weights:\n    danger: 2\nresolv:\n  threshold: 1\n")
    with pytest.raises(InputError, match="unknown settings section resolv: did you mean resolve") as ei:
        load_settings(f, env={})
    assert (ei.value.file, ei.value.line, ei.value.column) == (str(f), 4, 1)


def test_unknown_key_from_env_names_variable_and_suggestion():
    with pytest.raises(InputError) as ei:
        load_settings(env={"NETANALYSIS_RANK__WIEGHTS__DANGER": "9"})
    msg = str(ei.value)
    assert "unknown key rank.wieghts" in msg and "NETANALYSIS_RANK__WIEGHTS__DANGER" in msg
    assert msg.endswith("did you mean weights?")
    with pytest.raises(InputError, match=r"unknown key rank\.weights\.dangr .*did you mean danger"):
        load_settings(env={"NETANALYSIS_RANK__WEIGHTS__DANGR": "9"})
    with pytest.raises(InputError, match="unknown settings section rnak .*did you mean rank"):
        load_settings(env={"NETANALYSIS_RNAK__WEIGHTS__DANGER": "9"})


def test_unknown_key_in_file_and_kwargs(tmp_path):
    f = _write(tmp_path, "infer:\n  co_travel:\n    max_pasengers: 3\n")
    with pytest.raises(InputError, match=r"unknown key infer\.co_travel\.max_pasengers: "
                                         "did you mean max_passengers") as ei:
        load_settings(f, env={})
    assert (ei.value.line, ei.value.column) == (3, 5)
    with pytest.raises(InputError, match=r"unknown key map\.hieght \(keyword argument map=\): "
                                         "did you mean height"):
        load_settings(env={}, map={"hieght": "500px"})
    with pytest.raises(InputError, match="unknown settings section mapp"):
        load_settings(env={}, mapp={})


def test_wrong_type_from_file_has_line_and_column(tmp_path):
    f = _write(tmp_path, "rank:\n  support:\n    hops: three\n")
    with pytest.raises(InputError, match="rank.support.hops: expected a whole number, got 'three'") as ei:
        load_settings(f, env={})
    assert (ei.value.file, ei.value.line, ei.value.column) == (str(f), 3, 11)
    for text, match in [("resolve:\n  enabled: yes please\n", "expected true or false"),
                        ("rank:\n  weights: [1, 2]\n", "expected a mapping of keys, got a list"),
                        ("rank:\n  weights:\n    danger: .nan\n", "expected a finite number"),
                        ("rank:\n  support:\n    hops: 0\n", "must be at least 1"),
                        ("rank:\n  communities:\n    method: leidn\n", "did you mean leiden"),
                        ("rank:\n  centrality:\n    measures: [betweeness]\n",
                         r"centrality\.measures\[0\]: unknown value 'betweeness'.*did you mean betweenness"),
                        ("map:\n  role_colors:\n    fugitive: 12\n", "map.role_colors.fugitive: not a CSS colour"),
                        ("neo4j:\n  database: 12\n", "neo4j.database: expected text"),
                        ("rank: 3\n", "a section must be a mapping"),
                        ("- rank\n", "must be a mapping of sections"),
                        ("rank:\n  weights:\n    danger: 1\n    danger: 2\n", "is given twice")]:
        f = _write(tmp_path, text)
        with pytest.raises(InputError, match=match) as ei:
            load_settings(f, env={})
        assert ei.value.file == str(f) and ei.value.line is not None, text


def test_wrong_type_from_env_names_the_variable():
    with pytest.raises(InputError) as ei:
        load_settings(env={"NETANALYSIS_RESOLVE__THRESHOLD": "high"})
    assert str(ei.value) == ("resolve.threshold: expected a number, got 'high' (text) "
                             "(environment variable NETANALYSIS_RESOLVE__THRESHOLD)")
    # a text key takes the variable's text as it is, never parsed as YAML
    assert load_settings(env={"NETANALYSIS_NEO4J__DATABASE": "123"}).neo4j.database == "123"
    with pytest.raises(InputError, match="rank.weights.danger has no keys"):
        load_settings(env={"NETANALYSIS_RANK__WEIGHTS__DANGER__X": "1"})


def test_yaml_aliases_are_refused(tmp_path):
    # the shape of the red-team file: 286 bytes that expanded into a 2.9 MB summary.json
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
              for i in range(8)]
    f = _write(tmp_path, "rank:\n  why:\n" + "".join(f"    {x}\n" for x in lines))
    with pytest.raises(InputError, match="anchors and aliases are not allowed") as ei:
        load_settings(f, env={})
    assert ei.value.line == 3
    f = _write(tmp_path, "map: &m\n  seed: 1\nrank: *m\n")
    with pytest.raises(InputError, match="anchors and aliases"):
        load_settings(f, env={})
    with pytest.raises(InputError, match="anchors and aliases"):
        load_settings(env={"NETANALYSIS_INFER__TYPES": "[&a co_travel, *a]"})


def test_size_and_depth_are_bounded(tmp_path):
    f = _write(tmp_path, "rank:\n  why:\n    top_percent: 5\n" + "#" * MAX_SETTINGS_BYTES)
    with pytest.raises(InputError, match="settings file too large"):
        load_settings(f, env={})
    deep = "rank: " + "[" * (MAX_SETTINGS_DEPTH + 5) + "]" * (MAX_SETTINGS_DEPTH + 5) + "\n"
    with pytest.raises(InputError, match="nested more than"):
        load_settings(_write(tmp_path, deep), env={})
    with pytest.raises(InputError, match="nested more than"):
        load_settings(_write(tmp_path, "rank: " + "[" * 100_000 + "\n"), env={})


def test_sizes_and_paths_are_checked():
    inject = "1GB'; COPY (SELECT 1) TO '/tmp/pwned.csv'; --"
    with pytest.raises(InputError) as ei:
        load_settings(env={"NETANALYSIS_INFER__CO_TRAVEL__MEMORY_LIMIT": inject})
    assert "infer.co_travel.memory_limit: not a size" in str(ei.value)
    assert "NETANALYSIS_INFER__CO_TRAVEL__MEMORY_LIMIT" in str(ei.value)
    for good in ("2GB", "512MiB", "1.5 GB", "100B"):
        assert load_settings(infer={"co_travel": {"memory_limit": good}}).infer.co_travel.memory_limit == good
    for bad in ("2", "2gb", "GB", "-1GB", "2 GB;", 2):
        with pytest.raises(InputError, match="not a size"):
            load_settings(env={}, infer={"co_travel": {"memory_limit": bad}})
    assert load_settings(env={"NETANALYSIS_INFER__CO_TRAVEL__TEMP_DIRECTORY": "/tmp/spill"}
                         ).infer.co_travel.temp_directory == "/tmp/spill"
    for bad in ("/tmp/x'; DROP", '/tmp/"x"', "/tmp/x\ny", "/tmp/\x00"):
        with pytest.raises(InputError, match="temp_directory: not a usable path"):
            load_settings(env={}, infer={"co_travel": {"temp_directory": bad}})


def test_unreadable_or_broken_files(tmp_path):
    f = _write(tmp_path, "rank:\n  weights: [1,\n")
    with pytest.raises(InputError) as ei:
        load_settings(f, env={})
    assert ei.value.file == str(f) and ei.value.line is not None
    with pytest.raises(InputError, match="cannot read settings file"):
        load_settings(tmp_path / "missing.yaml", env={})
    with pytest.raises(InputError, match="not a regular file"):
        load_settings(tmp_path, env={})
    (tmp_path / "latin.yaml").write_bytes("map:\n  height: '\xe9'\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_settings(tmp_path / "latin.yaml", env={})
    assert load_settings(_write(tmp_path, "# nothing\n"), env={}) == load_settings(env={})


# --- one section from partial dicts (what library functions accept) -------------------------

def test_section_settings_accepts_partial_dicts_and_checks_them():
    assert section_settings({"threshold": 1.5}, "resolve").threshold == 1.5
    assert section_settings({"resolve": {"threshold": 1.5}}, "resolve").threshold == 1.5
    s = load_settings(env={}, resolve={"max_block": 7})
    assert section_settings(s, "resolve").max_block == 7
    assert section_settings(s.resolve, "resolve") is s.resolve
    assert section_settings(None, "infer") == load_settings(env={}).infer
    with pytest.raises(InputError, match="unknown key resolve.threshhold.*did you mean threshold"):
        section_settings({"threshhold": 1.5}, "resolve")
    with pytest.raises(InputError, match="expected the rank settings"):
        section_settings(s.resolve, "rank")
    with pytest.raises(InputError, match="unknown settings section"):
        section_settings(None, "ranking")


def test_analysis_reads_typed_settings(make_case_small):
    from netanalysis.analyze import run_analysis

    a = run_analysis(make_case_small, settings=load_settings(env={}, rank={"betweenness": {
        "exact_max_nodes": 2, "sample": 2}}))
    assert a.meta["betweenness_k"] == 2
    with pytest.raises(InputError, match="did you mean sample"):
        run_analysis(make_case_small, settings={"betweenness": {"samples": 2}})


@pytest.fixture
def make_case_small(tmp_path):
    from netanalysis.ingest import load_case

    (tmp_path / "persons.csv").write_text(
        "id,name,role,notice\nF1,Ana Uno,fugitive,red\nA1,Beto Dos,unknown,\n"
        "A2,Carla Tres,unknown,\nA3,Dario Cuatro,unknown,\n", "utf-8")
    (tmp_path / "links.csv").write_text(
        "from_id,to_id,type\nA1,F1,lodging\nA2,A1,documents\nA3,A2,associate\n", "utf-8")
    return load_case(tmp_path)


def test_analyze_case_passes_its_settings_to_map_and_report(make_case_small, tmp_path, monkeypatch):
    import netanalysis.present as present
    from netanalysis.pipeline import analyze_case

    seen = {}
    monkeypatch.setattr(present, "network_map", lambda *a, **kw: seen.setdefault("map", kw))
    monkeypatch.setattr(present, "write_report", lambda *a, **kw: seen.setdefault("report", kw))
    s = load_settings(env={}, map={"height": "555px"})
    analyze_case(tmp_path, tmp_path / "out", settings=s, resolve=False, infer=False)
    assert seen["map"]["settings"] is s and seen["report"]["settings"] is s


def test_map_section_reaches_the_drawn_map(make_case_small, tmp_path):
    from netanalysis.present import network_map

    out = tmp_path / "m.html"
    network_map(make_case_small, out, settings=load_settings(env={}, map={
        "height": "555px", "role_colors": {"fugitive": "#123456"}}))
    html = out.read_text("utf-8")
    assert "555px" in html and "#123456" in html


# --- fuzz: any settings file gives settings or a netanalysis error, never a traceback -------

_KEYS = st.sampled_from(["rank", "resolve", "infer", "map", "neo4j", "ingest", "weights", "danger",
                         "support", "hops", "co_travel", "memory_limit", "threshold", "seed",
                         "height", "gds", "x", "<<", "types", "enabled", "measures"])
_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                    st.floats(allow_nan=True), st.text(max_size=20),
                    st.sampled_from(["2GB", "leiden", "co_travel", "NO", "1e309", "&a", "*a"]))
_VALUES = st.recursive(_LEAVES, lambda c: st.one_of(st.lists(c, max_size=4),
                                                    st.dictionaries(_KEYS, c, max_size=4)),
                       max_leaves=20)


def _no_traceback(fn):
    try:
        return fn()
    except NetanalysisError:
        return None


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(_KEYS, _VALUES, max_size=4))
def test_fuzz_structured_settings_files(tmp_path, data):
    f = tmp_path / "fuzz.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    s = _no_traceback(lambda: load_settings(f, env={}))
    assert s is None or isinstance(s.rank, RankSettings)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("rankmp:_ -[]{}&*!|>'\"#\n\t0123456789.,%@`\\?<=")),
                    max_size=120))
def test_fuzz_raw_settings_text(tmp_path, text):
    f = tmp_path / "fuzz.yaml"
    f.write_text(text, "utf-8")
    _no_traceback(lambda: load_settings(f, env={}))
    _no_traceback(lambda: load_settings(env={"NETANALYSIS_RANK__WEIGHTS": text}))
    _no_traceback(lambda: load_settings(env={"NETANALYSIS_RANK__WEIGHTS__DANGER": text}))


def test_cli_reports_settings_errors_in_one_line(example_case, tmp_path):
    from click.testing import CliRunner

    from netanalysis.cli import main

    bad = _write(tmp_path, "rank:\n  wieghts:\n    danger: 9\n")
    r = CliRunner().invoke(main, ["rank", str(example_case), "--settings", str(bad), "-q"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert f"{bad}:2:3: unknown key rank.wieghts: did you mean weights?" in r.output
    r = CliRunner().invoke(main, ["rank", str(example_case), "-q"],
                           env={"NETANALYSIS_INFER__CO_TRAVEL__MEMORY_LIMIT": "1GB'; --"})
    assert r.exit_code == 2 and "NETANALYSIS_INFER__CO_TRAVEL__MEMORY_LIMIT" in r.output


def test_env_keys_match_mixed_case_keys():
    s = load_settings(env={"NETANALYSIS_MAP__KIND_COLORS__PHONE": "#010203"})
    assert s.map.kind_colors["Phone"] == "#010203" and "phone" not in s.map.kind_colors


def test_colours_lengths_and_shapes_reaching_html_are_checked():
    for bad, match in [({"height": "820px; background:url(http://x)"}, "map.height: not a CSS length"),
                       ({"role_colors": {"fugitive": "red;background:url(http://x)"}},
                        "map.role_colors.fugitive: not a CSS colour"),
                       ({"group_palette": ["#fff", "</style><script>"]}, r"map.group_palette\[1\]: not a CSS"),
                       ({"kind_shapes": {"Person": "blob"}}, "map.kind_shapes.Person: unknown value 'blob'")]:
        with pytest.raises(InputError, match=match):
            load_settings(env={}, map=bad)
    s = load_settings(env={}, map={"height": "90vh", "role_colors": {"fugitive": "rgb(1, 2, 3)"}})
    assert s.map.height == "90vh" and s.map.role_colors["fugitive"] == "rgb(1, 2, 3)"
