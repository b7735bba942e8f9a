import pytest

from netanalysis.errors import InputError
from netanalysis.settings import load_settings


def test_precedence(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("neo4j:\n  database: fromfile\n  batch_size: 10\n")
    s = load_settings(f, env={"NETANALYSIS_NEO4J__BATCH_SIZE": "20"})
    assert s.neo4j["database"] == "fromfile" and s.neo4j["batch_size"] == 20
    s = load_settings(f, env={"NEO4J_DATABASE": "envdb"}, neo4j={"batch_size": 30})
    assert s.neo4j["database"] == "envdb" and s.neo4j["batch_size"] == 30


def test_password_never_shown():
    s = load_settings(env={"NEO4J_PASSWORD": "s3cret-pw"})
    assert s.neo4j["password"] == "s3cret-pw"
    assert "s3cret-pw" not in repr(s) and "s3cret-pw" not in str(s.public())


def test_bad_settings_file(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("rank:\n  weights: [1,\n")
    with pytest.raises(InputError) as ei:
        load_settings(f, env={})
    assert ei.value.file == str(f) and ei.value.line is not None
    with pytest.raises(InputError, match="cannot read settings file"):
        load_settings(tmp_path / "missing.yaml", env={})
