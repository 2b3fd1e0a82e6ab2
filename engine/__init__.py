"""kaoping's engine: validate a case, derive facts, decide with durable_rules, explain with a trace."""

from engine.check import RulesReport, check_rules
from engine.errors import CaseError, EngineError, KaopingError, RulebookError
from engine.evaluate import Evaluator, evaluate, start
from engine.identifiers import identifier_problem

__all__ = [
    "CaseError",
    "EngineError",
    "Evaluator",
    "KaopingError",
    "RulebookError",
    "RulesReport",
    "check_rules",
    "evaluate",
    "identifier_problem",
    "start",
]
