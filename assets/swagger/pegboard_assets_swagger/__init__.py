"""Swagger UI 5.35.0, from npm swagger-ui-dist@5.35.0; see README.md."""
