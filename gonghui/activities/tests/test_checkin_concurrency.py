"""No double check-in under concurrency, on PostgreSQL: the member's phone (by the code) and the
organiser's scanner (by the card, twice — a queue sent from two tabs) check the same person in
at the same moment; exactly one check-in is written and every other attempt is refused or
answered as a duplicate, never a 500.

SQLite serialises every writer, so the race cannot happen there; skipped on SQLite like the
sign-up race (``.ci/run`` runs the suite on PostgreSQL)."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gonghui.activities.checkin import services, tokens
from gonghui.activities.models import CheckIn
from gonghui.activities.tests.attendance_fixtures import make_activity, make_signup
from gonghui.members.services import cards
from gonghui.testing import build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL (SQLite serialises writers)",
    ),
]


def test_simultaneous_check_ins_of_one_person_write_exactly_one():
    world = build_world()
    activity = make_activity(world)
    make_signup(activity, world.users["member"], member=world.members["xian_worker"])
    officer = world.users["xian_officer"]
    token = cards.card_token(world.members["xian_worker"])
    nonce = uuid.uuid4().hex
    scan = {"nonce": nonce, "token": token, "direction": "in", "at": activity.starts_at.isoformat()}
    outcomes: list = []
    barrier = threading.Barrier(6)

    def by_code():
        try:
            services.checkin_by_code(
                actor=world.users["member"], activity=activity, code=tokens.make(activity.pk, "in")
            )
            return "accepted"
        except ValidationError as exc:
            return exc.error_list[0].code

    def by_sync():
        result = services.checkins_sync(actor=officer, activity=activity, scans=[dict(scan)])[0]
        return result["status"] if result["status"] != "refused" else result["code"]

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call())
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(call,))
        for call in (by_code, by_code, by_code, by_sync, by_sync, by_sync)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert CheckIn.objects.count() == 1
    assert len(outcomes) == 6 and outcomes.count("accepted") == 1
    assert set(outcomes) <= {"accepted", "already_checked_in", "duplicate"}
