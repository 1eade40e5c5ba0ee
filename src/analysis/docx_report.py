"""The report as a Word document for policy writers: the findings, then every chart.

:func:`docx_bytes` builds the document (python-docx): the "What we found" sentences of the
notebooks, then each exported chart as a picture whose alt text (the ``descr`` of its
``docPr``) is the chart's alt text, with its source line and the file that holds its data.
The bytes are the same for the same inputs: the document's dates are fixed and its zip
entries carry no time stamp.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

__all__ = ["docx_bytes"]

_FIXED = (2000, 1, 1, 0, 0, 0)


def _plain(fragment: str) -> str:
    """The text of an HTML fragment (a sentence the report already cleaned)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def docx_bytes(title: str, findings: list[tuple[str, list[str]]], charts_dir: Path | None, *,
               provenance: dict) -> bytes:
    """The .docx: ``findings`` (heading, HTML sentences) then the charts of ``charts_dir``'s manifest."""
    import datetime as dt

    from docx import Document
    from docx.shared import Inches

    from analysis.export import read_manifest

    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "partnership-analysis", "partnership-analysis"
    props.created = props.modified = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    props.revision = 1
    doc.add_heading(title, level=0)
    doc.add_heading("What we found", level=1)
    for heading, sentences in findings:
        if sentences:
            doc.add_heading(heading, level=2)
            for sentence in sentences:
                doc.add_paragraph(_plain(sentence))
    charts = read_manifest(charts_dir)["charts"] if charts_dir is not None else {}
    described = []
    if charts:
        doc.add_heading("Charts", level=1)
    for entry in charts.values():
        png = entry["files"].get("png")
        if not png:
            continue
        doc.add_heading(entry["title"], level=2)
        if entry.get("subtitle"):
            doc.add_paragraph(entry["subtitle"])
        doc.add_picture(str(Path(charts_dir) / png), width=Inches(6))
        described.append((entry["title"], entry["alt_text"]))
        if entry.get("source"):
            doc.add_paragraph(f"Source: {entry['source']}")
        doc.add_paragraph(f"Data: charts/{entry['data']} (beside this report; also in charts/index.html)")
    doc.add_heading("How this report was made", level=1)
    for key, value in provenance.items():
        doc.add_paragraph(f"{key}: {value}")
    # Alt text: python-docx has no setter, so set it on each picture's docPr through the
    # document's public XML element (the pictures are in the order they were added).
    pictures = doc.element.body.xpath(".//wp:docPr")
    for picture, (name, alt) in zip(pictures, described, strict=True):
        picture.set("descr", alt)
        picture.set("title", name)
    raw = io.BytesIO()
    doc.save(raw)
    # Re-pack with fixed entry times, so that two runs give the same bytes.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
