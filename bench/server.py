"""Start and stop a real gunicorn serving config.wsgi on a free loopback port."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .client import Client

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn as scripts/serve runs it (WEB_WORKERS, default 2, × WEB_THREADS, default 4),
    without the access log, its output kept in `log_path`."""

    def __init__(self, env: dict, log_path: Path, *, workers: int, threads: int):
        self.env, self.log_path = env, log_path
        self.workers, self.threads = workers, threads
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        for _attempt in range(3):
            self.port = free_port()
            log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
            self.proc = subprocess.Popen(
                [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(self.workers), "--threads", str(self.threads), "--log-level", "warning",
                 "--graceful-timeout", "5"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            log.close()
            if self._wait_ready(timeout):
                return self.port
            self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                status, *_ = Client("127.0.0.1", self.port, timeout=5).get("/account/login/")
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # The parent pid is the second field after the parenthesised command name.
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == self.proc.pid:
                pids.append(int(entry))
        return pids

    @staticmethod
    def rss_mib(pid: int, key: str) -> float | None:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def memory(self) -> dict:
        """Peak (VmHWM) and current (VmRSS) resident memory of each worker, in MiB."""
        workers = self.worker_pids()
        peaks = [m for m in (self.rss_mib(p, "VmHWM") for p in workers) if m is not None]
        now = [m for m in (self.rss_mib(p, "VmRSS") for p in workers) if m is not None]
        master = self.rss_mib(self.proc.pid, "VmHWM") if self.proc else None
        return {
            "peak_rss_mib": round(max(peaks), 1) if peaks else None,
            "peak_rss_mib_per_worker": [round(m, 1) for m in peaks],
            "rss_mib_total": round(sum(now), 1) if now else None,
            "master_peak_rss_mib": round(master, 1) if master else None,
            "workers": len(workers),
        }

    def stop(self, timeout: float = 15.0):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            # Our own process group only: the master and its workers.
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
