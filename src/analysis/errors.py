"""Exceptions that the command line turns into readable reports and exit codes.

``InputError`` (exit 2) is the user's mistake: bad input, a wrong option, an output
folder in the wrong place. Anything else that escapes is an unexpected failure (exit 1).
"""

from __future__ import annotations

__all__ = ["AnalysisError", "InputError", "MissingTableError", "show_warning"]


class AnalysisError(Exception):
    """Base class for the toolkit's own errors."""


class InputError(AnalysisError):
    """Bad input from the user: reported without a traceback, exit code 2.

    Parameters
    ----------
    message : str
        What is wrong and, where possible, how to fix it.
    report : object, optional
        A :class:`analysis.data.validate.ValidationReport` (or anything with a
        ``format()`` method) to print after the message.
    """

    exit_code = 2

    def __init__(self, message: str, *, report=None):
        super().__init__(message)
        self.report = report

    def format(self) -> str:
        text = str(self)
        if self.report is not None:
            text = f"{text}\n\n{self.report.format()}"
        return text


class MissingTableError(InputError):
    """An analysis needs a table that the dataset does not have."""

    def __init__(self, table: str, why: str, column: str | None = None):
        if column is None:
            text = (f"this analysis needs the '{table}' table ({why}); add {table}.csv "
                    f"(or .xlsx/.parquet) to the dataset folder, or map a file onto it in dataset.yml")
        else:
            text = (f"this analysis needs the column '{column}' of the '{table}' table ({why}); "
                    f"the dataset's {table} table has no value in it")
        super().__init__(text)
        self.table = table
        self.why = why
        self.column = column

    def __reduce__(self):  # picklable, so that it can come back from a worker process
        return (type(self), (self.table, self.why, self.column))


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Print a warning as one plain line, ``warning: ...``, without the source line that raised
    it (a replacement for :func:`warnings.showwarning`, as the command line shows warnings)."""
    import sys

    print(f"warning: {message}", file=sys.stderr)
