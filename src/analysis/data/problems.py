"""Problems found while reading and validating, and the report that lists them.

Problems are grouped (one file, column and kind of problem, many rows) so that a
million bad cells cost one object, not a million; the report prints each group with
the spreadsheet row numbers a user would look up, the offending values and a fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.labels import count

__all__ = ["Problem", "ValidationReport"]

_SHOW_ROWS = 6


@dataclass
class Problem:
    """One kind of problem in one place.

    ``rows`` are row numbers as a spreadsheet user counts them (the header row of a
    CSV with its header on the first line is row 1, so the first data row is row 2);
    empty for a problem that concerns the whole file or column.
    """

    severity: str  # "error" or "warning"
    table: str
    problem: str
    fix: str = ""
    file: str = ""
    column: str = ""
    rows: Sequence[int] = ()
    values: Sequence[object] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        parts = [self.file or self.table]
        if self.rows:
            rows = list(self.rows)
            shown = ", ".join(str(r) for r in rows[:_SHOW_ROWS])
            more = f" and {len(rows) - _SHOW_ROWS} more" if len(rows) > _SHOW_ROWS else ""
            parts.append(f"row{'s' if len(rows) > 1 else ''} {shown}{more}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def format(self) -> str:
        text = f"{self.severity.upper()}: {self.location()}: {self.problem}"
        if self.values:
            vals = [_short(v) for v in list(self.values)[:_SHOW_ROWS]]
            text += f" (value{'s' if len(vals) > 1 else ''}: {', '.join(vals)})"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


def _short(value, limit: int = 40) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ValidationReport:
    """Everything found wrong with a dataset: errors fail validation, warnings do not."""

    dataset: str = ""
    problems: list[Problem] = field(default_factory=list)
    info: list[str] = field(default_factory=list)

    def add(self, severity: str, table: str, problem: str, **kwargs) -> None:
        self.problems.append(Problem(severity, table, problem, **kwargs))

    def error(self, table: str, problem: str, **kwargs) -> None:
        self.add("error", table, problem, **kwargs)

    def warning(self, table: str, problem: str, **kwargs) -> None:
        self.add("warning", table, problem, **kwargs)

    def extend(self, other: ValidationReport) -> None:
        self.problems.extend(other.problems)
        self.info.extend(other.info)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self, *, info: bool = False) -> str:
        """The report as text: errors first, then warnings, then (optionally) notes."""
        lines = []
        n_err, n_warn = len(self.errors), len(self.warnings)
        head = f"Validation of {self.dataset}" if self.dataset else "Validation"
        verdict = "FAILED" if n_err else "passed"
        lines.append(f"{head}: {verdict} with {count(n_err, 'error')} and {count(n_warn, 'warning')}")
        for p in self.errors + self.warnings:
            lines.append(p.format())
        if info and self.info:
            lines.append("")
            lines.extend(f"note: {i}" for i in self.info)
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per problem and row: severity, table, file, row, column, value, problem, fix."""
        records = []
        for p in self.problems:
            rows = list(p.rows) or [None]
            values = list(p.values)
            for i, row in enumerate(rows):
                value = values[i] if i < len(values) and len(values) == len(rows) else (
                    values[0] if len(values) == 1 else None)
                records.append(
                    {
                        "severity": p.severity,
                        "table": p.table,
                        "file": p.file,
                        "row": row,
                        "column": p.column,
                        "value": None if value is None else str(value),
                        "problem": p.problem,
                        "fix": p.fix,
                    }
                )
        cols = ["severity", "table", "file", "row", "column", "value", "problem", "fix"]
        frame = pd.DataFrame.from_records(records, columns=cols)
        frame["row"] = frame["row"].astype("Int64")
        return frame
