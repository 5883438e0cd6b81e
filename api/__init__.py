"""The kruger-rules web API: OpenFisca-compatible endpoints and the product endpoints, on the engine."""
