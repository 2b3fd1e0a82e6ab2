"""Sub-commands of the ``kaoping`` CLI, one module each."""
