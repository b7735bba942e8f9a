"""Helpers for ingest tests: write small case folders."""

from __future__ import annotations

import pytest

PERSONS = (
    "id,name,aliases,birth_date,nationality,role,notice,wanted_by,offences\n"
    "P1,Ana Gómez,La Flaca|Anita,1980-07,CO,fugitive,red,ES|CO,drug_trafficking\n"
    "P2,Luis Pérez,,1975,VE,facilitator,,,\n"
    "P3,Juan Ruiz,,,,associate,,,\n"
)


@pytest.fixture
def write_case(tmp_path):
    """Return a function writing ``{file name: text}`` into a fresh case folder.

    ``persons.csv`` defaults to three valid persons P1-P3 unless given.
    """

    def write(files, *, encoding="utf-8", folder="case", persons=True):
        d = tmp_path / folder
        d.mkdir(exist_ok=True)
        files = dict(files)
        if persons and "persons.csv" not in files:
            files["persons.csv"] = PERSONS
        for name, text in files.items():
            data = text if isinstance(text, bytes) else text.encode(encoding)
            (d / name).write_bytes(data)
        return d

    return write


def rejects_of(case):
    """Return the rejects as a list of (file, line, column, problem) tuples."""
    return [(r.file, int(r.line), r.column, r.problem) for r in case.rejects.itertuples()]
