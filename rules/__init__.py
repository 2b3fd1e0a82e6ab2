"""The kaoping rulebook as dated data (rulebook §0) and the builders that compile it for durable_rules."""

from rules._loader import RULES_DIR, Rule, RuleSet
from rules.rulebook import Rulebook, load_rulebook, rules_dir, use_rules_dir

__all__ = ["RULES_DIR", "Rule", "RuleSet", "Rulebook", "load_rulebook", "rules_dir", "use_rules_dir"]
