"""kaoping's thin edges: the command line, the HTTP API and the case store."""
