"""ReDoc 3.0.1, from npm redoc@3.0.1; see README.md."""
