"""Excel score sheets: a case's template (:func:`build_template`), read back by :func:`read_sheet`."""

from engine.sheets.cells import Problem, score_text
from engine.sheets.reader import SHEET_LIMITS, ScoreEntry, SheetError, SheetReading, read_sheet
from engine.sheets.template import build_template

__all__ = [
    "SHEET_LIMITS",
    "Problem",
    "ScoreEntry",
    "SheetError",
    "SheetReading",
    "build_template",
    "read_sheet",
    "score_text",
]
