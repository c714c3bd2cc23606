"""Writes (services) of the workflows app, one module per area."""
