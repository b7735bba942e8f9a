"""``netanalysis neo4j``: commands, exit codes and messages."""

from __future__ import annotations

import socket

import pandas as pd
import pytest
from click.testing import CliRunner

from netanalysis.backends.neo4j import push_case
from netanalysis.ingest.graphml import import_graph
from netanalysis.cli import main


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_exits_3_with_one_line():
    uri = f"bolt://127.0.0.1:{_free_port()}"
    res = CliRunner().invoke(main, ["neo4j", "measures", "--uri", uri],
                             env={"NEO4J_PASSWORD": "hunter2-secret"})
    assert res.exit_code == 3
    assert res.output.startswith(f"error: cannot reach Neo4j at {uri}")
    assert "hunter2-secret" not in res.output


def test_param_without_block_is_an_input_error():
    res = CliRunner().invoke(main, ["neo4j", "pull", "--param", "id=P1", "--out", "x.graphml"])
    assert res.exit_code == 2 and "--param is only used with --block" in res.output


@pytest.mark.neo4j
def test_pull_and_measures(neo4j_conn, small_case, tmp_path):
    push_case(small_case, **neo4j_conn)
    uri = neo4j_conn["uri"]
    out = tmp_path / "p1.graphml"
    res = CliRunner().invoke(main, ["neo4j", "pull", "--uri", uri, "--fugitive", "P1",
                                    "--hops", "1", "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    G = import_graph(out)  # written by export_graph: lists come back as lists
    assert "P1" in G and G.nodes["P1"]["aliases"] == ["La Flaca"]
    assert G.nodes["P1"]["nationality"] == ["CO", "VE"]

    res = CliRunner().invoke(main, ["neo4j", "pull", "--uri", uri, "--block", "supporters",
                                    "--param", "id=P1", "--out", str(out)])
    assert res.exit_code == 0, res.output  # a block of rows (no graph) gives an empty graph
    res = CliRunner().invoke(main, ["neo4j", "pull", "--uri", uri, "--block", "supporters",
                                    "--out", str(out)])
    assert res.exit_code == 1
    assert "error: cypher/read.cypher:" in res.output and "needs $id" in res.output

    csv = tmp_path / "m.csv"
    res = CliRunner().invoke(main, ["neo4j", "measures", "--uri", uri, "--out", str(csv),
                                    "--link-types", "documents,transport,financial"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(csv)
    assert list(df.columns[:6]) == ["id", "degree", "strength", "betweenness", "pagerank",
                                    "community"]
    assert df.set_index("id").loc["P3", "degree"] == 0  # no support tie
    assert "(cypher + gds 2.13" in res.output


@pytest.mark.neo4j
def test_push_command_reads_a_case_folder(neo4j_conn, tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "persons.csv").write_text("id,name,role\nP1,Ana Ruiz,fugitive\nP2,Luis Gomez,"
                                      "facilitator\n", encoding="utf-8")
    (case / "links.csv").write_text("from_id,to_id,type,grading\nP2,P1,lodging,B2\n",
                                    encoding="utf-8")
    args = ["neo4j", "push", str(case), "--uri", neo4j_conn["uri"], "--no-resolve", "-q"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert res.output.startswith("pushed 2 nodes and 1 relationships in 2 batches")
    res = CliRunner().invoke(main, args + ["--replace"])
    assert res.exit_code == 0, res.output
