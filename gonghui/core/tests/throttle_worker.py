"""One app-server process for ``test_throttle``'s cross-process test: it starts Django with
the test settings (``DATABASE_URL`` from the environment), waits until every worker is ready,
then counts attempts on one throttle as fast as it can and prints how many got through.

    python -m gonghui.core.tests.throttle_worker SCOPE ATTEMPTS LIMIT BARRIER_DIR WORKERS NAME
"""

import os
import sys
import time


def main(scope: str, attempts: int, limit: int, barrier: str, workers: int, name: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from gonghui.core import throttle

    # Start together, so the attempts of the processes interleave.
    open(os.path.join(barrier, name), "w").close()
    deadline = time.monotonic() + 60
    while len(os.listdir(barrier)) < workers and time.monotonic() < deadline:
        time.sleep(0.005)
    allowed = 0
    for _ in range(attempts):
        try:
            throttle.hit(scope, "198.51.100.7", limit=limit, window=10**9)
        except throttle.Throttled:
            continue
        allowed += 1
    return allowed


if __name__ == "__main__":
    scope, attempts, limit, barrier, workers, name = sys.argv[1:7]
    print(main(scope, int(attempts), int(limit), barrier, int(workers), name))
