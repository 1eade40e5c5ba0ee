"""HexJSON: hex cartogram layouts, one hexagon per council (read, check, place, choose).

A HexJSON file (Open Innovations' format) is a small JSON object::

    {"layout": "odd-r",
     "hexes": {"E06000001": {"n": "Hartlepool", "q": 8, "r": 19, "region": "E12000001"}, ...}}

``layout`` says how the offset grid is laid out and each hexagon has a column ``q`` and a
row ``r`` (other properties, such as the name ``n`` and ``region``, are kept). Rows count
upwards (north at the top) and columns to the right:

* ``odd-r`` / ``even-r``: pointy-topped hexagons in rows; odd (even) rows are shifted half a
  hexagon to the right;
* ``odd-q`` / ``even-q``: flat-topped hexagons in columns; odd (even) columns are shifted
  half a hexagon up.

:func:`read_hexjson` reads one file into a :class:`HexLayout` (a table with each hexagon's
code, name, ``q``, ``r`` and the cartesian centre ``x``, ``y``, in units of the distance
between neighbouring centres). Anything wrong with the file (not JSON, an unknown layout, a
code given twice, a hexagon without ``q``/``r``, two hexagons on one cell) is an
:class:`~analysis.errors.InputError` naming the file (exit code 2 from the command line).

:func:`bundled_layouts` returns the Open Innovations layouts of UK councils that ship with
the package (MIT licence, credit in ``analysis/data/hexmaps/``); :func:`choose_layout` picks
the layout with the best overlap with a set of council codes, preferring the file of the
data's year, and says which codes it could not place.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError

__all__ = [
    "BUNDLED_DIR",
    "HEXJSON_CREDIT",
    "LAYOUTS",
    "REGION_NAMES",
    "HexLayout",
    "LayoutChoice",
    "NoLayoutError",
    "bundled_layouts",
    "choose_layout",
    "hex_centres",
    "hexjson_text",
    "layout_from_frame",
    "read_hexjson",
    "read_hexjson_folder",
]

#: The four offset layouts of the HexJSON format.
LAYOUTS = ("odd-r", "even-r", "odd-q", "even-q")
#: Folder of the layouts shipped with the package.
BUNDLED_DIR = Path(__file__).with_name("hexmaps")
#: Credit line for maps drawn on the bundled layouts (MIT licence).
HEXJSON_CREDIT = "hex layout: Open Innovations (MIT licence)"
#: Names of England's regions by their ONS (E12) code, as the bundled layouts give them.
REGION_NAMES = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}

_ROOT3 = math.sqrt(3.0)
_COLUMNS = ["code", "name", "q", "r", "x", "y", "region"]


@dataclass(frozen=True)
class HexLayout:
    """A hex layout: one row per hexagon in ``hexes`` (``code``, ``name``, ``q``, ``r``,
    ``x``, ``y``, ``region``), in the order of the file.

    ``name`` is the layout's name (the file's stem), ``file`` the file it came from (for
    messages), ``layout`` one of :data:`LAYOUTS`, ``year`` the year in the name (if any)
    and ``credit`` the credit line for maps drawn on it.
    """

    name: str
    layout: str
    hexes: pd.DataFrame = field(repr=False)
    file: str = ""
    year: int | None = None
    credit: str = ""

    @property
    def codes(self) -> set[str]:
        """The codes of the layout's hexagons."""
        return set(self.hexes["code"])

    @property
    def pointy(self) -> bool:
        """Whether the hexagons are pointy-topped (the ``-r`` layouts)."""
        return self.layout.endswith("-r")

    def __len__(self) -> int:
        return len(self.hexes)


def hex_centres(q, r, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """Cartesian centres of offset hex cells, neighbouring centres one unit apart.

    Rows (``r``) count upwards. In the ``-r`` layouts the hexagons are pointy-topped and
    rows are ``sqrt(3)/2`` apart; in the ``-q`` layouts they are flat-topped and columns
    are ``sqrt(3)/2`` apart. Shifted rows (columns) move half a unit right (up).

    Examples
    --------
    >>> x, y = hex_centres([0, 0, 1], [0, 1, 1], "odd-r")
    >>> x.tolist(), y.round(3).tolist()
    ([0.0, 0.5, 1.5], [0.0, 0.866, 0.866])
    >>> x, y = hex_centres([0, 1], [0, 0], "even-q")
    >>> x.round(3).tolist(), y.tolist()
    ([0.0, 0.866], [0.5, 0.0])
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown hex layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    q = np.asarray(q, dtype=np.int64)
    r = np.asarray(r, dtype=np.int64)
    parity = 1 if layout.startswith("odd") else 0
    if layout.endswith("-r"):
        shift = (np.mod(r, 2) == parity).astype(float) * 0.5
        return q + shift, r * (_ROOT3 / 2)
    shift = (np.mod(q, 2) == parity).astype(float) * 0.5
    return q * (_ROOT3 / 2), r + shift


def _year_of(name: str) -> int | None:
    found = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", name)
    return int(found[-1]) if found else None


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _pairs_no_duplicates():
    def hook(pairs):
        seen: dict = {}
        for key, value in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen[key] = value
        return seen

    return hook


class _Duplicate(Exception):
    def __init__(self, key):
        super().__init__(key)
        self.key = key


def layout_from_frame(hexes: pd.DataFrame, *, layout: str = "odd-r", name: str = "layout",
                      file: str = "", credit: str = "") -> HexLayout:
    """Build a :class:`HexLayout` from a frame with ``code``, ``q``, ``r`` (and optionally
    ``name`` and ``region``), checking it as :func:`read_hexjson` checks a file.

    Examples
    --------
    >>> import pandas as pd
    >>> lay = layout_from_frame(pd.DataFrame({"code": ["A", "B"], "q": [0, 1], "r": [0, 0]}))
    >>> lay.hexes[["code", "x", "y"]].to_dict("list")
    {'code': ['A', 'B'], 'x': [0.0, 1.0], 'y': [0.0, 0.0]}
    """
    where = file or name
    if layout not in LAYOUTS:
        raise InputError(f"{where}: unknown hex layout {layout!r}; HexJSON layouts are "
                         f"{', '.join(LAYOUTS)}")
    missing = [c for c in ("code", "q", "r") if c not in hexes.columns]
    if missing:
        raise InputError(f"{where}: the hexagons need columns {', '.join(missing)}")
    frame = pd.DataFrame({
        "code": hexes["code"].astype(str).to_numpy(),
        "name": (hexes["name"] if "name" in hexes else hexes["code"]).astype(str).to_numpy(),
        "q": pd.to_numeric(hexes["q"]).astype("int64").to_numpy(),
        "r": pd.to_numeric(hexes["r"]).astype("int64").to_numpy(),
    })
    region = hexes["region"] if "region" in hexes else pd.Series([None] * len(hexes))
    frame["region"] = [REGION_NAMES.get(str(v), str(v)) if v is not None and not pd.isna(v) else None
                       for v in region]
    dup = frame["code"].duplicated(keep=False)
    if dup.any():
        raise InputError(f"{where}: the code {frame.loc[dup, 'code'].iloc[0]!r} has more than one "
                         f"hexagon; each council must appear once")
    cell = frame.duplicated(["q", "r"], keep=False)
    if cell.any():
        both = frame.loc[cell].groupby(["q", "r"])["code"].apply(list).iloc[0]
        row = frame.loc[cell].iloc[0]
        raise InputError(f"{where}: {' and '.join(map(repr, both))} share the cell q={row['q']}, "
                         f"r={row['r']}; each hexagon needs a cell of its own")
    x, y = hex_centres(frame["q"], frame["r"], layout)
    frame["x"], frame["y"] = x, y
    return HexLayout(name=name, layout=layout, hexes=frame[_COLUMNS].reset_index(drop=True),
                     file=file, year=_year_of(name), credit=credit)


def read_hexjson(path: str | Path, *, credit: str = "") -> HexLayout:
    """Read and check a HexJSON file.

    Parameters
    ----------
    path : str or Path
        The ``.hexjson`` file.
    credit : str, optional
        Credit line for maps drawn on the layout.

    Returns
    -------
    HexLayout

    Raises
    ------
    InputError
        Naming the file: it cannot be read, is not JSON, has no ``layout`` among
        :data:`LAYOUTS` or no ``hexes``, gives a code twice, has a hexagon without an
        integer ``q`` or ``r``, or puts two hexagons on one cell.
    """
    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{where}: hex layout file not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 text, so not a HexJSON file") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read the hex layout ({exc.strerror})") from None
    try:
        doc = json.loads(text, object_pairs_hook=_pairs_no_duplicates())
    except _Duplicate as exc:
        raise InputError(f"{where}: the key {exc.key!r} appears twice; each council code must "
                         f"have one hexagon") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                         f"a HexJSON file looks like "
                         f'{{"layout": "odd-r", "hexes": {{"CODE": {{"q": 0, "r": 0}}}}}}') from None
    if not isinstance(doc, dict):
        raise InputError(f"{where}: a HexJSON file is an object with 'layout' and 'hexes', "
                         f"not a {type(doc).__name__}")
    layout = doc.get("layout")
    if layout not in LAYOUTS:
        raise InputError(f"{where}: unknown hex layout {layout!r}; HexJSON layouts are "
                         f"{', '.join(LAYOUTS)}")
    hexes = doc.get("hexes")
    if not isinstance(hexes, dict) or not hexes:
        raise InputError(f"{where}: 'hexes' must be a non-empty object of code: {{'q': ..., 'r': ...}}")
    rows = []
    for code, props in hexes.items():
        if not str(code).strip():
            raise InputError(f"{where}: a hexagon has an empty code")
        if not isinstance(props, dict):
            raise InputError(f"{where}: hexagon {code!r} must be an object with 'q' and 'r'")
        q, r = _integer(props.get("q")), _integer(props.get("r"))
        for key, value in (("q", q), ("r", r)):
            if value is None:
                given = "missing" if key not in props else f"{props.get(key)!r}"
                raise InputError(f"{where}: hexagon {code!r} needs an integer '{key}' "
                                 f"(column q, row r); it is {given}")
        name = props.get("n", props.get("name", code))
        rows.append({"code": str(code), "name": str(name), "q": q, "r": r, "region": props.get("region")})
    return layout_from_frame(pd.DataFrame.from_records(rows), layout=layout, name=path.stem,
                             file=where, credit=credit)


def hexjson_text(layout: HexLayout | pd.DataFrame, *, kind: str | None = None) -> str:
    """A layout as HexJSON text (keys in a fixed order, so the same layout gives the same bytes).

    ``layout`` is a :class:`HexLayout` or a frame with ``code``, ``q``, ``r`` (and
    optionally ``name``, ``region``); ``kind`` is the layout (default ``odd-r`` for a frame).

    Examples
    --------
    >>> import pandas as pd
    >>> print(hexjson_text(pd.DataFrame({"code": ["A"], "name": ["Ayton"], "q": [0], "r": [1]})))
    {"layout": "odd-r", "hexes": {
      "A": {"n": "Ayton", "q": 0, "r": 1}
    }}
    <BLANKLINE>
    """
    if isinstance(layout, HexLayout):
        frame, kind = layout.hexes, kind or layout.layout
    else:
        frame, kind = layout, kind or "odd-r"
    lines = []
    for row in frame.to_dict("records"):
        props = {"n": str(row.get("name", row["code"])), "q": int(row["q"]), "r": int(row["r"])}
        if row.get("region") is not None and not pd.isna(row.get("region")):
            props["region"] = str(row["region"])
        lines.append(f"  {json.dumps(str(row['code']), ensure_ascii=False)}: "
                     f"{json.dumps(props, ensure_ascii=False)}")
    return f'{{"layout": {json.dumps(kind)}, "hexes": {{\n' + ",\n".join(lines) + "\n}}\n"


def bundled_layouts(*, kinds: tuple[str, ...] = ("lower", "upper")) -> list[HexLayout]:
    """The Open Innovations layouts of UK councils shipped with the package.

    Parameters
    ----------
    kinds : tuple of str
        ``"lower"`` (lower-tier councils, one file per year of codes: 2019, 2020, 2021,
        2023), ``"upper"`` (upper-tier councils) and ``"icb"`` (integrated care boards).

    Examples
    --------
    >>> [(lay.name, lay.year) for lay in bundled_layouts(kinds=("upper",))]
    [('uk-upper-tier-local-authorities', None)]
    """
    stems = {"lower": "uk-local-authority-districts-*", "upper": "uk-upper-tier-local-authorities",
             "icb": "nhs-icb-*"}
    unknown = [k for k in kinds if k not in stems]
    if unknown:
        raise ValueError(f"unknown layout kind(s) {unknown}; choose from {', '.join(stems)}")
    out = []
    for kind in kinds:
        for path in sorted(BUNDLED_DIR.glob(stems[kind] + ".hexjson")):
            out.append(read_hexjson(path, credit=HEXJSON_CREDIT))
    if "lower" in kinds or "upper" in kinds:
        # the older files give no region: take a council's region from a file that does
        councils = [lay for lay in out if not lay.name.startswith("nhs-")]
        known: dict = {}
        for lay in reversed(councils):
            known.update(lay.hexes.dropna(subset=["region"]).set_index("code")["region"].to_dict())
        for lay in councils:
            missing = lay.hexes["region"].isna()
            lay.hexes.loc[missing, "region"] = lay.hexes.loc[missing, "code"].map(known)
    return out


def read_hexjson_folder(folder: str | Path) -> list[HexLayout]:
    """Every ``*.hexjson`` file in a folder (for example a dataset's own layouts), by name."""
    return [read_hexjson(p) for p in sorted(Path(folder).glob("*.hexjson"))]


class NoLayoutError(InputError):
    """None of the codes has a hexagon in any of the layouts tried (exit code 2)."""


@dataclass(frozen=True)
class LayoutChoice:
    """Which layout :func:`choose_layout` chose for a set of codes, and why.

    ``layout`` is the chosen :class:`HexLayout`; ``placed`` the data's codes it has;
    ``unplaced`` the data's codes it lacks (sorted); ``nowhere`` those of them that no
    candidate layout has; ``scores`` one row per candidate (``layout``, ``file``, ``year``,
    ``matched``, ``share``), best first.
    """

    layout: HexLayout
    placed: tuple[str, ...]
    unplaced: tuple[str, ...]
    nowhere: tuple[str, ...]
    scores: pd.DataFrame = field(repr=False)

    def describe(self) -> str:
        """One sentence saying which layout was chosen and what it left out."""
        n = len(self.placed) + len(self.unplaced)
        text = (f"Layout {self.layout.name}: {len(self.placed)} of {n} councils in the data have a "
                f"hexagon")
        if self.unplaced:
            shown = ", ".join(self.unplaced[:8]) + (", ..." if len(self.unplaced) > 8 else "")
            text += f"; not on this layout: {shown}"
        return text + "."


def choose_layout(codes, *, layouts=None, year: int | None = None) -> LayoutChoice:
    """Choose the layout whose hexagons cover the most of ``codes``.

    Ties (the same number of codes placed) go to the layout of ``year`` (the nearest year
    at or before it, then after it), then to the smaller layout (fewer grey hexagons),
    then by name. Codes are compared as text.

    Parameters
    ----------
    codes : iterable of str
        The data's council codes.
    layouts : list of HexLayout, optional
        The candidates (default: the bundled lower- and upper-tier layouts).
    year : int, optional
        The data's year, to prefer the layout of that year's codes.

    Returns
    -------
    LayoutChoice

    Raises
    ------
    NoLayoutError
        An :class:`InputError`: no candidate has any of the codes (the message names the
        layout files tried).

    Examples
    --------
    >>> import pandas as pd
    >>> a = layout_from_frame(pd.DataFrame({"code": ["A", "B"], "q": [0, 1], "r": [0, 0]}), name="a-2019")
    >>> b = layout_from_frame(pd.DataFrame({"code": ["A", "C"], "q": [0, 1], "r": [0, 0]}), name="b-2023")
    >>> choice = choose_layout(["A", "B", "D"], layouts=[a, b])
    >>> choice.layout.name, choice.unplaced, choice.nowhere
    ('a-2019', ('D',), ('D',))
    >>> choose_layout(["A"], layouts=[a, b], year=2023).layout.name
    'b-2023'
    """
    wanted = sorted({str(c) for c in codes if c is not None and not (isinstance(c, float) and math.isnan(c))})
    if layouts is None:
        layouts = bundled_layouts()
    layouts = list(layouts)
    if not layouts:
        raise InputError("no hex layout to choose from")
    if not wanted:
        raise InputError("no council codes to place on a hex layout")
    records = []
    for i, lay in enumerate(layouts):
        matched = len(lay.codes.intersection(wanted))
        if lay.year is None or year is None:
            distance = (2, 0)
        elif lay.year <= year:
            distance = (0, year - lay.year)
        else:
            distance = (1, lay.year - year)
        records.append({"layout": lay.name, "file": lay.file, "year": lay.year, "matched": matched,
                        "share": round(matched / len(wanted), 4), "_d": distance, "_n": len(lay), "_i": i})
    scores = pd.DataFrame.from_records(records)
    order = sorted(range(len(records)),
                   key=lambda i: (-records[i]["matched"], records[i]["_d"], records[i]["_n"], records[i]["layout"]))
    scores = scores.iloc[order].drop(columns=["_d", "_n"]).reset_index(drop=True)
    best = layouts[int(scores["_i"].iloc[0])]
    scores = scores.drop(columns="_i")
    if scores["matched"].iloc[0] == 0:
        shown = ", ".join(wanted[:5]) + (", ..." if len(wanted) > 5 else "")
        files = ", ".join(str(lay.file or lay.name) for lay in layouts)
        raise NoLayoutError(
            f"none of the {len(wanted)} council codes ({shown}) has a hexagon in the hex layouts "
            f"tried ({files}); give a HexJSON layout keyed by these codes"
        )
    have = best.codes
    placed = tuple(c for c in wanted if c in have)
    unplaced = tuple(c for c in wanted if c not in have)
    anywhere = set().union(*(lay.codes for lay in layouts))
    nowhere = tuple(c for c in unplaced if c not in anywhere)
    return LayoutChoice(best, placed, unplaced, nowhere, scores)
