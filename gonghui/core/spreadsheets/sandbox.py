"""Running the .xlsx parser (``xlsxparse``) in a child process and streaming its rows back.

Why a child: under the in-process tasks backend (development, ``make run``, tests) the import
task runs inside the web worker, and under ``db_worker`` it runs inside a long-lived worker;
either way a runaway spreadsheet must not grow that process. The child sets hard resource
limits on itself (address space, CPU seconds, file size) and is killed when the time this
process has spent waiting for it passes the limit, so a hostile file costs at most one child's
memory for at most that long, and the parent's memory stays flat (rows arrive in small framed
batches through a pipe; the parent holds one batch at a time).

Several at once: at most ``GONGHUI_IMPORT_PARSERS`` children run on a machine, whatever the
number of web and task workers, counted with ``flock`` on one lock file per slot in a private
folder (``GONGHUI_IMPORT_PARSER_LOCK_DIR``). A read that finds every slot taken waits up to
``GONGHUI_IMPORT_PARSER_WAIT_SECONDS`` and then gives up with ``busy``. Locks held by a
process that dies are released by the kernel.
"""

import datetime
import fcntl
import json
import logging
import os
import select
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gonghui.core.spreadsheets import xlsxparse

log = logging.getLogger(__name__)

CHILD = str(Path(xlsxparse.__file__).resolve())
MAX_FRAME = 256 * 1024 * 1024  # a batch of rows is far smaller; more means a broken child
_DECODE = {
    "dt": datetime.datetime.fromisoformat,
    "d": datetime.date.fromisoformat,
    "t": datetime.time.fromisoformat,
    "td": lambda seconds: datetime.timedelta(seconds=seconds),
}


class Refused(Exception):
    """The child could not read the workbook: ``code`` and ``limit`` as in ``xlsxparse``."""

    def __init__(self, code: str, limit: int | None = None):
        super().__init__(code)
        self.code = code
        self.limit = limit


@contextmanager
def slot(*, folder: str, slots: int, wait_seconds: float):
    """Hold one of ``slots`` machine-wide parser slots while the block runs; raises
    :class:`Refused` (``busy``) when none frees up within ``wait_seconds``."""
    path = _private_folder(folder)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        for index in range(max(1, slots)):
            fd = os.open(path / f"slot-{index}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield index
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            return
        if time.monotonic() >= deadline:
            raise Refused("busy", slots)
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def _private_folder(folder: str) -> Path:
    """The lock folder, made if missing; refused unless it is a real folder of this user that
    nobody else may write (in a shared temporary folder someone could have made it first, to
    hold every slot)."""
    path = Path(folder)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise PermissionError(f"the parser lock folder {path} is not a private folder of this user")
    return path


def default_lock_folder() -> str:
    """A folder of this machine only this user may write (slot counting must not be shared
    through a network file system, nor tampered with by other users)."""
    return os.path.join(tempfile.gettempdir(), f"gonghui-parsers-{os.getuid()}")


class _Child:
    """One parser process and the frames it writes, read with a time budget."""

    def __init__(self, path: str, limits: xlsxparse.Limits):
        self.limits = limits
        self.budget = float(limits.seconds)
        self.timed_out = False
        self.proc = subprocess.Popen(  # noqa: S603 - our own script, no shell, fixed arguments
            [sys.executable, "-I", "-S", CHILD, path, limits.to_json()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"LC_ALL": "C.UTF-8", "TMPDIR": tempfile.gettempdir()},
            close_fds=True,
        )
        self.fd = self.proc.stdout.fileno()
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        self.buffer = bytearray()

    def _fill(self, wanted: int) -> bool:
        """Read until the buffer holds ``wanted`` bytes; False at the end of the output.
        Only the time spent waiting here counts against the budget: while the importer is
        busy with rows already received, the child blocks on the full pipe and costs nothing."""
        while len(self.buffer) < wanted:
            if self.budget <= 0:
                self.timed_out = True
                raise Refused("time", self.limits.seconds)
            started = time.monotonic()
            ready = self.poller.poll(self.budget * 1000)
            self.budget -= time.monotonic() - started
            if not ready:
                continue  # the budget check above ends it
            chunk = os.read(self.fd, 1024 * 1024)
            if not chunk:
                return False
            self.buffer += chunk
        return True

    def frames(self) -> Iterator[tuple[bytes, object]]:
        while True:
            if not self._fill(5):
                return
            kind = bytes(self.buffer[:1])
            (length,) = struct.unpack(">I", self.buffer[1:5])
            if length > MAX_FRAME:
                raise Refused("damaged")
            if not self._fill(5 + length):
                raise self._died()
            try:
                payload = json.loads(bytes(self.buffer[5 : 5 + length]))
            except ValueError:
                raise Refused("damaged") from None
            del self.buffer[: 5 + length]
            yield kind, payload

    def _died(self) -> Refused:
        """Why the child ended without saying so (it was stopped by one of its limits)."""
        code = self.wait()
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            return Refused("time", self.limits.seconds)
        if code == xlsxparse.EXIT_MEMORY:
            return Refused("memory", self.limits.memory_mb)
        log.warning("xlsx parser stopped with status %s", code)
        return Refused("damaged")

    def wait(self) -> int:
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


def xlsx_rows(
    path: str,
    limits: xlsxparse.Limits,
    *,
    lock_folder: str,
    slots: int,
    wait_seconds: float,
    stats: dict | None = None,
) -> Iterator[tuple[int, list]]:
    """(row number, values) of the first sheet of the workbook at ``path``, read by a child
    process under ``limits``; rows without any value are left out. Raises :class:`Refused`.
    Closing the iterator early (the caller found what it needed) stops the child. A read to
    the end fills ``stats`` (rows, cells, strings, the child's peak memory) and logs them."""
    with slot(folder=lock_folder, slots=slots, wait_seconds=wait_seconds):
        child = _Child(path, limits)
        try:
            for kind, payload in child.frames():
                if kind == b"R":
                    for number, row, tagged in payload:
                        for index in tagged:
                            tag, value = row[index]
                            try:
                                row[index] = _DECODE[tag](value)
                            except (KeyError, TypeError, ValueError):
                                raise Refused("damaged") from None
                        yield number, row
                elif kind == b"E":
                    raise Refused(payload.get("code", "damaged"), payload.get("limit"))
                elif kind == b"D":
                    if stats is not None:
                        stats.update(payload)
                    log.info("xlsx read: %s", payload)
                    return
            raise child._died()
        finally:
            child.close()
