"""The Spark session shared by every Spark test, and the hostile case both engines read.

Spark tests carry the marker ``spark``. Without pyspark or Java 17 they skip with the reason,
unless ``NETANALYSIS_REQUIRE_SPARK=1`` (set by ``.ci/run``), which turns the skip into a
failure. One local session (``local[2]``, few shuffle partitions) is started per test run.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

#: A case with every kind of row problem the readers must report the same way: bad enums,
#: dates, numbers, gradings, countries, places and phones, duplicate ids, the shared id
#: namespace, unknown and rejected references, self-links, records with the wrong number of
#: fields, trailing delimiters, extra columns, ids written with combining accents.
HOSTILE = {
    "persons.csv": (
        "id,name,role,birth_date,nationality,wanted_by,notice,Apodo\n"
        "P1,Ana,fugitive,1980,CO,ES,red,la flaca\n"
        "P2,Luis,jefe,05/03/1980,CO,,,\n"
        "P3,Juan,,1980-02-30,CO|XX,,,\n"
        "P4,Eva,associate,1981-07-05,VE,,,\n"
        "P1,Ana bis,,,,,,\n"
        "P5,Pedro\n"
        "Jose\u0301,José,facilitator,,,,,\n"
        "P6,Marta,associate,,,,,x,\n"
        "P7,Rosa,fugitive,1970-13,,CO,,\n"
        ",Sin Id,,,,,,\n"
        "P8,Nora,associate,,COL,,,\n"
    ),
    "organizations.csv": "id,name,kind\nO1,Clan,criminal_group\nP4,Empresa,company\nO1,Clan bis,\n"
                         "O2,Otra,club\n",
    "documents.csv": "id,holder_id,number,kind,status\nD1,P9,X1,passport,\nD2,P1,X2,passport,valid\n"
                     "D2,P4,X3,,\nD3,P7,X4,visa,\nD4,P8,,passport,\n",
    "links.csv": (
        "from_id,to_id,type,weight,grading\n"
        "P1,P9,family,,\n"
        "P7,P1,family,,\n"
        "P8,P8,family,,\n"
        "P4,P1,lodging,2,B2\n"
        "P4,P1,documents,heavy,\n"
        "P4,P1,friend,,\n"
        "P8,P1,transport,0,G7\n"
        "José,P1,financial,1,A1\n"
        "P6,O1,member_of,,\n"
        "P5,O1,member_of,,\n"
        "P4,P6,associate,1,\n"
        "P8,P4,family,,\n"
    ),
    "travel.csv": (
        "person_id,depart,origin,destination,carrier,flight,document_id\n"
        "P10,2024-01-01,BOG,MAD,IB,6584,\n"
        "P1,2024-01-01,BOG,MAD,IB,6584,D1\n"
        "P1,2024-01-02,MAD,ZZZ,IB,6585,D2\n"
        "P4,2024-01-01,BOG,MAD,IB,6584,D3\n"
        "P8,2024-01-01,\"Cúcuta, CO\",MAD,IB,6584,\n"
        "P8,2024-13-01,BOG,MAD,IB,6584,\n"
    ),
    "phones.csv": "number,person_id\n+573001112233,P7\n+573001112234,P1\n+34 911 222 333,P4\n---,P8\n",
    "calls.csv": "caller,callee,start,duration_s\n+573001112234,+34911222333,2024-01-01,60\n"
                 "+573001112234,+34911222333,2024-01-02,-5\n+573001112233,+573001112234,yesterday,\n",
    "locations.csv": "person_id,place,kind,start\nP1,MAD,safe_house,2024-02\nP1,Nowhere,sighting,\n"
                     "P9,BOG,residence,\n",
}


@pytest.fixture(scope="session")
def spark():
    """The Spark session of the test run (skips, or fails under NETANALYSIS_REQUIRE_SPARK=1)."""
    from netanalysis.engines.spark.session import spark_available, spark_session

    ok, reason = spark_available()
    if not ok:
        if os.environ.get("NETANALYSIS_REQUIRE_SPARK") == "1":
            pytest.fail(f"NETANALYSIS_REQUIRE_SPARK=1 but Spark cannot run: {reason}")
        pytest.skip(reason)
    return spark_session("local[2]", conf={"spark.sql.shuffle.partitions": "2",
                                           "spark.default.parallelism": "2"})


@pytest.fixture(scope="session")
def hostile_case(tmp_path_factory):
    """The folder of :data:`HOSTILE`."""
    d = tmp_path_factory.mktemp("hostile")
    for name, text in HOSTILE.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def synth_case(tmp_path_factory):
    """The 1,500-person synth case (seed 11) of the resolution and inference parity tests,
    generated and loaded once per test run."""
    from netanalysis.ingest import load_case
    from netanalysis.synth import synth_case as make
    out = tmp_path_factory.mktemp("synth")
    make(out, persons=1500, seed=11)
    return load_case(out)


def spark_tables(spark, case, names=None):
    """The tables of a pandas `case` as Spark DataFrames (list cells stay arrays of strings)."""
    from pyspark.sql import types as T
    out = {}
    for name, df in case.tables.items():
        if names is not None and name not in names:
            continue
        fields, cols = [], {}
        for c in df.columns:
            s = df[c]
            if s.map(lambda v: isinstance(v, (list, tuple))).any():
                cols[c] = [None if v is None or (isinstance(v, float) and v != v) else
                           [str(x) for x in v] for v in s]
                fields.append(T.StructField(c, T.ArrayType(T.StringType()), True))
            elif pd.api.types.is_float_dtype(s):
                cols[c] = [None if v != v else float(v) for v in s]
                fields.append(T.StructField(c, T.DoubleType(), True))
            elif pd.api.types.is_integer_dtype(s):
                cols[c] = [int(v) for v in s]
                fields.append(T.StructField(c, T.LongType(), True))
            else:
                cols[c] = [None if v is None or (isinstance(v, float) and v != v) else str(v)
                           for v in s]
                fields.append(T.StructField(c, T.StringType(), True))
        rows = list(zip(*[cols[c] for c in df.columns])) if len(df.columns) else []
        out[name] = spark.createDataFrame(rows, T.StructType(fields))
    return out


@pytest.fixture(scope="session")
def to_spark(spark):
    """``to_spark(case)`` -> dict of Spark DataFrames named like the case files."""
    return lambda case, names=None: spark_tables(spark, case, names)
