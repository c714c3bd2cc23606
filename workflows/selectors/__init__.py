"""Reads (selectors) of the workflows app, one module per area."""
