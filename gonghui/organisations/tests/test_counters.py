"""The generic subtree counters: deltas reach a node and all its ancestors (and nothing
else), moves carry a subtree's totals, rebuild and compare work from set-based SQL."""

import pytest
from django.db import connection, transaction

from gonghui.organisations import counters, services
from gonghui.organisations.choices import Kind
from gonghui.organisations.models import Organisation, SubtreeCount

pytestmark = pytest.mark.django_db

DIM = "test"


def fresh(org: Organisation) -> Organisation:
    return Organisation.objects.get(pk=org.pk)


def n(org: Organisation, value: str = "x", dimension: str = DIM) -> int:
    return counters.totals(fresh(org)).get((dimension, value), 0)


def rows() -> set:
    return set(SubtreeCount.objects.exclude(n=0).values_list("organisation_id", "dimension", "value", "n"))


def test_a_delta_reaches_the_node_and_every_ancestor_but_no_sibling(world):
    counters.apply({(world.orgs["xian_factory"].pk, DIM, "x"): 2})
    for key in ("xian_factory", "yanta", "xian", "shaanxi", "national"):
        assert n(world.orgs[key]) == 2, key
    for key in ("yanta_joint", "baoji", "baoji_factory", "gansu", "lanzhou_factory"):
        assert n(world.orgs[key]) == 0, key


def test_deltas_are_summed_and_cancelling_ones_write_nothing(world, django_assert_num_queries):
    a, b = world.orgs["xian_factory"].pk, world.orgs["baoji_factory"].pk
    counters.apply({(a, DIM, "x"): 1, (b, DIM, "x"): 1})
    assert n(world.orgs["shaanxi"]) == 2 and n(world.orgs["xian"]) == 1
    before = rows()
    with django_assert_num_queries(0):
        counters.apply({(a, DIM, "x"): 0})
    counters.apply({(a, DIM, "x"): 1, (b, DIM, "x"): -1})
    assert n(world.orgs["shaanxi"]) == 2 and n(world.orgs["xian"]) == 2 and n(world.orgs["baoji"]) == 0
    assert rows() != before


def test_rows_back_at_zero_are_left_out_of_the_totals(world):
    org = world.orgs["xian_factory"]
    counters.apply({(org.pk, DIM, "x"): 1})
    counters.apply({(org.pk, DIM, "x"): -1})
    assert (DIM, "x") not in counters.totals(org)


def test_many_rows_are_written_in_batches(world):
    org = world.orgs["lanzhou_factory"]
    counters.apply({(org.pk, DIM, f"v{i}"): i + 1 for i in range(700)})
    totals = counters.totals(fresh(world.orgs["gansu"]))
    assert sum(v for (d, _v), v in totals.items() if d == DIM) == sum(range(1, 701))


def test_an_unknown_organisation_is_refused_and_nothing_written(world):
    before = rows()
    stranger = Organisation(path="9999", depth=1)
    with pytest.raises(Organisation.DoesNotExist), transaction.atomic():
        counters.apply({(world.orgs["xian_factory"].pk, DIM, "x"): 1, (stranger.pk, DIM, "x"): 1})
    assert rows() == before


def test_counts_roll_back_with_the_callers_transaction(world):
    before = rows()
    with pytest.raises(RuntimeError), transaction.atomic():
        counters.apply({(world.orgs["xian_factory"].pk, DIM, "x"): 5})
        raise RuntimeError
    assert rows() == before


def test_organisations_are_counted_by_kind_when_created(world, sibling_admin):
    services.organisation_create(
        actor=sibling_admin,
        parent=world.orgs["gansu"],
        kind=Kind.CITY,
        code="620100",
        name="兰州市总工会",
        division_code="620100",
    )
    gansu = counters.totals(fresh(world.orgs["gansu"]))
    assert gansu[(counters.ORGANISATIONS, counters.ALL)] == 3
    assert gansu[(counters.ORGANISATIONS, Kind.CITY)] == 1
    assert counters.totals(fresh(world.orgs["national"]))[(counters.ORGANISATIONS, counters.ALL)] == 11


def test_moving_a_subtree_carries_its_totals_to_the_new_ancestors(world, national_admin):
    counters.apply({(world.orgs["xian_factory"].pk, DIM, "x"): 3, (world.orgs["yanta"].pk, DIM, "y"): 1})
    counters.apply({(world.orgs["baoji_factory"].pk, DIM, "x"): 1})
    services.organisation_move(
        actor=national_admin,
        organisation=fresh(world.orgs["yanta"]),
        new_parent=fresh(world.orgs["gansu"]),
    )
    assert (n(world.orgs["xian"]), n(world.orgs["xian"], "y")) == (0, 0)
    assert (n(world.orgs["gansu"]), n(world.orgs["gansu"], "y")) == (3, 1)
    assert n(world.orgs["shaanxi"]) == 1  # only Baoji's
    assert n(world.orgs["national"]) == 4  # common ancestor: unchanged
    assert (n(world.orgs["yanta"]), n(world.orgs["xian_factory"])) == (3, 3)
    gansu = counters.totals(fresh(world.orgs["gansu"]))
    assert gansu[(counters.ORGANISATIONS, counters.ALL)] == 5
    for org in Organisation.objects.all():
        expected = Organisation.objects.filter(path__startswith=org.path).count()
        assert counters.totals(org)[(counters.ORGANISATIONS, counters.ALL)] == expected


def test_a_move_within_the_same_parent_line_leaves_shared_ancestors_alone(world, city_admin):
    counters.apply({(world.orgs["xian_factory"].pk, DIM, "x"): 2})
    services.organisation_move(
        actor=city_admin,
        organisation=fresh(world.orgs["xian_factory"]),
        new_parent=fresh(world.orgs["xian"]),
    )
    assert (n(world.orgs["yanta"]), n(world.orgs["xian"]), n(world.orgs["shaanxi"])) == (0, 2, 2)


def _source(counts: dict) -> tuple[str, list]:
    """Own counts as SQL, the way a domain app hands them to ``rebuild``."""
    parts, params = [], []
    for org, k in counts.items():
        parts.append("SELECT %s AS organisation_id, %s AS dimension, %s AS value, %s AS n")
        params += [Organisation._meta.pk.get_db_prep_value(org.pk, connection, prepared=False), DIM, "x", k]
    sql = " UNION ALL ".join(parts)
    if connection.vendor == "postgresql":
        sql = (
            "SELECT CAST(organisation_id AS uuid) AS organisation_id, CAST(dimension AS varchar) AS dimension, "
            f"CAST(value AS varchar) AS value, CAST(n AS bigint) AS n FROM ({sql}) s"
        )
    return sql, params


def test_rebuild_rolls_own_counts_up_the_tree_and_compare_sees_the_difference(world):
    source = _source({world.orgs["xian_factory"]: 2, world.orgs["yanta_joint"]: 1, world.orgs["gansu"]: 4})
    assert counters.compare([source])  # the counters hold nothing of these yet
    counters.rebuild([source])
    assert counters.compare([source]) == []
    assert (n(world.orgs["yanta"]), n(world.orgs["shaanxi"]), n(world.orgs["national"])) == (3, 3, 7)
    assert n(world.orgs["gansu"]) == 4 and n(world.orgs["baoji"]) == 0
    SubtreeCount.objects.filter(organisation=world.orgs["national"], dimension=DIM).update(n=1)
    [diff] = counters.compare([source])
    assert (diff["dimension"], diff["stored"], diff["expected"]) == (DIM, 1, 7)
