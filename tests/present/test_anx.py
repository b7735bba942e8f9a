"""i2 Analyst's Notebook charts: valid XML, the expected entities and links, grades, cards."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from present_cases import HOSTILE

pytest.importorskip("anxwritter")

from netanalysis.present.anx import CREDIBILITY, RELIABILITY, write_anx  # noqa: E402


def test_anx_chart(tmp_path, case, analysis):
    info = write_anx(case, tmp_path / "c.anx", analysis=analysis)
    # 6 persons, 1 organization, 2 phones, 1 document; 7 links + 1 inferred + 2 uses + 1 holds
    assert (info["entities"], info["links"]) == (10, 11)
    root = ET.parse(info["files"][0]).getroot()  # valid XML (UTF-16, as i2 writes it)
    assert root.tag == "Chart"
    assert len(root.findall(".//ChartItem/End/Entity")) == 10
    assert len(root.findall(".//ChartItem/Link")) == 11
    assert [s.get("Text") for s in root.findall("./GradeOne//String")] == RELIABILITY
    assert [s.get("Text") for s in root.findall("./GradeTwo//String")] == CREDIBILITY
    items = root.findall(".//ChartItem")
    by_label = {i.get("Label"): i for i in items}
    assert HOSTILE in by_label  # text stays text (XML-escaped by the writer)
    lodging = by_label["lodging"]
    assert (lodging.get("GradeOneIndex"), lodging.get("GradeTwoIndex")) == ("0", "0")  # A1
    card = lodging.find(".//Card")
    assert card.get("SourceType") == "Europol" and card.get("SourceReference") == "links.csv:3"
    inferred = by_label["co_travel"]
    assert "same flight IB6500" in inferred.find(".//Card").get("Text")
    ana = [i for i in items if i.find(".//Entity") is not None
           and i.find(".//Entity").get("Identity") == "F1"][0]
    attrs = {a.get("AttributeClass"): a.get("Value") for a in ana.findall(".//Attribute")}
    assert attrs["role"] == "fugitive" and attrs["rank"] == "1" and attrs["notice"] == "red"
    assert ana.find(".//Card").get("SourceReference") == "persons.csv:2"
