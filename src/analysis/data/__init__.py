"""Data in, checked: the data model, the readers, validation and importers.

Only this sub-package opens input files. Use :func:`load_dataset` to read a dataset
folder and stop on validation errors, or :func:`read_dataset` to inspect the report.
"""

from analysis.data.dataset import Dataset, dataset_checksum, load_dataset, read_dataset
from analysis.data.problems import Problem, ValidationReport
from analysis.data.readers import read_table
from analysis.data.schema import INDICATOR_OPTIONS, OPTIONS, TABLES

__all__ = [
    "Dataset",
    "INDICATOR_OPTIONS",
    "OPTIONS",
    "Problem",
    "TABLES",
    "ValidationReport",
    "dataset_checksum",
    "load_dataset",
    "read_dataset",
    "read_table",
]
