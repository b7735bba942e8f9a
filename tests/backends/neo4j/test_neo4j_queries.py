"""The Cypher block loader: every query the backend runs is a checked, named block."""

from __future__ import annotations

import pytest

from netanalysis.backends.neo4j import queries
from netanalysis.backends.neo4j.push import SCHEMA_BLOCKS
from netanalysis.errors import CypherError
from netanalysis.model.vocab import INFERRED_LINK_TYPES, LINK_TYPES, NODE_KINDS, STRUCTURAL_TYPES


class _Recorder:
    def __init__(self):
        self.calls = []

    def run(self, text, params):
        self.calls.append((text, params))
        return "result"


def test_project_blocks_parse_and_cover_the_vocabulary():
    b = queries.load_blocks()
    for kind in NODE_KINDS:
        assert f"load_{kind.lower()}" in b
        assert f":{kind}" in b[f"load_{kind.lower()}"].text
    for t in list(LINK_TYPES) + list(INFERRED_LINK_TYPES) + list(STRUCTURAL_TYPES):
        blk = b[f"load_{t}"]
        assert f"[r:{t.upper()} {{key: row.key}}]" in blk.text
        assert blk.params == {"rows"}
        assert blk.file == "cypher/load.cypher"
    for name in SCHEMA_BLOCKS:
        assert name in b


def test_create_path_blocks_return_element_ids_and_link_by_them():
    """The CREATE push: node blocks return [id, elementId]; one relationship block per type
    finds its ends by element id (no index seek), with no FOREACH over every type."""
    b = queries.load_blocks()
    for kind in NODE_KINDS:
        blk = b[f"create_{kind.lower()}"]
        assert f"CREATE (n:Node:{kind})" in blk.text
        assert "RETURN collect([props.id, elementId(n)]) AS ids" in blk.text
    for t in list(LINK_TYPES) + list(INFERRED_LINK_TYPES) + list(STRUCTURAL_TYPES):
        blk = b[f"link_{t}"]
        assert "WHERE elementId(a) = row.a" in blk.text and "WHERE elementId(b) = row.b" in blk.text
        assert f"CREATE (a)-[r:{t.upper()}]->(b)" in blk.text
        assert blk.params == {"rows"}
    assert "create_relationships" not in b


def test_parameters_are_extracted_outside_strings_and_comments():
    text = ("// name: q\n// uses $not_a_param in a comment\n"
            "MATCH (n {id: $id}) WHERE n.x = '$nope' AND n.y = $`odd name` /* $gone */\n"
            "RETURN n")
    b = queries.parse_blocks(text, "t.cypher")["q"]
    assert b.params == {"id", "odd name"}
    assert b.line == 1


def test_block_lines_and_bodies():
    text = "// header\n\n// name: a\nRETURN 1\n\n// name: b\n// about b\nRETURN $x\n"
    b = queries.parse_blocks(text, "t.cypher")
    assert (b["a"].line, b["b"].line) == (3, 6)
    assert b["a"].text == "RETURN 1"
    assert b["b"].text == "// about b\nRETURN $x"


@pytest.mark.parametrize("text, line, message", [
    ("// name: Bad-Name\nRETURN 1", 1, "malformed block name 'Bad-Name'"),
    ("// name:\nRETURN 1", 1, "malformed block name ''"),
    ("RETURN 1\n// name: a\nRETURN 2", 1, "query text before the first"),
    ("// name: a\nRETURN 1\n// name: a\nRETURN 2", 3, "defined twice (first at line 1)"),
    ("// name: a\n// only a comment\n\n// name: b\nRETURN 1", 1, "block 'a' has no query"),
])
def test_malformed_files_name_file_and_line(text, line, message):
    with pytest.raises(CypherError) as err:
        queries.parse_blocks(text, "cypher/x.cypher")
    assert err.value.file == "cypher/x.cypher"
    assert err.value.line == line
    assert message in str(err.value)
    assert str(err.value).startswith(f"cypher/x.cypher:{line}: ")


def test_duplicate_names_across_files(tmp_path):
    (tmp_path / "a.cypher").write_text("// name: same\nRETURN 1\n")
    (tmp_path / "b.cypher").write_text("\n// name: same\nRETURN 2\n")
    with pytest.raises(CypherError, match=r"b.cypher:2: block 'same' is also defined at .*a.cypher:1"):
        queries.load_blocks(tmp_path)


def test_empty_folder(tmp_path):
    with pytest.raises(CypherError, match="no .cypher files"):
        queries.load_blocks(tmp_path)


def test_unknown_name_suggests_near_names():
    with pytest.raises(CypherError, match=r"unknown Cypher block 'load_persn'.*did you mean load_person"):
        queries.block("load_persn")


def test_run_checks_parameters_exactly():
    rec = _Recorder()
    assert queries.run(rec, "node_exists", id="P1") == "result"
    assert rec.calls[0][1] == {"id": "P1"}
    with pytest.raises(CypherError) as err:
        queries.run(rec, "node_exists")
    assert "block 'node_exists': needs $id (it uses $id)" in str(err.value)
    assert str(err.value).startswith("cypher/read.cypher:")
    with pytest.raises(CypherError, match=r"does not use \$extra"):
        queries.run(rec, "node_exists", id="P1", extra=1)
    with pytest.raises(CypherError, match=r"needs \$ids and does not use \$id"):
        queries.run(rec, "neighbour_ids", id="P1")
    assert len(rec.calls) == 1


def test_no_block_builds_labels_or_types_from_parameters():
    # Labels and relationship types are fixed text: no `:$param` or dynamic label syntax.
    for b in queries.load_blocks().values():
        assert ":$" not in b.text and "$(" not in b.text, b.where
