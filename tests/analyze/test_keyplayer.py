import networkx as nx
import pytest

from netanalysis.analyze.keyplayer import fragmentation, key_players, key_players_exact


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_greedy_reaches_the_brute_force_optimum(seed, k):
    G = nx.gnm_random_graph(11, 15, seed=seed)
    ids, F = key_players(G, k, seed=0)
    _, best = key_players_exact(G, k)
    assert F == pytest.approx(best)
    assert fragmentation(G, ids) == pytest.approx(F)


def test_fragmentation_values():
    assert fragmentation(nx.complete_graph(4)) == 0.0
    assert fragmentation(nx.empty_graph(4)) == 1.0
    assert fragmentation(nx.star_graph(3), [0]) == 1.0


def test_seeded_and_candidates():
    G = nx.les_miserables_graph()
    a = key_players(G, 3, seed=4)
    assert a == key_players(G, 3, seed=4)
    ids, F = key_players(G, 3, seed=4, candidates=10)
    top10 = {v for v, _ in sorted(G.degree(), key=lambda x: (-x[1], x[0]))[:10]}
    assert len(ids) == 3 and set(ids) <= top10
    assert F == pytest.approx(fragmentation(G, ids)) and F > fragmentation(G)
    assert "Valjean" in a[0] and "Valjean" in ids


# --- limits from settings (issue 12: no literal defaults in library or CLI code) -------------

def _kp_case():
    from netanalysis.ingest import case_from_records
    return case_from_records(
        persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
                 {"id": "S2", "name": "Eva"}, {"id": "S3", "name": "Rui"}],
        links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
               {"from_id": "S2", "to_id": "S1", "type": "documents", "grading": "C3"},
               {"from_id": "S3", "to_id": "S2", "type": "financial", "grading": "C3"}])


def _kp_spy(monkeypatch):
    import netanalysis.analyze.keyplayer as mod
    seen = {}
    real = mod.key_players

    def spy(G, k, **kw):
        seen.update(kw, k=k)
        return real(G, k, **kw)

    monkeypatch.setattr(mod, "key_players", spy)
    return seen


def test_key_player_defaults_are_the_yaml_values(monkeypatch):
    import yaml

    from netanalysis.analyze.keyplayer import key_player_table
    from pathlib import Path

    import netanalysis
    folder = Path(netanalysis.__file__).parent / "schema" / "settings"
    yml = yaml.safe_load((folder / "keyplayers.yaml").read_text("utf-8"))["keyplayers"]
    seen = _kp_spy(monkeypatch)
    key_player_table(_kp_case())
    assert (seen["k"], seen["restarts"], seen["max_iter"]) == \
        (yml["k"], yml["restarts"], yml["max_iter"])
    assert seen["candidates"] is None   # 4 people <= all_candidates_max_nodes


def test_a_settings_file_changes_the_key_player_limits(tmp_path, monkeypatch):
    from netanalysis.analyze.keyplayer import key_player_table
    from netanalysis.settings import load_settings
    f = tmp_path / "s.yaml"
    f.write_text("keyplayers:\n  k: 2\n  restarts: 3\n  max_iter: 7\n"
                 "  all_candidates_max_nodes: 3\n  candidates: 2\n", "utf-8")
    seen = _kp_spy(monkeypatch)
    t = key_player_table(_kp_case(), settings=load_settings(f, env={}))
    assert len(t) == 2
    assert (seen["k"], seen["restarts"], seen["max_iter"], seen["candidates"]) == (2, 3, 7, 2)
    key_player_table(_kp_case(), 1, restarts=1, settings=load_settings(f, env={}))
    assert (seen["k"], seen["restarts"]) == (1, 1)
