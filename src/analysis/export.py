"""Chart export (issue 5): every chart in every format, with its data, alt text and manifest.

:func:`export_chart` writes one figure as SVG, PNG (300 dpi, print resolution) and PDF,
the data behind it as CSV (and XLSX on request), and an entry in ``manifest.json``;
:func:`export_charts` does the same for a list of :class:`ChartSpec`; :func:`write_gallery`
turns the manifest into a self-contained ``index.html``.

Guarantees
----------
- **Alt text is required**: exporting without it is an :class:`~analysis.errors.InputError`.
  It is written into the SVG (``<title>``/``<desc>``, with ``role="img"``), the PNG and PDF
  metadata, the manifest and the gallery.
- **Reproducible bytes**: the same chart on the same library versions gives byte-identical
  SVG, PNG and PDF files (fixed SVG hash salt, no creation dates, fixed software metadata).
- **Complete or absent**: every file is first rendered in memory, then written through a
  temporary file and an atomic rename; if anything fails, the files already written by the
  call are put back as they were, and the manifest (written last) is unchanged.
- **Safe names and cells**: output names go through :func:`~analysis.writers.safe_filename`,
  so a chart name cannot write outside the output folder, and the CSV/XLSX cells are
  neutralised against spreadsheet formula injection (numbers stay numbers).

Why this module is over 600 lines: these guarantees hold across rendering, the atomic
commit, the manifest and the gallery, which all read and write the same manifest entries;
split, each part would have to re-check what the others promise.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import textwrap
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine

from analysis import __version__
from analysis.errors import InputError
from analysis.labels import count
from analysis.style import FONT_FAMILY, MUTED_COLOUR, TEXT_COLOUR
from analysis.writers import (
    atomic_write_bytes,
    check_output_dir,
    csv_bytes,
    excel_bytes,
    safe_filename,
)

__all__ = [
    "ChartSpec",
    "FORMATS",
    "MANIFEST",
    "PNG_DPI",
    "check_formats",
    "merge_chart_folders",
    "export_chart",
    "export_charts",
    "read_manifest",
    "write_gallery",
]

#: Image formats :func:`export_chart` can write.
FORMATS = ("svg", "png", "pdf")
#: Resolution of exported PNGs (print resolution).
PNG_DPI = 300
#: zlib compression level of exported PNGs (0-9; lossless at every level: only speed and size change).
PNG_COMPRESS_LEVEL = 3
#: File name of the manifest in the output folder.
MANIFEST = "manifest.json"

_SOFTWARE = f"partnership-analysis {__version__} (matplotlib {mpl.__version__})"
_TITLE_PT, _SUBTITLE_PT, _SOURCE_PT = 14.0, 11.0, 9.0
_PAD_IN = 0.1


@dataclass
class ChartSpec:
    """A finished chart waiting to be exported: the figure plus everything published beside it.

    Analysis modules build these (``standard_charts(dataset, *, random_state)``) and the
    export layer writes them; ``data`` is the tidy frame the chart was drawn from.
    """

    name: str
    fig: object
    title: str
    alt_text: str
    data: pd.DataFrame
    subtitle: str = ""
    source: str = ""
    notes: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- checks


def _check_text(value, what: str, *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(f"{what} must be text, not {type(value).__name__}")
    value = value.strip()
    if required and not value:
        hint = (
            " Describe what the chart shows and its main finding, as you would to someone "
            "who cannot see it (for example 'Bar chart: most partnerships are community "
            "safety partnerships; 12 of 30')."
            if what == "alt_text"
            else ""
        )
        raise InputError(f"{what} is required and cannot be empty.{hint}")
    return value


def check_formats(formats) -> tuple[str, ...]:
    """Check a list of image formats (or ``"svg,png"``) and return it without repeats.

    Examples
    --------
    >>> check_formats("SVG, png,svg")
    ('svg', 'png')
    """
    if isinstance(formats, str):
        formats = [f for f in formats.split(",")]
    cleaned = []
    for fmt in formats:
        fmt = str(fmt).strip().lower().lstrip(".")
        if fmt not in FORMATS:
            raise InputError(
                f"unknown chart format {fmt!r}; choose from {', '.join(FORMATS)} "
                f"(for example --formats svg,png)"
            )
        if fmt not in cleaned:
            cleaned.append(fmt)
    if not cleaned:
        raise InputError(f"no chart format given; choose from {', '.join(FORMATS)}")
    return tuple(cleaned)


def _check_data(data, name: str) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        data = data.to_frame()
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"chart {name!r}: data must be the DataFrame the chart was drawn from, "
            f"not {type(data).__name__}; the data behind every chart is published beside it"
        )
    if not isinstance(data.index, pd.RangeIndex):
        data = data.reset_index()
    return data


# ----------------------------------------------------------------------------- rendering


def _wrap(text: str, width_in: float, size_pt: float) -> str:
    # Atkinson Hyperlegible averages 0.45 em per character of English text (0.49 in bold); 0.52
    # keeps a margin, so a wrapped line never runs off the figure.
    chars = max(20, int((width_in - 2 * _PAD_IN) * 72 / (0.52 * size_pt)))
    return "\n".join(
        "\n".join(textwrap.wrap(par, chars) or [""]) for par in text.splitlines() or [""]
    )


class _Annotations:
    """Draw title, subtitle and source onto a figure, and take them off again."""

    def __init__(self, fig: Figure, *, title: str, subtitle: str, source: str):
        self.fig = fig
        self.texts = []
        self.restore = None
        width, height = fig.get_size_inches()
        y_in = _PAD_IN
        blocks = [(title, _TITLE_PT, "bold", TEXT_COLOUR), (subtitle, _SUBTITLE_PT, "normal", MUTED_COLOUR)]
        for text, size, weight, colour in blocks:
            if not text:
                continue
            wrapped = _wrap(text, width, size)
            self.texts.append(
                fig.text(
                    _PAD_IN / width, 1 - y_in / height, wrapped, ha="left", va="top",
                    fontsize=size, fontweight=weight, color=colour, fontfamily=[FONT_FAMILY, "DejaVu Sans"],
                    parse_math=False,  # a '$' in a council's name is a dollar sign, not maths
                )
            )
            y_in += (wrapped.count("\n") + 1) * size * 1.3 / 72
        top = 1 - (y_in + (0.05 if self.texts else 0)) / height
        bottom = 0.0
        if source:
            source = re.sub(r"^\s*source\s*:\s*", "", source, flags=re.IGNORECASE)  # no "Source: Source:"
            wrapped = _wrap(f"Source: {source}", width, _SOURCE_PT)
            self.texts.append(
                fig.text(
                    _PAD_IN / width, _PAD_IN / height, wrapped, ha="left", va="bottom",
                    fontsize=_SOURCE_PT, color=MUTED_COLOUR, fontfamily=[FONT_FAMILY, "DejaVu Sans"],
                    parse_math=False,
                )
            )
            bottom = (_PAD_IN + (wrapped.count("\n") + 1) * _SOURCE_PT * 1.3 / 72 + 0.05) / height
        if top <= bottom + 0.2:
            self.remove()
            raise InputError(
                "the title, subtitle and source leave no room for the chart; shorten them "
                "or use a taller figure size (see analysis.style.SIZES)"
            )
        self._make_room(bottom, top)

    def _make_room(self, bottom: float, top: float) -> None:
        fig = self.fig
        engine = fig.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            old = engine.get()["rect"]
            engine.set(rect=(0, bottom, 1, top - bottom))
            self.restore = lambda: engine.set(rect=old)
        elif isinstance(engine, TightLayoutEngine):
            old = engine.get()["rect"]
            engine.set(rect=(0, bottom, 1, top))
            self.restore = lambda: engine.set(rect=old)
        else:
            pars = fig.subplotpars
            old = {"top": pars.top, "bottom": pars.bottom}
            span = pars.top - pars.bottom
            new_bottom = bottom + pars.bottom * (top - bottom)
            fig.subplots_adjust(bottom=new_bottom, top=new_bottom + span * (top - bottom))
            self.restore = lambda: fig.subplots_adjust(**old)

    def remove(self) -> None:
        for text in self.texts:
            text.remove()
        self.texts = []
        if self.restore is not None:
            self.restore()
            self.restore = None


def _svg_with_alt_text(payload: bytes, *, title: str, alt_text: str, key: str) -> bytes:
    svg = payload.decode("utf-8")
    match = re.search(r"<svg\b[^>]*>", svg)
    if match is None:  # pragma: no cover - matplotlib always writes one
        raise RuntimeError("matplotlib wrote an SVG without an <svg> element")
    tid, did = f"{key}-title", f"{key}-desc"
    opening = match.group(0)[:-1] + f' role="img" aria-labelledby="{tid} {did}">'
    inserted = (
        f'\n <title id="{tid}">{html.escape(title, quote=False)}</title>'
        f'\n <desc id="{did}">{html.escape(alt_text, quote=False)}</desc>'
    )
    svg = svg[: match.start()] + opening + inserted + svg[match.end():]
    return svg.encode("utf-8")


def _render_figure(fig: Figure, fmt: str, *, title: str, alt_text: str, source: str, key: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "svg":
        # No "Title" here: it would add a second <title>; ours goes in with the alt text.
        metadata = {"Description": alt_text, "Date": None, "Creator": _SOFTWARE}
    elif fmt == "pdf":
        metadata = {
            "Title": title, "Subject": alt_text, "Creator": _SOFTWARE, "Producer": _SOFTWARE,
            "CreationDate": None, "ModDate": None,
        }
    else:
        metadata = {"Title": title, "Description": alt_text, "Software": _SOFTWARE}
        if source:
            metadata["Source"] = source
    # Only the settings that make files reproducible, and the house font for generic sans-serif
    # text: applying the whole style here would change the layout of a figure made without it.
    # Text from the data is drawn as written: a '$' in a council or region name must not be
    # read as mathematics (an unbalanced one would stop the export). Texts made before this
    # point are switched over; tick labels made while saving follow the rc setting.
    for text in fig.findobj(mpl.text.Text):
        text.set_parse_math(False)
    rc = {"svg.hashsalt": f"analysis-{key}", "svg.fonttype": "path", "pdf.fonttype": 42,
          "text.parse_math": False, "font.sans-serif": [FONT_FAMILY, "DejaVu Sans"]}
    # PNG: zlib level 3 instead of Pillow's 6 compresses a 300 dpi chart in half the time (0.06 s
    # against 0.11 s, the median of the report's charts) for files 14% larger; same pixels.
    extra = {"pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}} if fmt == "png" else {}
    with mpl.rc_context(rc):
        fig.savefig(
            buf, format=fmt, dpi=PNG_DPI, metadata=metadata,
            facecolor="white", edgecolor="none", bbox_inches=None, **extra,
        )
    payload = buf.getvalue()
    if fmt == "svg":
        payload = _svg_with_alt_text(payload, title=title, alt_text=alt_text, key=key)
    return payload


@dataclass
class _Rendered:
    key: str
    files: dict  # file name -> bytes
    entry: dict


def _render(
    fig, name, *, title, subtitle, source, alt_text, data, formats, excel, notes, annotate
) -> _Rendered:
    key = safe_filename(name, default="chart")
    title = _check_text(title, "title", required=True)
    alt_text = _check_text(alt_text, "alt_text", required=True)
    subtitle = _check_text(subtitle, "subtitle", required=False)
    source = _check_text(source, "source", required=False)
    if not isinstance(fig, Figure):
        raise InputError(f"chart {name!r}: fig must be a matplotlib Figure, not {type(fig).__name__}")
    data = _check_data(data, name)
    files: dict[str, bytes] = {}
    annotations = (
        _Annotations(fig, title=title, subtitle=subtitle, source=source) if annotate else None
    )
    engine = fig.get_layout_engine()
    try:
        for fmt in formats:
            files[f"{key}.{fmt}"] = _render_figure(
                fig, fmt, title=title, alt_text=alt_text, source=source, key=key
            )
            if isinstance(engine, (ConstrainedLayoutEngine, TightLayoutEngine)):
                # Lay the figure out once: the other formats keep the positions the first one
                # computed (a layout pass costs about as much as drawing the figure again).
                fig.set_layout_engine("none")
    finally:
        if fig.get_layout_engine() is not engine:
            fig.set_layout_engine(engine)
        if annotations is not None:
            annotations.remove()
    files[f"{key}.csv"] = csv_bytes(data)
    if excel:
        files[f"{key}.xlsx"] = excel_bytes(data)
    width, height = (round(float(v), 4) for v in fig.get_size_inches())
    entry = {
        "name": key,
        "title": title,
        "subtitle": subtitle,
        "alt_text": alt_text,
        "source": source,
        "files": {fmt: f"{key}.{fmt}" for fmt in formats},
        "data": f"{key}.csv",
        "data_xlsx": f"{key}.xlsx" if excel else None,
        "columns": [str(c) for c in data.columns],
        "rows": int(len(data)),
        "size_inches": [width, height],
        "png_dpi": PNG_DPI if "png" in formats else None,
        "sha256": {fname: hashlib.sha256(payload).hexdigest() for fname, payload in files.items()},
        "notes": json.loads(json.dumps(notes or {}, default=str)),
        "version": __version__,
    }
    return _Rendered(key, files, entry)


# ----------------------------------------------------------------------------- writing


def read_manifest(out_dir: str | os.PathLike) -> dict:
    """Read ``manifest.json`` from an output folder (an empty manifest if there is none).

    Examples
    --------
    >>> import tempfile
    >>> read_manifest(tempfile.mkdtemp())["charts"]
    {}
    """
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        return {"toolkit": "partnership-analysis", "version": __version__, "charts": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path} is not a valid manifest ({exc}); delete it or choose another output folder"
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("charts"), dict):
        raise InputError(f"{path} is not a chart manifest; delete it or choose another output folder")
    return manifest


def _commit(out: Path, rendered: Sequence[_Rendered], *, replace: bool = False) -> list[dict]:
    """Write every rendered file, then the manifest; undo everything on failure."""
    manifest = read_manifest(out)
    if replace:
        manifest["charts"] = {}
    backups: list[tuple[Path, bytes | None]] = []
    try:
        for item in rendered:
            for fname, payload in item.files.items():
                path = out / fname
                backups.append((path, path.read_bytes() if path.exists() else None))
                atomic_write_bytes(path, payload)
        charts = dict(manifest["charts"])
        for item in rendered:
            charts[item.key] = item.entry
        manifest = {"toolkit": "partnership-analysis", "version": __version__, "charts": charts}
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        atomic_write_bytes(out / MANIFEST, text.encode("utf-8"))
    except BaseException:
        for path, old in reversed(backups):
            try:
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write_bytes(path, old)
            except OSError:  # pragma: no cover - best effort on a failing disk
                pass
        raise
    return [item.entry for item in rendered]


def export_chart(
    fig,
    name: str,
    *,
    title: str,
    subtitle: str = "",
    source: str = "",
    alt_text: str,
    data: pd.DataFrame,
    out_dir: str | os.PathLike,
    formats: Iterable[str] = FORMATS,
    excel: bool = False,
    notes: dict | None = None,
    annotate: bool = True,
    close: bool = True,
    inputs: Iterable[str | os.PathLike] = (),
) -> dict:
    """Export one chart: image files, the data behind it and a manifest entry.

    Writes ``NAME.svg``, ``NAME.png`` (300 dpi) and ``NAME.pdf`` (those in ``formats``),
    ``NAME.csv`` (and ``NAME.xlsx`` when ``excel``) into ``out_dir``, and adds or replaces
    the entry ``NAME`` of ``out_dir/manifest.json``. ``NAME`` is ``name`` made safe with
    :func:`~analysis.writers.safe_filename`. Files are complete or absent (see the module
    notes); the bytes are the same from run to run.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart. Its size is kept exactly (use :data:`analysis.style.SIZES`).
    name : str
        Short name of the chart, used for file names and as the manifest key.
    title : str
        The title, stating the finding ("Most partnerships are community safety boards").
    subtitle : str, optional
        What is measured, where and when ("Partnerships by type, England, 2010 to 2019").
    source : str, optional
        Where the data comes from; drawn as "Source: ..." under the chart.
    alt_text : str
        Text alternative for readers who cannot see the chart. Required.
    data : pandas.DataFrame
        The tidy frame the chart was drawn from, published as CSV beside it.
    out_dir : path
        Output folder (created if needed).
    formats : iterable of str, default ("svg", "png", "pdf")
        Image formats to write.
    excel : bool, default False
        Also write the data as XLSX.
    notes : dict, optional
        Extra JSON-serialisable facts for the manifest (method, parameters, caveats).
    annotate : bool, default True
        Draw the title, subtitle and source onto the image (space is made for them inside
        the figure, whose size does not change). They are taken off again afterwards.
    close : bool, default True
        Close the figure once it is exported (frees its memory).
    inputs : iterable of paths, optional
        Input folders that ``out_dir`` must not be inside.

    Returns
    -------
    dict
        The manifest entry.

    Raises
    ------
    InputError
        If the alt text or title is empty, a format is unknown, the data is not a frame,
        or the output folder is inside an input folder.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from analysis.style import subplots
    >>> frame = pd.DataFrame({"tier": ["county", "district"], "councils": [2, 5]})
    >>> fig, ax = subplots(size="govuk")
    >>> bars = ax.bar(frame["tier"], frame["councils"])
    >>> entry = export_chart(
    ...     fig, "Councils by tier", title="Most councils are districts",
    ...     subtitle="Councils by tier, example data", source="Example data",
    ...     alt_text="Bar chart: 5 district councils and 2 county councils.",
    ...     data=frame, out_dir=tempfile.mkdtemp(),
    ... )
    >>> entry["files"]
    {'svg': 'councils_by_tier.svg', 'png': 'councils_by_tier.png', 'pdf': 'councils_by_tier.pdf'}
    >>> entry["data"]
    'councils_by_tier.csv'
    """
    entries = export_charts(
        [ChartSpec(name=name, fig=fig, title=title, alt_text=alt_text, data=data,
                   subtitle=subtitle, source=source, notes=dict(notes or {}))],
        out_dir, formats=formats, excel=excel, annotate=annotate, close=close, inputs=inputs,
    )
    return entries[0]


def export_charts(
    specs: Iterable[ChartSpec],
    out_dir: str | os.PathLike,
    *,
    formats: Iterable[str] = FORMATS,
    excel: bool = False,
    annotate: bool = True,
    close: bool = True,
    inputs: Iterable[str | os.PathLike] = (),
    replace_manifest: bool = False,
) -> list[dict]:
    """Export many charts at once (see :func:`export_chart`); all are written or none.

    Every chart is rendered in memory first; only when all have rendered are the files
    written, then the manifest once. Two charts whose names give the same file name are
    refused before anything is written.

    Parameters
    ----------
    specs : iterable of ChartSpec
        The charts.
    out_dir : path
        Output folder.
    formats, excel, annotate, close, inputs
        As for :func:`export_chart`.
    replace_manifest : bool, default False
        Start the manifest afresh with these charts (a full run) instead of adding them
        to the entries already there.

    Returns
    -------
    list of dict
        The manifest entries, in the order of ``specs``.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"year": [2010, 2011], "n": [3, 4]})
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(frame["year"], frame["n"])
    >>> spec = ChartSpec("alive", fig, "More partnerships in 2011", "Line chart: 3 then 4.", frame)
    >>> [e["name"] for e in export_charts([spec], tempfile.mkdtemp(), formats=("svg",))]
    ['alive']
    """
    specs = list(specs)
    formats = check_formats(formats)
    for spec in specs:
        if not isinstance(spec, ChartSpec):
            raise InputError(f"export_charts needs ChartSpec objects, not {type(spec).__name__}")
    try:
        seen: dict[str, str] = {}
        for spec in specs:
            key = safe_filename(spec.name, default="chart")
            if key in seen:
                raise InputError(
                    f"charts {seen[key]!r} and {spec.name!r} would both be written as {key}.*; "
                    f"give them different names"
                )
            seen[key] = spec.name
        out = check_output_dir(out_dir, inputs=inputs)
        rendered = [
            _render(
                spec.fig, spec.name, title=spec.title, subtitle=spec.subtitle, source=spec.source,
                alt_text=spec.alt_text, data=spec.data, formats=formats, excel=excel,
                notes=spec.notes, annotate=annotate,
            )
            for spec in specs
        ]
    finally:
        if close:
            for spec in specs:
                if isinstance(spec.fig, Figure):
                    plt.close(spec.fig)
    return _commit(out, rendered, replace=replace_manifest)


def merge_chart_folders(parts: Sequence[str | os.PathLike], out_dir: str | os.PathLike) -> Path:
    """Move the charts exported into several folders (one per worker) into ``out_dir``.

    The manifest lists the charts folder by folder, in the order of ``parts``, so the result
    does not depend on which folder was written first. Two charts of the same name are refused.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    charts: dict = {}
    for part in map(Path, parts):
        for key, entry in read_manifest(part)["charts"].items():
            if key in charts:
                raise InputError(f"two chart families both export a chart named {key!r}; rename one")
            charts[key] = entry
        for path in sorted(part.iterdir()):
            if path.name != MANIFEST and path.is_file():
                os.replace(path, out / path.name)
    manifest = {"toolkit": "partnership-analysis", "version": __version__, "charts": charts}
    atomic_write_bytes(out / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return out


# ----------------------------------------------------------------------------- gallery

_CSS = """
body{font-family:"Atkinson Hyperlegible",Arial,Helvetica,sans-serif;color:#0b0c0c;background:#fff;
margin:0;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:16px 24px 48px}
a{color:#1d70b8}a:visited{color:#4c2c92}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px}
h1{font-size:2rem;margin:.5em 0 .25em}h2{font-size:1.4rem;margin:0 0 .2em}
.lede{color:#505a5f;margin-top:0}
nav ol{padding-left:1.5em}
figure{margin:0;padding:24px 0;border-top:1px solid #b1b4b6}
.subtitle{color:#505a5f;margin:0 0 .75em}
img{max-width:100%;height:auto;border:1px solid #f3f2f1}
figcaption{margin-top:.5em}
.downloads{padding:0;margin:.5em 0 0;list-style:none;display:flex;flex-wrap:wrap;gap:.25em 1.25em}
details{margin-top:.5em}summary{cursor:pointer;color:#1d70b8}
footer .foot{max-width:1000px;margin:0 auto;padding:1em 24px;color:#505a5f;font-size:.9rem;border-top:1px solid #b1b4b6}
"""

_LABELS = {"svg": "SVG image", "png": "PNG image (300 dpi)", "pdf": "PDF"}


def _href(fname: str) -> str:
    return html.escape(urllib.parse.quote(fname), quote=True)


def write_gallery(out_dir: str | os.PathLike, *, title: str = "Charts") -> Path:
    """Write ``index.html``: every chart of the manifest with its title, alt text and data.

    The page is self-contained (inline CSS, no scripts, no external resources) and
    accessible: a skip link, one ``<h1>``, a contents list, each chart a ``<figure>`` whose
    image carries the alt text, and links to the image files and the data.

    Parameters
    ----------
    out_dir : path
        A folder holding ``manifest.json`` (written by :func:`export_chart`).
    title : str, default "Charts"
        Page heading.

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> path = write_gallery(tempfile.mkdtemp())
    >>> "<h1>Charts</h1>" in path.read_text()
    True
    """
    out = Path(out_dir)
    manifest = read_manifest(out)
    charts = manifest["charts"]
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the charts</a>',
        '<main id="main">',
        f"<h1>{esc(title)}</h1>",
        f'<p class="lede">{count(len(charts), "chart")}. Each chart '
        "comes with the data it was drawn from (CSV) and a text description.</p>",
    ]
    if charts:
        parts.append('<nav aria-label="Contents"><ol>')
        for key, entry in charts.items():
            parts.append(f'<li><a href="#{esc(key)}">{esc(entry.get("title", key))}</a></li>')
        parts.append("</ol></nav>")
    for key, entry in charts.items():
        files = entry.get("files", {})
        image = files.get("svg") or files.get("png")
        width, height = entry.get("size_inches") or (6.4, 4.0)
        parts.append(f'<figure id="{esc(key)}" aria-labelledby="{esc(key)}-h">')
        parts.append(f'<h2 id="{esc(key)}-h">{esc(entry.get("title", key))}</h2>')
        if entry.get("subtitle"):
            parts.append(f'<p class="subtitle">{esc(entry["subtitle"])}</p>')
        if image:
            parts.append(
                f'<img src="{_href(image)}" alt="{esc(entry.get("alt_text", ""), quote=True)}" '
                f'width="{round(width * 96)}" height="{round(height * 96)}">'
            )
        parts.append("<figcaption>")
        if entry.get("source"):
            parts.append(f"<p>Source: {esc(entry['source'])}</p>")
        parts.append(
            "<details><summary>Text description of the chart</summary>"
            f"<p>{esc(entry.get('alt_text', ''))}</p></details>"
        )
        links = [
            f'<li><a href="{_href(fname)}">{_LABELS.get(fmt, fmt.upper())}</a></li>'
            for fmt, fname in files.items()
        ]
        if entry.get("data"):
            links.append(f'<li><a href="{_href(entry["data"])}">Data (CSV)</a></li>')
        if entry.get("data_xlsx"):
            links.append(f'<li><a href="{_href(entry["data_xlsx"])}">Data (Excel)</a></li>')
        label = esc(entry.get("title", key), quote=True)
        parts.append(f'<ul class="downloads" aria-label="Downloads: {label}">{"".join(links)}</ul>')
        parts.append("</figcaption>")
        parts.append("</figure>")
    parts += [
        "</main>",
        f'<footer><div class="foot"><p>Made with partnership-analysis {esc(str(manifest.get("version", "")))}. '
        'The list of files is in <a href="manifest.json">manifest.json</a>.</p></div></footer>',
        "</body>",
        "</html>",
    ]
    path = out / "index.html"
    atomic_write_bytes(path, ("\n".join(parts) + "\n").encode("utf-8"))
    return path
