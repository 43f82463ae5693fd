"""Benchmarks of docs/product.md §5 (``make bench``). Not part of the test suite except
``tests/test_smoke.py``."""
