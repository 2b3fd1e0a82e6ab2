"""``kaoping rules check``: the rule data checked as a whole, every slip named.

Loading refuses malformed data at the first slip (the file and key named). Past loading, each version is
compiled on its own, the declared readers are checked against every version, and the declared engine
facts against what fact derivation produces, so one run lists every slip it finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.facts import problems as derivation_problems
from rules import Rulebook, rules_dir
from rules.errors import RulebookError
from rules.messages import Text
from rules.rulesets import CompiledRuleset, compile_ruleset, reader_problems


@dataclass(frozen=True)
class RulesReport:
    """One line per version that compiled, and every slip found."""

    lines: list[Text] = field(default_factory=list)
    problems: list[RulebookError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No slip found."""
        return not self.problems


def check_rules(root: Path | None = None) -> RulesReport:
    """Load the rule data under ``root`` (default: the process's rules directory) and check it all."""
    try:
        rulebook = Rulebook((root or rules_dir()).resolve())
    except RulebookError as exc:
        return RulesReport(problems=[exc])
    report = RulesReport()
    compiled: list[CompiledRuleset] = []
    for rs in rulebook.versions:
        try:
            ruleset = compile_ruleset(rs)
        except RulebookError as exc:
            report.problems.append(exc)
            continue
        compiled.append(ruleset)
        values = {
            "version": rs.version,
            "rules": len(rs.rules),
            "engine_rules": len(ruleset.definition),
            "valid_from": rs.valid_from,
            "valid_to": rs.valid_to or Text("rules.open_end", {}),
            "hash": rs.content_hash[:12],
        }
        report.lines.append(Text("rules.check_line", values))
    if len(compiled) == len(rulebook.versions):
        report.problems.extend(reader_problems(compiled, rulebook.facts))
    report.problems.extend(derivation_problems(rulebook.facts))
    return report
