"""Shared helpers: timing percentiles, result rows, memory sampling."""

import os
import statistics
import threading
import time


def result(name, value, unit, *, reference=None, goal=None, met=None, ratio=None):
    """One row of ``bench/results.json``: name, value, unit, reference, ratio, goal, met."""
    if ratio is None and reference not in (None, 0) and value is not None:
        ratio = value / reference
    return {
        "name": name,
        "value": _round(value),
        "unit": unit,
        "reference": _round(reference),
        "ratio": _round(ratio, 3),
        "goal": goal,
        "met": met,
    }


def _round(x, digits=2):
    if isinstance(x, float):
        return round(x, digits)
    return x


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of ``samples``."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def rss_mb() -> float:
    """Resident set size of this process now (Linux /proc), in MB."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemorySampler:
    """Samples RSS every ``interval`` seconds in a thread while the block runs."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        start = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - start, rss_mb()))
            self._stop.wait(self.interval)

    def __enter__(self):
        self.baseline = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.samples.append((self.samples[-1][0] if self.samples else 0.0, rss_mb()))

    def at_fraction(self, fraction: float) -> float:
        """Highest RSS seen up to ``fraction`` of the run's duration."""
        if not self.samples:
            return self.baseline
        end = self.samples[-1][0]
        seen = [mb for t, mb in self.samples if t <= end * fraction] or [self.samples[0][1]]
        return max(seen)

    @property
    def peak(self) -> float:
        return max((mb for _t, mb in self.samples), default=self.baseline)
