import networkx as nx
import pytest

from netanalysis.analyze.disrupt import DISRUPT_COLUMNS, simulate_disruption
from netanalysis.errors import UnknownEntityError
from netanalysis.model import party_edges, party_graph, party_nodes, support_graph


def test_sequential_vs_block_on_a_chain_of_stars():
    # three stars chained through their centres; after removing the middle, block mode
    # keeps following the stale ranking
    G = nx.Graph()
    for c in ("A", "B", "C"):
        G.add_edges_from((c, f"{c}{i}") for i in range(4))
    G.add_edges_from([("A", "B"), ("B", "C")])
    seq = simulate_disruption(G, "betweenness", mode="sequential", steps=2)
    blk = simulate_disruption(G, "betweenness", mode="block", steps=2)
    assert list(seq.columns) == DISRUPT_COLUMNS
    assert seq["removed_id"].tolist()[1:] == ["B", "A"] and blk["removed_id"].tolist()[1:] == ["B", "A"]
    assert seq.loc[0, "lcc_fraction"] == 1.0 and seq.loc[0, "lcc_size"] == 15
    assert seq.loc[1, "lcc_size"] == 5


def test_list_of_ids_and_unknown_id():
    G = nx.path_graph(5)
    df = simulate_disruption(G, [2])
    assert df["removed_id"].tolist() == [None, 2] and df.loc[1, "lcc_size"] == 2
    with pytest.raises(UnknownEntityError):
        simulate_disruption(G, [99])
    with pytest.raises(ValueError):
        simulate_disruption(G, "closeness")


def test_lost_support_is_reported(hub_case):
    e = party_edges(hub_case)
    n = party_nodes(hub_case)
    df = simulate_disruption(party_graph(e, n), ["FAC", "COURIER"], support=support_graph(e, n))
    assert df.loc[1, "lost_support"] == "F1 (documents); F2 (lodging)"
    assert df.loc[1, "fugitives_affected"] == 2
    assert df.loc[1, "fugitives_unsupported"] == 1  # F1 has no other supplier
    assert df.loc[2, "fugitives_unsupported"] == 2


def test_degree_and_pagerank_strategies_run():
    G = nx.karate_club_graph()
    assert simulate_disruption(G, "degree", steps=1).loc[1, "removed_id"] == 33
    assert simulate_disruption(G, "pagerank", steps=1).loc[1, "removed_id"] == 33


# --- limits from settings (issue 12: no literal defaults in library or CLI code) -------------

def _disrupt_case():
    from netanalysis.ingest import case_from_records
    return case_from_records(
        persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
                 {"id": "S2", "name": "Eva"}, {"id": "S3", "name": "Rui"}],
        links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
               {"from_id": "S2", "to_id": "S1", "type": "family", "grading": "C3"},
               {"from_id": "S3", "to_id": "S2", "type": "family", "grading": "C3"}])


def _spy(monkeypatch):
    import netanalysis.analyze.disrupt as mod
    seen = {}
    real = mod.simulate_disruption

    def spy(G, strategy, **kw):
        seen.update(kw, strategy=strategy)
        return real(G, strategy, **kw)

    monkeypatch.setattr(mod, "simulate_disruption", spy)
    return seen


def test_disruption_defaults_are_the_yaml_values(monkeypatch):
    import yaml

    from netanalysis.analyze.disrupt import disruption_table
    from pathlib import Path

    import netanalysis
    folder = Path(netanalysis.__file__).parent / "schema" / "settings"
    yml = yaml.safe_load((folder / "disrupt.yaml").read_text("utf-8"))["disrupt"]
    seen = _spy(monkeypatch)
    disruption_table(_disrupt_case())
    assert seen["strategy"] == yml["strategy"] and seen["mode"] == yml["mode"]
    assert seen["steps"] == yml["steps"]
    assert seen["k"] is None   # 4 people <= exact_max_nodes: exact betweenness


def test_a_settings_file_changes_the_disruption_limits(tmp_path, monkeypatch):
    from netanalysis.analyze.disrupt import disruption_table
    from netanalysis.settings import load_settings
    f = tmp_path / "s.yaml"
    f.write_text("disrupt:\n  strategy: degree\n  mode: block\n  steps: 2\n"
                 "  exact_max_nodes: 3\n  sample: 2\n", "utf-8")
    seen = _spy(monkeypatch)
    t = disruption_table(_disrupt_case(), settings=load_settings(f, env={}))
    assert len(t) == 3
    assert (seen["strategy"], seen["mode"], seen["steps"], seen["k"]) == ("degree", "block", 2, 2)
    # explicit arguments win over the settings
    disruption_table(_disrupt_case(), "pagerank", steps=1, sample=3,
                     settings=load_settings(f, env={}))
    assert (seen["strategy"], seen["steps"], seen["k"]) == ("pagerank", 1, 3)


def test_the_disrupt_command_reads_its_limits_from_settings(tmp_path):
    from click.testing import CliRunner

    from netanalysis.cli import main
    case = tmp_path / "case"
    case.mkdir()
    (case / "persons.csv").write_text("id,name,role\nF1,Ana,fugitive\nS1,Luis,\nS2,Eva,\n"
                                      "S3,Rui,\n", "utf-8")
    (case / "links.csv").write_text("from_id,to_id,type\nS1,F1,lodging\nS2,S1,family\n"
                                    "S3,S2,family\n", "utf-8")
    s = tmp_path / "s.yaml"
    s.write_text("disrupt:\n  steps: 1\n", "utf-8")
    r = CliRunner().invoke(main, ["disrupt", str(case), "--format", "csv", "-q"])
    assert r.exit_code == 0, r.output
    default_rows = len(r.stdout.strip().splitlines())
    r = CliRunner().invoke(main, ["disrupt", str(case), "--format", "csv", "-q",
                                  "--settings", str(s)])
    assert r.exit_code == 0, r.output
    assert len(r.stdout.strip().splitlines()) == 1 + 2 < default_rows   # header, step 0, step 1
