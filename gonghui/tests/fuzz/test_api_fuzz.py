"""``make fuzz``: schemathesis against the API in process, every operation, as an anonymous
caller, an officer and the operator.

Each run loads the demo (``seed_demo``, a small roster) into the test database, reads the
OpenAPI document from the WSGI application and lets schemathesis generate requests for every
operation (boundary values, then random valid and invalid data: control characters, huge
numbers, odd Unicode, wrong types), a bounded number per operation, from a fixed seed. It
fails on any 5xx and on any answer the document does not describe (status code, media type,
JSON schema), and prints what it did: operations, requests, failures, time.

Marked ``fuzz``: ``make test`` leaves it out (pyproject ``addopts``), ``make fuzz`` runs only
it. ``GONGHUI_FUZZ_EXAMPLES`` (default 15) and ``GONGHUI_FUZZ_SEED`` (default 2021) change the
bounds, ``GONGHUI_FUZZ_PATHS`` (a regular expression) fuzzes only the paths it matches,
``GONGHUI_FUZZ_VERBOSE=1`` lists the operations that never answered 2xx; nothing reaches the
network.
"""

import io
import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("GONGHUI_FUZZ_EXAMPLES", "15"))
SEED = int(os.environ.get("GONGHUI_FUZZ_SEED", "2021"))
VERBOSE = os.environ.get("GONGHUI_FUZZ_VERBOSE") == "1"  # also list the operations never answering 2xx
ONLY = os.environ.get("GONGHUI_FUZZ_PATHS", "")  # a regular expression: fuzz only the paths it matches
# The smallest roster seed_demo accepts is its showcase; a few dozen more give lists a second page.
MEMBERS = 60
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# who calls: None is anonymous; otherwise a demo login, with a bearer token
PERSONAS = {"anonymous": None, "officer": "xian_officer", "operator": "admin"}


@dataclass
class Failure:
    operation: str
    check: str
    title: str
    status: int | None
    curl: str
    answer: str

    def describe(self) -> str:
        return (
            f"{self.operation} — {self.check}: {self.title} (HTTP {self.status})\n"
            f"    {self.curl}\n    → {self.answer}"
        )


@dataclass
class Run:
    persona: str
    operations: set[str] = field(default_factory=set)
    answered_2xx: set[str] = field(default_factory=set)  # operations that succeeded at least once
    statuses: Counter = field(default_factory=Counter)
    failures: dict[tuple, Failure] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> str:
        by_class = ", ".join(
            f"{k}: {v}" for k, v in sorted(Counter(f"{s // 100}xx" for s in self.statuses.elements()).items())
        )
        return (
            f"fuzz {self.persona}: {len(self.operations)} operations ({len(self.answered_2xx)} answered 2xx), "
            f"{self.requests} requests "
            f"({by_class}), {len(self.failures)} failures, {len(self.errors)} errors, "
            f"{self.seconds:.0f} s (seed {SEED}, {EXAMPLES} examples per operation)"
        )

    def report(self) -> str:
        lines = [self.summary()]
        if VERBOSE:
            lines += [f"never 2xx: {op}" for op in sorted(self.operations - self.answered_2xx)]
        lines += [f.describe() for f in self.failures.values()]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)


def _token_for(username: str) -> str:
    from gonghui.accounts.models import User
    from gonghui.accounts.services import token_create

    _token, secret = token_create(actor=User.objects.get(username=username), name="fuzz", days=1)
    return secret


def _schema(headers: dict):
    import schemathesis

    from config.wsgi import application

    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "workers": 1,  # one thread: requests in a fixed order, one database connection
            "continue-on-failure": True,  # every failure of an operation, not the first only
            "cache": {"enabled": False},
            "generation": {"max-examples": EXAMPLES, "database": "none"},
            # no links between operations in the document: stateful testing has nothing to chain
            "phases": {"stateful": {"enabled": False}},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "headers": headers,
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)
    if ONLY:
        schema = schema.include(path_regex=ONLY)
    if headers:
        # Revoking the run's own token would leave the rest of the run anonymous; the
        # anonymous run covers the operation (401).
        schema = schema.exclude(method="POST", path_regex=r"^/api/v1/auth/tokens/.+/revoke$")
    return schema


def _fuzz(persona: str, headers: dict) -> Run:
    from schemathesis.engine import events, from_schema

    run = Run(persona)
    started = time.monotonic()
    for event in from_schema(_schema(headers)).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            run.operations.add(recorder.label)
            for interaction in recorder.interactions.values():
                status = interaction.response.status_code if interaction.response else 0
                run.statuses[status] += 1
                if 200 <= status < 300:
                    run.answered_2xx.add(recorder.label)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    info = check.failure_info
                    if info is None:
                        continue
                    failure = info.failure
                    key = (recorder.label, check.name, type(failure).__name__, str(failure.title))
                    if key in run.failures:
                        continue
                    interaction = recorder.interactions.get(case_id)
                    response = interaction.response if interaction else None
                    run.failures[key] = Failure(
                        operation=recorder.label,
                        check=check.name,
                        title=str(failure.title),
                        status=response.status_code if response else None,
                        curl=info.code_sample.strip().replace("\n", " "),
                        answer=(response.content[:300].decode("utf-8", "replace") if response else ""),
                    )
        elif isinstance(event, events.NonFatalError):
            run.errors.append(f"{event.label}: {event.value!r}"[:500])
        elif isinstance(event, events.FatalError):
            run.errors.append(f"fatal: {event.exception!r}"[:500])
    run.seconds = time.monotonic() - started
    return run


@pytest.fixture
def quiet_and_unthrottled(settings, tmp_path):
    import hypothesis.configuration

    import config.wsgi  # noqa: F401 - django.setup() configures logging again: do it first

    # The public forms' rate limits would answer 429 after a few requests and hide the
    # services behind them from the fuzzer (the limits have their own tests).
    settings.GONGHUI_PUBLIC_FORM_RATE = 0
    settings.GONGHUI_STATIONS_NEAREST_RATE = 0
    settings.GONGHUI_STATION_CHECKIN_RATE = 0
    settings.GONGHUI_ASSESS_RATE = 0
    # Hypothesis keeps its working files here, not in the checkout.
    hypothesis.configuration.set_hypothesis_home_dir(tmp_path / "hypothesis")
    # Thousands of expected 4xx answers would each log a warning; 5xx still log their traceback.
    # Every import and export the fuzzer starts runs its task in process, with two log lines.
    loggers = {name: logging.getLogger(name) for name in ("django.request", "django.tasks")}
    levels = {name: log.level for name, log in loggers.items()}
    loggers["django.request"].setLevel(logging.ERROR)
    loggers["django.tasks"].setLevel(logging.WARNING)
    yield
    for name, log in loggers.items():
        log.setLevel(levels[name])
    hypothesis.configuration.set_hypothesis_home_dir(None)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_answer_is_documented_and_none_is_a_server_error(persona, quiet_and_unthrottled):
    call_command("seed_demo", members=MEMBERS, stdout=io.StringIO())
    username = PERSONAS[persona]
    headers = {"Authorization": f"Bearer {_token_for(username)}"} if username else {}
    run = _fuzz(persona, headers)
    print("\n" + run.report())
    if not ONLY:
        assert len(run.operations) > 100, "schemathesis tested only some operations:\n" + run.report()
    if username:
        # a signed-in run that lost its token would quietly test only the 401 answers
        assert run.statuses[401] == 0, "the persona was signed out during the run:\n" + run.report()
    assert not run.failures and not run.errors, run.report()
