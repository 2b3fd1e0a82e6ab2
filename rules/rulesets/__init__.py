"""durable_rules builders: the only code that knows the engine's condition syntax.

They read only the version snapshot: every threshold comes from its parameters when the ruleset is built.
"""

from rules.rulesets.compile import CompiledRuleset, compile_ruleset, compile_versions, reader_problems

__all__ = ["CompiledRuleset", "compile_ruleset", "compile_versions", "reader_problems"]
