import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Explanations are asserted in English (the msgids); the UI default is zh-hans."""
    with translation.override("en"):
        yield
