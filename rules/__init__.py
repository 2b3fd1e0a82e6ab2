"""The kaoping rulebook as dated data (rulebook §0) and the builders that compile it for durable_rules."""

from rules._loader import Rule, RuleSet
from rules.rulebook import Rulebook, load_rulebook

__all__ = ["Rule", "RuleSet", "Rulebook", "load_rulebook"]
