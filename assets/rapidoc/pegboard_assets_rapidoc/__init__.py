"""RapiDoc 9.3.8, from npm rapidoc@9.3.8; see README.md."""
