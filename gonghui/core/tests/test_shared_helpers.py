"""The small shared helpers every app uses instead of its own copy: rates, row locks, safe
spreadsheet cells and the router of a split API package."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from ninja import Router

from gonghui.core import locking
from gonghui.core.api import package_router
from gonghui.core.figures import percent
from gonghui.core.spreadsheets.cells import neutralise


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")), (1, 8, Decimal("12.5")), (5, 5, Decimal("100.0")),
     (0, 4, Decimal("0.0")), (3, 0, None)],
)  # fmt: skip
def test_a_rate_is_a_per_cent_with_one_decimal_rounded_half_up_and_none_of_nothing(part, whole, expected):
    assert percent(part, whole) == expected


@pytest.mark.django_db
def test_a_locked_row_is_read_again_in_one_query_with_the_joins_asked_for(world):
    member = world.members["xian_worker"]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        again = locking.locked(member, "organisation")
        assert again.organisation.code == member.organisation.code  # joined: no second query
    assert again == member and again is not member
    assert len(queries) == 1
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in queries.captured_queries[0]["sql"]


@pytest.mark.parametrize("text", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_written_as_text(text):
    assert neutralise(text) == "'" + text


def test_plain_text_is_written_as_it_is():
    assert neutralise("西安市雁塔区") == "西安市雁塔区" and neutralise("") == ""


def test_a_split_api_package_keeps_the_operation_ids_of_the_one_module():
    first, second = Router(), Router()

    @first.get("/a")
    def read_a(request):
        return {}

    @second.post("/b")
    def write_b(request):
        return {}

    class Part:
        def __init__(self, router):
            self.router = router

    router = package_router("example", Part(first), Part(second))
    ids = {
        op.operation_id
        for part in (first, second)
        for view in part.path_operations.values()
        for op in view.operations
    }
    assert ids == {"gonghui_example_api_read_a", "gonghui_example_api_write_b"}
    assert router.tags == ["example"]
