"""durable_rules builders: the only code that knows the engine's condition syntax (style.md §6.4)."""

from rules.rulesets.compile import CompiledRuleset, compile_ruleset, compile_versions, reader_problems

__all__ = ["CompiledRuleset", "compile_ruleset", "compile_versions", "reader_problems"]
