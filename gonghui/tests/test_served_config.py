"""The served gunicorn configuration (config/gunicorn.conf.py, what `make run` runs): a
kept-alive connection that waits longer than gunicorn's default keep-alive (2 s) is still
served. With the default the server closed it, and a client reusing it then got a connection
reset (the resets seen under load)."""

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONF = ROOT / "config" / "gunicorn.conf.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _served(tmp_path, *args):
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}"}  # fmt: skip
    cmd = [sys.executable, "-m", "gunicorn", "config.wsgi:application", *args, "--bind", f"127.0.0.1:{port}"]
    log = (tmp_path / "gunicorn.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()[-2000:]
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_a_kept_alive_connection_idle_for_three_seconds_is_still_served(tmp_path):
    with _served(tmp_path, "-c", str(CONF), "--workers", "1") as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/accounts/login/")
        first = conn.getresponse()
        first.read()
        assert first.status == 200 and not first.will_close
        sock = conn.sock
        time.sleep(3.5)  # longer than gunicorn's default keep-alive of 2 s
        conn.request("GET", "/accounts/login/")  # on the same connection: no reset
        second = conn.getresponse()
        second.read()
        assert second.status == 200 and conn.sock is sock
        conn.close()


def test_make_run_serves_with_the_configuration_file():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = re.search(r"^run: install.*?(?=^\S)", makefile, flags=re.M | re.S).group(0)
    assert "gunicorn config.wsgi:application -c config/gunicorn.conf.py --bind $(HOST):$(PORT)" in run
