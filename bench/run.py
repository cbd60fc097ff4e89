#!/usr/bin/env python
"""TimeLive benchmark: `make bench [ENTRIES=N] [DATABASE_URL=…]` (see bench/README.md).

Creates its own fresh database (a SQLite file under var/bench/, or a new, uniquely
named PostgreSQL database on the server DATABASE_URL names, dropped at the end),
seeds it, serves it with a real gunicorn on a free 127.0.0.1 port, measures
bulk import, single creates, the week grid and the week's API list over HTTP,
and prints progress lines and, last, one JSON object on one line.
"""

import argparse
import datetime as dt
import json
import os
import secrets
import signal
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Run as a script, this folder comes first on sys.path; the package imports below need only the root.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

BENCH_DIR = ROOT / "var" / "bench"
SQLITE_NAME = "timelive.sqlite3"

STARTED = time.monotonic()


def say(message: str):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=int(os.environ.get("ENTRIES") or 1_000_000),
                        help="time entries to seed in the main organisation (default 1,000,000)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="a PostgreSQL server to create the benchmark database on; empty for SQLite")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--batches", type=int, default=30, help="bulk batches to send (each --batch-size entries)")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--bulk-concurrency", type=int, default=1, help="bulk requests in flight at once")
    parser.add_argument("--parallel-batches", type=int, default=20,
                        help="bulk batches sent afterwards with one request in flight per worker (0: skip)")
    parser.add_argument("--concurrency", type=int, default=8, help="single-create client threads")
    parser.add_argument("--seconds", type=float, default=None,
                        help="how long to run single creates (default 5 s, 15 s from 100,000 entries)")
    parser.add_argument("--reads", type=int, default=50, help="measured requests per read figure")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS") or 2))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS") or 4))
    parser.add_argument("--settings", default="config.settings",
                        help="Django settings module for the seeding and the server (to try a settings change)")
    parser.add_argument("--keep-database", action="store_true",
                        help="leave the PostgreSQL database in place afterwards (its name is printed) to look into it")
    parser.add_argument("--timeout", type=float, default=3600, help="give up (cleaning up) after this many seconds")
    args = parser.parse_args(argv)
    if not 1 <= args.batch_size <= 1000:
        parser.error("--batch-size must be 1..1000 (the API's limit)")
    if args.entries < 0 or args.people < 2:
        parser.error("need --entries >= 0 and --people >= 2")
    if args.seconds is None:
        args.seconds = 15.0 if args.entries >= 100_000 else 5.0
    return args


# The database


class Database:
    """The benchmark's own database. Never reuses or changes an existing one."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.vendor = "postgresql" if server_url else "sqlite"
        self.name = ""
        self.url = ""

    def create(self):
        if self.vendor == "sqlite":
            BENCH_DIR.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                (BENCH_DIR / f"{SQLITE_NAME}{suffix}").unlink(missing_ok=True)
            self.name = str(BENCH_DIR / SQLITE_NAME)
            return
        parts = urllib.parse.urlsplit(self.server_url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
            raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://")
        self.name = f"timelive_bench_{dt.datetime.now():%Y%m%d_%H%M%S}_{os.getpid()}_{secrets.token_hex(3)}"
        # CREATE DATABASE fails if the name exists: an existing database is never touched.
        self._admin(f'CREATE DATABASE "{self.name}"')
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))

    def _admin(self, sql: str):
        import psycopg

        parts = urllib.parse.urlsplit(self.server_url)
        conninfo = urllib.parse.urlunsplit(parts._replace(scheme="postgresql"))
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def drop(self):
        if self.vendor == "postgresql" and self.name:
            name, self.name = self.name, ""
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            say(f"dropped database {name}")


def configure_environment(db: Database, settings: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": settings,
        "TIMELIVE_VAR_DIR": str(BENCH_DIR),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "TIMELIVE_EDITION": "cloud",
        "TIMELIVE_HTTPS": "0",
    })
    env.pop("DATABASE_URL", None)
    if db.vendor == "postgresql":
        env["DATABASE_URL"] = db.url
    os.environ.clear()
    os.environ.update(env)
    return env


# Measurements


def run_bulk(port, token, slug, batches: list[bytes], concurrency: int, deadline: float, expected: int) -> dict:
    from bench.client import Client

    path = f"/api/v1/orgs/{slug}/time-entries/bulk"
    lock = threading.Lock()
    queue = list(enumerate(batches))
    times, created, problems = [], [0], []

    def worker():
        client = Client("127.0.0.1", port, token=token)
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                _, body = queue.pop(0)
            status, _, data, seconds = client.post_json(path, raw=body)
            with lock:
                times.append(seconds)
                if status == 200:
                    created[0] += json.loads(data)["created"]
                else:
                    problems.append(f"{status} {data[:300]!r}")
        client.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if problems:
        say(f"bulk: {len(problems)} failed batches, first: {problems[0]}")
    return {
        "entries_per_s": round(created[0] / wall) if wall else None,
        "entries": created[0],
        "batches": len(times),
        "batch_size": expected,
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "batch_ms": {"p50": ms(statistics.median(times)) if times else None,
                     "max": ms(max(times)) if times else None},
        "failed_batches": len(problems),
    }


def run_single(port, slug, people, project_uids, seconds: float, concurrency: int, first_day: dt.date) -> dict:
    from bench.client import Client, percentile

    path = f"/api/v1/orgs/{slug}/time-entries"
    latencies, problems = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1)
    go = threading.Event()
    stop_at = [0.0]
    per_thread_max = 5000

    def body(index: int, n: int) -> bytes:
        # 30 minutes each, 40 a day at most: never over a day's 24 hours.
        day = first_day + dt.timedelta(days=n // 40)
        return json.dumps({"project": project_uids[(index + n) % len(project_uids)], "date": day.isoformat(),
                           "duration": 1800, "description": f"bench single {n}"}).encode()

    def worker(index: int, token: str):
        client = Client("127.0.0.1", port, token=token)
        n = 0
        for _ in range(3):  # warm-up, not counted
            client.post_json(path, raw=body(index, n))
            n += 1
        barrier.wait(timeout=120)
        go.wait(timeout=120)
        mine = []
        while n < per_thread_max and time.monotonic() < stop_at[0]:
            try:
                status, _, data, took = client.post_json(path, raw=body(index, n))
            except OSError as exc:
                status, data, took = 0, str(exc).encode(), None
            n += 1
            if status == 201:
                mine.append(took)
            else:
                with lock:
                    problems.append(f"{status} {data[:300]!r}")
        client.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i, people[i % len(people)])) for i in range(concurrency)]
    for t in threads:
        t.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    stop_at[0] = time.monotonic() + seconds
    go.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if problems:
        say(f"single create: {len(problems)} failed, first: {problems[0]}")
    return {
        "req_per_s": round(len(latencies) / wall, 1) if wall else None,
        "requests": len(latencies),
        "errors": len(problems),
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "latency_ms": {
            "p50": ms(percentile(latencies, 50)),
            "p95": ms(percentile(latencies, 95)),
            "p99": ms(percentile(latencies, 99)),
            "max": ms(max(latencies)) if latencies else None,
        },
    }


def run_reads(client, path: str, count: int, warmup: int, deadline: float, check) -> dict:
    for _ in range(warmup):
        status, _, data, _ = client.get(path)
        check(status, data)
    times = []
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        status, _, data, took = client.get(path)
        check(status, data)
        times.append(took)
    from bench.client import percentile

    return {"median_ms": ms(statistics.median(times)), "p95_ms": ms(percentile(times, 95)),
            "min_ms": ms(min(times)), "requests": len(times), "bytes": len(data)}


def run_report_reads(port, token, owner_email: str, slug: str, day: dt.date, count: int, deadline: float) -> dict:
    """Median times of the reports an owner opens most, through HTTP (the API, and the status page)."""
    from bench.client import Client
    from bench.seed import PASSWORD

    api = Client("127.0.0.1", port, token=token)
    month_start = day.replace(day=1)
    month_end = (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    base = f"/api/v1/orgs/{slug}/reports"
    # Everything seeded (two years back) and the bench's own entries after it.
    span = f"from={day - dt.timedelta(days=3 * 365)}&to={day + dt.timedelta(days=365)}"

    def ok(status, data):
        if status != 200:
            raise RuntimeError(f"report answered {status}: {data[:200]!r}")

    reads = max(5, count // 5)
    out = {
        "summary_month_project_user": run_reads(
            api, f"{base}/summary?from={month_start}&to={month_end}&group_by=project,user", reads, 2, deadline, ok),
        "summary_year_client": run_reads(
            api, f"{base}/summary?from={day - dt.timedelta(days=364)}&to={day}&group_by=client", reads, 2, deadline,
            ok),
        "detailed_first_page": run_reads(api, f"{base}/detailed?{span}&limit=100", reads, 2,
                                         deadline, ok),
    }
    # The 500th page of 100: its cursor is reached by walking with pages of 500 (a cursor does not depend on
    # the page size), then that page is read again and again.
    cursor, walked = None, 0
    while walked < 499 * 100 and time.monotonic() < deadline:
        path = f"{base}/detailed?{span}&limit=500" + (f"&cursor={cursor}" if cursor else "")
        status, _, data, _ = api.get(path)
        ok(status, data)
        body = json.loads(data)
        if not body["next_cursor"]:
            break
        cursor, walked = body["next_cursor"], walked + len(body["items"])
    deep = f"{base}/detailed?{span}&limit=100" + (f"&cursor={cursor}" if cursor else "")
    out["detailed_page_500"] = run_reads(api, deep, reads, 2, deadline, ok)
    out["detailed_page_500"]["entries_before"] = walked
    browser = Client("127.0.0.1", port)
    browser.login(owner_email, PASSWORD)
    out["timesheet_status"] = run_reads(browser, f"/o/{slug}/reports/timesheets/?day={day}", reads, 2, deadline, ok)
    return out


def ms(seconds):
    return None if seconds is None or seconds != seconds else round(seconds * 1000, 2)


# Main


def main(argv=None):
    args = parse_args(argv)
    db = Database(args.database_url)
    server = None
    result: dict = {}
    stopping = threading.Event()

    def abort(reason: str, code: int):
        if stopping.is_set():
            return
        stopping.set()
        say(f"aborting: {reason}")
        try:
            if server is not None:
                server.stop()
            db.drop()
        finally:
            os._exit(code)

    watchdog = threading.Timer(args.timeout, abort, args=(f"over --timeout {args.timeout:.0f}s", 3))
    watchdog.daemon = True
    watchdog.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    load_before = round(os.getloadavg()[0], 2)
    try:
        db.create()
        say(f"database: {db.vendor} {db.name}")
        env = configure_environment(db, args.settings)

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        say(f"migrated and collected static files in {time.monotonic() - started:.1f}s")

        from bench.seed import PASSWORD, seed

        say(f"seeding {args.entries:,} entries for {args.people} people over 2 years (+{args.entries // 10:,} in a second org)")
        seeded = seed(args.entries, people=args.people, progress=say)
        main_org = seeded["main"]
        server_version = connection.pg_version if db.vendor == "postgresql" else None

        # What the clients need: tokens, the people's and projects' ids.
        from timelive.integrations.models import ApiToken
        from timelive.orgs.models import Organization
        from timelive.tracking.models import TimeEntry
        from timelive.tracking.periods import week_start

        org, slug = main_org.org, main_org.org.slug
        org = Organization.objects.get(pk=org.pk)
        _, admin_token = ApiToken.issue(main_org.owner, "bench import", org=org)
        reader = main_org.people[1]
        _, reader_token = ApiToken.issue(reader, "bench reader", org=org)
        writers = main_org.people[2:2 + args.concurrency]
        writer_tokens = [ApiToken.issue(u, "bench writer", org=org)[1] for u in writers]
        project_uids = [p.uid for p in main_org.projects if p.billing_type != "non_billable"]
        tasks_by_project = {p.uid: [t.uid for t in main_org.tasks.get(p.id, [])] for p in main_org.projects}
        week = week_start(seeded["first_day"] + dt.timedelta(days=364), org.week_start)
        week_entries = TimeEntry.objects.filter(org=org, user=reader, date__gte=week,
                                                date__lte=week + dt.timedelta(days=6)).count()
        connections.close_all()

        # Bulk batches, built before the clock starts: a whole team's day per batch, after the seeded range.
        run_id = secrets.token_hex(4)
        people = main_org.people
        bulk_first = seeded["last_day"] + dt.timedelta(days=30)
        batches = []
        for b in range(args.batches + args.parallel_batches):
            day = (bulk_first + dt.timedelta(days=b)).isoformat()
            items = []
            for i in range(args.batch_size):
                person = people[i % len(people)]
                project = project_uids[(i * 7 + b) % len(project_uids)]
                tasks = tasks_by_project[project]
                items.append({
                    "key": f"bench-{run_id}-{b}-{i}", "user": person.code, "project": project,
                    "task": tasks[i % len(tasks)] if tasks and i % 5 else None, "date": day,
                    "duration": 1800 + 900 * (i % 3), "description": f"Imported row {i}",
                    "tags": ["imported"] if i % 10 == 0 else [],
                })
            batches.append(json.dumps({"items": items, "all_or_nothing": True}).encode())
        batches, parallel_batches = batches[:args.batches], batches[args.batches:]

        from bench.client import Client
        from bench.server import Gunicorn

        server = Gunicorn(env, BENCH_DIR / "gunicorn.log", workers=args.workers, threads=args.threads)
        port = server.start()
        say(f"gunicorn on 127.0.0.1:{port}: {args.workers} workers x {args.threads} threads, pids {server.worker_pids()}")

        # Warm every worker up on each kind of request (imports, templates, first connections).
        warm = Client("127.0.0.1", port, token=reader_token)
        for _ in range(4 * args.workers):
            warm.close()
            warm.get(f"/api/v1/orgs/{slug}/time-entries?from={week}&to={week + dt.timedelta(days=6)}&user=me")

        deadline = time.monotonic() + max(120.0, args.batches * 10.0)
        say(f"bulk: {args.batches} batches of {args.batch_size} through POST /time-entries/bulk")
        bulk = run_bulk(port, admin_token, slug, batches, args.bulk_concurrency, deadline, args.batch_size)
        say(f"bulk: {bulk['entries']:,} entries in {bulk['seconds']}s = {bulk['entries_per_s']:,} entries/s")
        if args.parallel_batches and args.workers > 1:
            say(f"bulk: {args.parallel_batches} more batches, {args.workers} at a time")
            parallel = run_bulk(port, admin_token, slug, parallel_batches, args.workers, deadline, args.batch_size)
            say(f"bulk, {args.workers} at a time: {parallel['entries_per_s']:,} entries/s")
        else:
            parallel = None
        # Sending a batch again creates nothing twice.
        resend = Client("127.0.0.1", port, token=admin_token)
        status, _, data, took = resend.post_json(f"/api/v1/orgs/{slug}/time-entries/bulk", raw=batches[0])
        answer = json.loads(data) if status == 200 else {}
        bulk["resend"] = {"status": status, "created": answer.get("created"), "existing": answer.get("existing"),
                          "ms": ms(took)}
        if answer.get("created") != 0 or answer.get("existing") != args.batch_size:
            say(f"bulk: re-sending a batch did not answer exists for every item: {bulk['resend']}")

        say(f"single create: {args.concurrency} clients for {args.seconds:.0f}s through POST /time-entries")
        single = run_single(port, slug, writer_tokens, project_uids, args.seconds, args.concurrency,
                            bulk_first + dt.timedelta(days=args.batches + 30))
        lat = single["latency_ms"]
        say(f"single create: {single['req_per_s']} req/s, p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms")

        read_deadline = time.monotonic() + 300
        browser = Client("127.0.0.1", port)
        browser.login(reader.email, PASSWORD)

        def page_ok(status, data):
            if status != 200:
                raise RuntimeError(f"week page answered {status}")

        grid_path = f"/o/{slug}/timesheet/{week}/"
        week_read = run_reads(browser, grid_path, args.reads, 5, read_deadline, page_ok)
        week_read["entries_in_week"] = week_entries
        say(f"week grid page: median {week_read['median_ms']} ms ({week_entries} entries that week)")

        api = Client("127.0.0.1", port, token=reader_token)
        list_path = f"/api/v1/orgs/{slug}/time-entries?from={week}&to={week + dt.timedelta(days=6)}&user=me&limit=500"

        def list_ok(status, data):
            if status != 200:
                raise RuntimeError(f"time-entries list answered {status}: {data[:200]!r}")
            if json.loads(data)["count"] != week_entries:
                raise RuntimeError("time-entries list does not hold the week's entries")

        week_list = run_reads(api, list_path, args.reads, 5, read_deadline, list_ok)
        week_list["entries_in_week"] = week_entries
        say(f"week list API: median {week_list['median_ms']} ms")

        say("reports: summary, detailed and timesheet status through HTTP, as the owner")
        reports = run_report_reads(port, admin_token, main_org.owner.email, slug, week, args.reads, read_deadline)
        for name, figures in reports.items():
            say(f"reports.{name}: median {figures['median_ms']} ms")

        memory = server.memory()
        result = {
            "database": db.vendor,
            "entries": args.entries,
            "entries_total": seeded["total_entries"],
            "people": args.people,
            "seed": {"seconds": round(seeded["seconds"], 1),
                     "entries_per_s": round(seeded["total_entries"] / max(seeded["seconds"], 1e-6))},
            "server": {"workers": args.workers, "threads": args.threads,
                       "postgresql_version": server_version},
            "bulk_insert": bulk,
            "bulk_insert_parallel": parallel,
            "single_create": single,
            "week_read": week_read,
            "week_list": week_list,
            "reports": reports,
            "memory": memory,
            # Other work on the machine skews every figure: the load it had (1-minute averages).
            "machine": {"cpus": os.cpu_count(), "load_before": load_before,
                        "load_after": round(os.getloadavg()[0], 2)},
        }
    finally:
        watchdog.cancel()
        if server is not None:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        if args.keep_database:
            say(f"kept database {db.name}")
        else:
            db.drop()
    result["seconds"] = round(time.monotonic() - STARTED, 1)
    say(f"done in {result['seconds']}s")
    print(json.dumps(result, allow_nan=False), flush=True)


if __name__ == "__main__":
    main()
