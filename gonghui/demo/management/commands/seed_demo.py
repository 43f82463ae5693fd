"""Load the deterministic demo data of docs/product.md §4.2 (``make run`` calls it on every start).

Built only through the services, in one transaction: either the whole demo is there or none
of it. Idempotent: when 陕西省总工会 (610000) already exists, only the demo logins, their
passwords and roles are checked.
"""

import importlib
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gonghui.competitions import demo as competition_demo
from gonghui.members import demo as member_demo
from gonghui.organisations import demo as org_demo
from gonghui.organisations.models import Organisation
from gonghui.stations import demo as station_demo

SEED = 2021  # the year of the ACFTU tasks the platform was first built for
# Apps whose ``demo.build(tree=, users=, rng=)`` loads their part after the members, in order.
# A module without ``demo.py`` (or without ``build``) is skipped.
DEMO_APPS = (
    "gonghui.honours",
    "gonghui.innovation",
    "gonghui.competitions",
    "gonghui.assistance",
    "gonghui.rights",
    "gonghui.stations",
    "gonghui.news",
    "gonghui.portal",  # last: the worker's 我的 items use every app above
)


def _app_demos():
    for app in DEMO_APPS:
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        if hasattr(module, "build"):
            yield module


class Command(BaseCommand):
    help = "Load the demo federations, unions, members and logins (password demo12345)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=member_demo.DEFAULT_MEMBERS,
            help=f"Size of the generated roster (default {member_demo.DEFAULT_MEMBERS}; at least "
            f"{len(member_demo.SHOWCASE)}).",
        )

    def handle(self, *args, members: int, **options):
        if members < len(member_demo.SHOWCASE):
            raise CommandError(f"--members must be at least {len(member_demo.SHOWCASE)}")
        started = time.monotonic()
        password = org_demo.DemoPassword()
        with transaction.atomic():
            present = Organisation.objects.filter(code=org_demo.PROVINCE_CODE).exists()
            users = org_demo.ensure_users(password)
            worker = org_demo.ensure_user("worker", member_demo.WORKER_NAME, password=password)
            if present:
                self.stdout.write("demo data already present; checking the demo logins")
                org_demo.ensure_roles(users, actor=users["admin"])
                member_demo.ensure_worker(users=users, worker=worker)
            else:
                if Organisation.objects.exists():
                    raise CommandError(
                        "This database already has organisations but not the demo tree; "
                        "seed_demo only loads into an empty tree."
                    )
                rng = random.Random(SEED)
                tree = org_demo.build_tree(actor=users["admin"], rng=rng)
                org_demo.ensure_roles(users, actor=users["admin"])
                summary = member_demo.build(tree=tree, users=users, rng=rng, count=members)
                member_demo.ensure_worker(users=users, worker=worker)
                for module in _app_demos():
                    module.build(tree=tree, users=users, rng=random.Random(f"{SEED}:{module.__name__}"))
                self._report(tree, summary)
        self.stdout.write(self.style.SUCCESS(f"seed_demo finished in {time.monotonic() - started:.1f} s"))
        self._logins()

    def _report(self, tree, summary) -> None:
        self.stdout.write(
            f"organisations: {len(tree.by_code) + len(tree.streets) + len(tree.industry)} "
            f"({len(tree.grassroots)} grassroots unions)"
        )
        self.stdout.write(
            f"members: {summary.members} ({summary.retained} retained, {summary.withdrawn} withdrawn)"
        )
        e = summary.enrolments
        self.stdout.write(
            f"enrolments: {e.get('pending', 0) + e.get('overdue', 0)} pending ({e.get('overdue', 0)} overdue), "
            f"{e.get('approved', 0)} approved, {e.get('rejected', 0)} rejected"
        )
        self.stdout.write("transfers: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.transfers.items())))
        self.stdout.write(f"dues records: {summary.dues_records}")

    def _logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password {org_demo.DEMO_PASSWORD}):")
        for username, code, role, display in org_demo.DEMO_USERS:
            where = f"{role} of {code}" if code else "operator (superuser)"
            self.stdout.write(f"  {username:<14} {where:<22} {display}")
        self.stdout.write(
            f"  {'worker':<14} {'member login':<22} {member_demo.WORKER_NAME}（{member_demo.WORKER_UNION}）"
        )
        self.stdout.write(
            f"  {station_demo.KEEPER_USERNAME:<14} {'station keeper':<22} {station_demo.KEEPER_NAME}"
            f"（{station_demo.KEEPER_UNION}）"
        )
        self.stdout.write(
            f"  {competition_demo.JUDGES[0]:<14} {'judge':<22} {competition_demo.MARKING_TITLE}"
        )
