"""Scalar 1.76.4, from npm @scalar/api-reference@1.76.4; see README.md."""
