"""Integration tests use the real-service fixtures of tests.support.fixtures (loaded in tests/conftest.py)."""
