import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The public forms are throttled on the cache; every test starts with clean counters."""
    cache.clear()
    yield
    cache.clear()
