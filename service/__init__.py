"""tsunagu service: the CLI, the HTTP API and the pages. The only package that knows HTTP."""
