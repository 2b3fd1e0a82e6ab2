"""What the pages show, gathered from the store and the engine (no rule logic)."""
