"""A throwaway PostgreSQL 15 cluster on loopback for one benchmark run.

``initdb`` into a temporary directory (owned by ``postgres`` when we run as root, since the
server refuses to run as root), start it with ``fsync=off`` (a benchmark cluster; the figures
say so), hand out a ``postgres://`` URL, and always stop and remove it at the end.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path(os.environ.get("GONGHUI_PG_BIN", "/usr/lib/postgresql/15/bin"))
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",  # throwaway cluster: noted in the results
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "512MB",
    "work_mem": "32MB",
    "maintenance_work_mem": "256MB",
    "max_wal_size": "4GB",
    "max_connections": "50",
}


def available() -> bool:
    return (BIN / "initdb").exists() and (BIN / "pg_ctl").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _run(cmd: list[str]) -> None:
    subprocess.run(_as_postgres(cmd), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextlib.contextmanager
def cluster(database: str = "gonghui"):
    """Yield a database URL of a fresh cluster; stop and delete it however the block ends."""
    root = Path(tempfile.mkdtemp(prefix="gonghui-bench-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
        root.chmod(0o755)
    port = free_port()
    started = False
    try:
        _run([str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8"])  # fmt: skip
        opts = f"-p {port} -k {sock} " + " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        _run(
            [str(BIN / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "server.log"), "-w", "start"]
        )
        started = True
        _run([str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database])
        yield f"postgres://postgres@127.0.0.1:{port}/{database}"
    finally:
        if started:
            with contextlib.suppress(Exception):
                _run([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


def server_version(bin_dir: Path = BIN) -> str:
    try:
        out = subprocess.run(
            [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
