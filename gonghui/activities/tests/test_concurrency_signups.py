"""Capacity under concurrent sign-ups, on PostgreSQL: many threads, each with its own database
connection, press "sign up" at the same moment. The activity must never be oversold, and the
waiting list must hold everyone else in distinct positions 1..N.

SQLite serialises every writer, so the race cannot happen there; the test runs on PostgreSQL
(``.ci/run`` runs the suite on a throwaway PostgreSQL 15) and is skipped on SQLite.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gonghui.activities.choices import SignupStatus
from gonghui.activities.models import Signup
from gonghui.activities.services import signups
from gonghui.activities.tests.factories import make_activity, people
from gonghui.testing import build_world

THREADS = 40
CAPACITY = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL (SQLite serialises writers)",
    ),
]


def _race(activity, users) -> dict:
    """Every user signs up at once; the outcome (status or error code) of each."""
    barrier = threading.Barrier(len(users))
    outcomes: dict = {}

    def press(user):
        try:
            barrier.wait()
            try:
                outcomes[user.pk] = signups.signup_create(actor=user, activity=activity).status
            except ValidationError as exc:
                outcomes[user.pk] = exc.error_list[0].code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_forty_people_at_once_fill_ten_places_and_queue_the_other_thirty_in_order():
    world = build_world()
    activity = make_activity(world, capacity=CAPACITY, waitlist=True)
    outcomes = _race(activity, people(THREADS))
    assert len(outcomes) == THREADS
    rows = Signup.objects.filter(activity=activity)
    assert rows.filter(status=SignupStatus.CONFIRMED).count() == CAPACITY
    waiting = list(rows.filter(status=SignupStatus.WAITLISTED).values_list("position", flat=True))
    assert sorted(waiting) == list(range(1, THREADS - CAPACITY + 1))


def test_forty_people_at_once_without_a_waiting_list_get_ten_places_and_thirty_refusals():
    world = build_world()
    activity = make_activity(world, capacity=CAPACITY, waitlist=False)
    outcomes = _race(activity, people(THREADS))
    assert sorted(outcomes.values()).count("activity_full") == THREADS - CAPACITY
    assert list(outcomes.values()).count("confirmed") == CAPACITY
    assert Signup.objects.filter(activity=activity).count() == CAPACITY


def test_cancellations_racing_sign_ups_never_oversell():
    world = build_world()
    activity = make_activity(world, capacity=CAPACITY, waitlist=True)
    holders = people(CAPACITY, "holder")
    for user in holders:
        signups.signup_create(actor=user, activity=activity)
    newcomers = people(THREADS - CAPACITY, "newcomer")
    barrier = threading.Barrier(THREADS)

    def act(user, cancel):
        try:
            barrier.wait()
            if cancel:
                signups.signup_cancel(actor=user, activity=activity)
            else:
                signups.signup_create(actor=user, activity=activity)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u, True)) for u in holders]
    threads += [threading.Thread(target=act, args=(u, False)) for u in newcomers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = Signup.objects.filter(activity=activity)
    assert rows.filter(status=SignupStatus.CONFIRMED).count() == CAPACITY
    assert rows.filter(status=SignupStatus.WAITLISTED).count() == THREADS - 2 * CAPACITY
