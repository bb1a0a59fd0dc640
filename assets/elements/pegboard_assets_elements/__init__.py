"""Elements 9.0.25, from npm @stoplight/elements@9.0.25; see README.md."""
