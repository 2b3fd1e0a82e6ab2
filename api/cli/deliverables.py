"""What ``kaoping read`` and ``kaoping memo --plan/--draft`` share: read a Word deliverable, fill a case.

Every function prints its own failure (the error object on stdout as the contract's "Errors" has it, the
reason on stderr in the reader's language) and returns ``None``; the caller exits 2. The reader loads
only when a file is given, so building the command line never loads it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from api import jsonio
from engine import CaseError, evaluate
from engine.validate import case_id_of
from rules.messages import Lang, message

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from engine.deliverables import Reading


def _say(text: str) -> None:
    print(f"kaoping: {text}", file=sys.stderr)  # noqa: T201 - the CLI's error and summary channel


def _errors(error: CaseError) -> None:
    sys.stdout.write(jsonio.dumps(error.to_json()) + "\n")


def _case_summary(error: CaseError, path: str, lang: Lang) -> None:
    _say(message("deliverable.cli_case_error", lang, path=path, case_id=error.case_id or "-"))
    for entry in error.errors:
        print(f"  {'.'.join(str(p) for p in entry['loc']) or '-'}: {entry['msg']}", file=sys.stderr)  # noqa: T201


def read_file(path: Path, node: str, lang: Lang = "zh") -> Reading | None:
    """The reading of a Word file, or None (the refusal printed)."""
    from engine.deliverables import DeliverableError, read_deliverable  # noqa: PLC0415 - on use only
    from engine.office_file import OfficeFileError  # noqa: PLC0415

    try:
        data = path.read_bytes()
    except OSError as exc:
        _say(message("deliverable.cli_cannot_open", lang, path=str(path), reason=exc.strerror or str(exc)))
        return None
    try:
        return read_deliverable(data, name=path.name, node=node)  # type: ignore[arg-type]
    except (OfficeFileError, DeliverableError) as exc:
        prefix = "office_file" if isinstance(exc, OfficeFileError) else "deliverable"
        text = exc.text(lang)
        _errors(CaseError([{"loc": ["file"], "msg": text, "type": f"{prefix}.{exc.key}"}]))
        _say(f"{path}: {text}")
        return None


def print_summary(reading: Reading, lang: Lang = "zh") -> None:
    """The reading's summary on stderr."""
    from engine.deliverables.summary import summary  # noqa: PLC0415 - on use only

    for line in summary(reading, lang):
        _say(line)


def load_case(path: Path, lang: Lang = "zh") -> dict[str, Any] | None:
    """A case JSON file as a dict, or None (the problem printed)."""
    try:
        data = jsonio.loads(path.read_bytes())
    except OSError as exc:
        _say(message("deliverable.cli_cannot_open", lang, path=str(path), reason=exc.strerror or str(exc)))
        return None
    except (ValueError, RecursionError) as exc:
        error = CaseError([{"loc": [], "msg": f"not valid JSON: {exc}", "type": "json_invalid"}], None)
        _errors(error)
        _case_summary(error, str(path), lang)
        return None
    if not isinstance(data, dict):
        error = CaseError([{"loc": [], "msg": "a case must be a JSON object", "type": "model_type"}], None)
        _errors(error)
        _case_summary(error, str(path), lang)
        return None
    return data


def fill(case: dict[str, Any], readings: Iterable[Reading]) -> dict[str, Any]:
    """The case with each reading's node filled from its file."""
    from engine.deliverables import apply_reading  # noqa: PLC0415 - on use only

    for reading in readings:
        case = apply_reading(case, reading)
    return case


def decide(
    case: dict[str, Any], readings: list[Reading], path: str, lang: Lang = "zh"
) -> dict[str, Any] | None:
    """The decision of a case filled from its files, its trace pointing into them; None when undecidable."""
    from engine.deliverables import attach_locations  # noqa: PLC0415 - on use only

    try:
        decision = evaluate(case)
    except CaseError as exc:
        exc.case_id = exc.case_id or case_id_of(case)
        _errors(exc)
        _case_summary(exc, path, lang)
        return None
    return attach_locations(decision, readings)
