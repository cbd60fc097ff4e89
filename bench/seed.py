"""Seed a fresh benchmark database quickly.

People, organisations, clients, projects, tasks, tags and rates go through the
ORM (a few thousand rows); the time entries and their tag links go in with the
database's fastest bulk path (executemany on SQLite, COPY on PostgreSQL),
in chunks, so a million entries take seconds rather than minutes and the
seeding process stays small.
"""

import base64
import datetime as dt
import os
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from timelive.accounts.models import User
from timelive.lib.codes import ALPHABET
from timelive.orgs.actions import do_create_organization
from timelive.orgs.models import Membership, Organization, Plan, Role
from timelive.tracking.models import BillingType, Client, Project, Rate, RateKind, Tag, Task, TimeEntry

PASSWORD = "bench-password-1"
CHUNK = 50_000
ROWS_AT_A_TIME = 5
DESCRIPTIONS = ["", "", "", "Design review", "Client call", "Code review", "Workshop", "Planning", "Support ticket",
                "Documentation"]

# base32 of random bytes, mapped onto the codes' alphabet: 60 random bits per 12-character uid.
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_ALPHABET = str.maketrans(_B32, ALPHABET)


def fast_codes(n: int, length: int = 12) -> list[str]:
    """`n` random codes like timelive.lib.codes.new_code(), made in bulk."""
    per = 15  # bytes giving 24 base32 characters: two 12-character codes
    blob = base64.b32encode(os.urandom(per * ((n + 1) // 2))).decode().translate(_TO_ALPHABET)
    return [blob[i * length:(i + 1) * length] for i in range(n)]


@dataclass
class OrgData:
    org: Organization
    owner: User
    people: list[User]
    projects: list[Project]
    tasks: dict[int, list[Task]]  # project id -> open tasks
    tags: list[Tag]
    project_bill: dict[int, Decimal] = field(default_factory=dict)
    user_cost: dict[int, Decimal] = field(default_factory=dict)
    org_bill: Decimal = Decimal("100.00")


def workdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def make_org(name: str, slug_hint: str, n_people: int, n_projects: int, first_day: dt.date, rng) -> OrgData:
    owner = User.objects.create_user(f"owner@{slug_hint}.bench.example", PASSWORD, full_name=f"{name} Owner",
                                     email_verified_at=timezone.now())
    org = do_create_organization(name, owner, time_zone="Europe/London", currency="GBP")
    # A paying organisation: never read-only, whatever the trial length.
    Organization.objects.filter(pk=org.pk).update(plan=Plan.SUBSCRIBED, trial_ends_at=None)
    org.refresh_from_db()
    # Everybody shares the owner's password hash: one Argon2 hash instead of hundreds.
    others = User.objects.bulk_create([
        User(email=f"person{i:03d}@{slug_hint}.bench.example", full_name=f"Person {i:03d}", password=owner.password,
             email_verified_at=timezone.now(), last_org=org)
        for i in range(1, n_people)
    ])
    Membership.objects.bulk_create([
        Membership(org=org, user=u, role=Role.MANAGER if i % 25 == 24 else Role.MEMBER) for i, u in enumerate(others)
    ])
    User.objects.filter(pk=owner.pk).update(last_org=org)
    people = [owner, *others]

    clients = Client.objects.bulk_create([Client(org=org, name=f"Client {i:02d}") for i in range(max(1, n_projects // 4))])
    projects = Project.objects.bulk_create([
        Project(org=org, name=f"Project {i:03d}", code=f"P{i:03d}", client=clients[i % len(clients)],
                billing_type=BillingType.NON_BILLABLE if i % 10 == 9 else BillingType.HOURLY,
                project_manager=people[(i * 25) % n_people])
        for i in range(n_projects)
    ])
    tasks = Task.objects.bulk_create([
        Task(org=org, project=p, name=f"Task {j}") for p in projects for j in range(5)
    ])
    by_project: dict[int, list[Task]] = {}
    for t in tasks:
        by_project.setdefault(t.project_id, []).append(t)
    tags = Tag.objects.bulk_create([Tag(org=org, name=f"tag-{i:02d}") for i in range(20)])

    data = OrgData(org, owner, people, projects, by_project, tags)
    # Rates as a real organisation keeps them: an old and a current organisation rate, billing rates on
    # half of the projects, and a cost rate for every person.
    middle = first_day + dt.timedelta(days=365)
    rates = [
        Rate(org=org, kind=RateKind.BILLING, amount=Decimal("90.00"), currency="GBP", valid_to=middle),
        Rate(org=org, kind=RateKind.BILLING, amount=data.org_bill, currency="GBP",
             valid_from=middle + dt.timedelta(days=1)),
    ]
    for i, p in enumerate(projects):
        if i % 2 == 0:
            amount = Decimal(110 + i)
            data.project_bill[p.id] = amount
            rates.append(Rate(org=org, kind=RateKind.BILLING, amount=amount, currency="GBP", project=p))
    for i, u in enumerate(people):
        amount = Decimal(40 + i % 30)
        data.user_cost[u.id] = amount
        rates.append(Rate(org=org, kind=RateKind.COST, amount=amount, currency="GBP", user=u, valid_from=first_day))
    Rate.objects.bulk_create(rates)
    return data


def entry_rows(data: OrgData, count: int, days: list[dt.date], first_id: int, rng: random.Random):
    """Yield lists of row tuples (in `COLUMNS` order) for `count` entries spread evenly over people and days."""
    n_people = len(data.people)
    per_person = [count // n_people + (1 if i < count % n_people else 0) for i in range(n_people)]
    n_days = len(days)
    open_projects = list(data.projects)
    now = timezone.now()
    next_id = first_id
    rows, links = [], []
    for person_index, person in enumerate(data.people):
        n = per_person[person_index]
        if not n:
            continue
        per_day = -(-n // n_days)
        # At most 8 hours a day in total, in quarter hours.
        max_quarters = max(1, min(16, 32 // per_day))
        # Each person works on a handful of projects and, at any time, on a few rows (project and
        # task) of them, one of which changes every four weeks: a week grid shows a few rows.
        mine = rng.sample(open_projects, k=min(6, len(open_projects)))

        def new_row(mine=mine):
            project = mine[rng.randrange(len(mine))]
            tasks = data.tasks.get(project.id) or [None]
            return project, tasks[rng.randrange(len(tasks))] if rng.random() < 0.8 else None

        rows_now = [new_row() for _ in range(ROWS_AT_A_TIME)]
        period = 0
        codes = fast_codes(n)
        cost = data.user_cost.get(person.id)
        for i in range(n):
            day_index = i * n_days // n
            day = days[day_index]
            while period < day_index // 20:
                period += 1
                rows_now[rng.randrange(ROWS_AT_A_TIME)] = new_row()
            project, task = rows_now[rng.randrange(ROWS_AT_A_TIME)]
            billable = project.billing_type != BillingType.NON_BILLABLE
            bill = data.project_bill.get(project.id, data.org_bill)
            rows.append((
                next_id, data.org.id, codes[i], person.id, project.id, task.id if task else None, day,
                900 * (1 + rng.randrange(max_quarters)), DESCRIPTIONS[rng.randrange(len(DESCRIPTIONS))], billable,
                "approved" if day.year < now.year else "open", bill, cost, "GBP", "GBP" if cost is not None else "",
                now, now,
            ))
            if rng.random() < 0.1:
                links.append((next_id, data.tags[rng.randrange(len(data.tags))].id))
            next_id += 1
            if len(rows) >= CHUNK:
                yield rows, links
                rows, links = [], []
    if rows:
        yield rows, links


COLUMNS = ["id", "org_id", "uid", "user_id", "project_id", "task_id", "date", "duration", "description", "billable",
           "status", "bill_rate", "cost_rate", "bill_currency", "cost_currency", "created_at", "updated_at"]


def _insert_sqlite(table, columns, rows):
    raw = connection.connection
    marks = ",".join("?" * len(columns))
    raw.executemany(f'INSERT INTO "{table}" ({",".join(columns)}) VALUES ({marks})', rows)


def _sqlite_row(row):
    # Django stores SQLite datetimes as naive UTC text and decimals as text.
    (id_, org, uid, user, project, task, day, duration, desc, billable, status, bill, cost, bcur, ccur,
     created, updated) = row
    stamp = created.replace(tzinfo=None).isoformat(sep=" ")
    return (id_, org, uid, user, project, task, day.isoformat(), duration, desc, 1 if billable else 0, status,
            str(bill) if bill is not None else None, str(cost) if cost is not None else None, bcur, ccur, stamp, stamp)


def _copy_postgres(table, columns, rows):
    with connection.connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table}" ({",".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


def insert_entries(data: OrgData, count: int, days: list[dt.date], first_id: int, rng, progress) -> int:
    table = TimeEntry._meta.db_table
    through = TimeEntry.tags.through._meta.db_table
    # Django sets no database defaults: custom_fields and version are written too.
    columns = [*COLUMNS, "custom_fields", "version"]
    vendor = connection.vendor
    done = 0
    started = time.monotonic()
    for rows, links in entry_rows(data, count, days, first_id, rng):
        with transaction.atomic():
            if vendor == "sqlite":
                _insert_sqlite(table, columns, [(*_sqlite_row(r), "{}", 1) for r in rows])
                _insert_sqlite(through, ["timeentry_id", "tag_id"], links)
            else:
                _copy_postgres(table, columns, ((*r, "{}", 1) for r in rows))
                _copy_postgres(through, ["timeentry_id", "tag_id"], links)
        done += len(rows)
        if progress and (done // CHUNK) % 4 == 0:
            elapsed = time.monotonic() - started
            progress(f"  {data.org.slug}: {done:,} of {count:,} entries ({done / max(elapsed, 1e-6):,.0f}/s)")
    return first_id + done


def reset_sequences():
    from django.core.management.color import no_style

    models = [TimeEntry, TimeEntry.tags.through]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def seed(entries: int, *, people: int = 200, years: int = 2, progress=print, seed_value: int = 1) -> dict:
    """The main organisation with `entries` entries for `people` people over `years` years, and a second
    organisation with a tenth of that, so that every query has to filter by organisation."""
    rng = random.Random(seed_value)
    today = timezone.localdate()
    last_day = today - dt.timedelta(days=1)
    first_day = last_day - dt.timedelta(days=365 * years - 1)
    days = workdays(first_day, last_day)
    started = time.monotonic()
    with transaction.atomic():
        main = make_org("Bench", "bench", people, 40, first_day, rng)
        other = make_org("Other Org", "other", max(2, people // 10), 10, first_day, rng)
    progress(f"seed: people, projects and rates in {time.monotonic() - started:.1f}s")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Our own fresh file: no need to wait for the disk while seeding it.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
    next_id = insert_entries(main, entries, days, 1, rng, progress)
    insert_entries(other, entries // 10, days, next_id, rng, progress)
    if connection.vendor == "postgresql":
        reset_sequences()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")
        # Fresh statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would keep them.
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    total = entries + entries // 10
    progress(f"seed: {total:,} entries in {seconds:.1f}s ({total / max(seconds, 1e-6):,.0f}/s)")
    return {"main": main, "other": other, "days": days, "first_day": first_day, "last_day": last_day,
            "seconds": seconds, "total_entries": total}
