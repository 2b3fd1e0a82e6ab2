"""The case store: engine and tables, migrations, and keyword-only functions, one module per thing stored."""
