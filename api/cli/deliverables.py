"""What ``kaoping read`` and ``kaoping memo --plan/--draft`` share: read a Word deliverable, fill a case.

Every function prints its own failure (the error object on stdout as the contract's "Errors" has it, the
reason on stderr in the reader's language) and returns ``None``; the caller exits 2. The reader loads
only when a file is given, so building the command line never loads it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from api.cli.evaluate import errors_json, read_json, summary
from api.cli.language import lang, os_reason, say, say_text
from engine import CaseError, evaluate
from engine.problems import entry
from engine.validate import case_id_of

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from engine.deliverables import Reading


def _refused(error: CaseError, path: str) -> None:
    """The error object on stdout, the readable summary on stderr."""
    sys.stdout.write(errors_json(error) + "\n")
    print(summary(error, path), file=sys.stderr)  # noqa: T201 - the CLI's error channel


def read_file(path: Path, node: str) -> Reading | None:
    """The reading of a Word file, or None (the refusal printed)."""
    from engine.deliverables import DeliverableError, read_deliverable  # noqa: PLC0415 - on use only
    from engine.office_file import OfficeFileError  # noqa: PLC0415

    try:
        data = path.read_bytes()
    except OSError as exc:
        say("cli.cannot_read", path=path, reason=os_reason(exc))
        return None
    try:
        return read_deliverable(data, name=path.name, node=node)  # type: ignore[arg-type]
    except (OfficeFileError, DeliverableError) as exc:
        error = CaseError([entry(["file"], exc.message_id, **exc.values)])
        sys.stdout.write(errors_json(error) + "\n")
        say("cli.file_refused", path=path, reason=exc)
        return None


def print_summary(reading: Reading) -> None:
    """The reading's summary on stderr."""
    from engine.deliverables.summary import summary as reading_summary  # noqa: PLC0415 - on use only

    for line in reading_summary(reading, lang()):
        say_text(line)


def load_case(path: Path) -> dict[str, Any] | None:
    """A case JSON file as a dict, or None (the problem printed)."""
    try:
        data, encoding = read_json(path.read_bytes())
    except OSError as exc:
        say("cli.cannot_read", path=path, reason=os_reason(exc))
        return None
    except CaseError as error:
        _refused(error, str(path))
        return None
    if encoding:
        say("cli.encoding", where=path, encoding=encoding)
    if not isinstance(data, dict):
        _refused(CaseError([entry([], "model_type", reason="case")], None), str(path))
        return None
    return data


def fill(case: dict[str, Any], readings: Iterable[Reading]) -> dict[str, Any]:
    """The case with each reading's node filled from its file."""
    from engine.deliverables import apply_reading  # noqa: PLC0415 - on use only

    for reading in readings:
        case = apply_reading(case, reading)
    return case


def decide(case: dict[str, Any], readings: list[Reading], path: str) -> dict[str, Any] | None:
    """The decision of a case filled from its files, its trace pointing into them; None when undecidable."""
    from engine.deliverables import attach_locations  # noqa: PLC0415 - on use only

    try:
        decision = evaluate(case)
    except CaseError as exc:
        exc.case_id = exc.case_id or case_id_of(case)
        _refused(exc, path)
        return None
    return attach_locations(decision, readings)
