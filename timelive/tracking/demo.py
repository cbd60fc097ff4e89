"""Demo clients, projects, tasks, rates and time entries (for `manage.py demo`)."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from timelive.lib.codes import new_code
from timelive.orgs.models import Role

from .models import BillingType, Client, Project, ProjectMember, Rate, Tag, Task, TimeEntry
from .rates import RateBook

CATALOG = {
    "acme": {
        "clients": ["Initech", "Umbrella Health"],
        "projects": [
            ("Website redesign", "WEB-01", "Initech", BillingType.HOURLY, ["Discovery", "Design", "Build", "Launch"]),
            ("Patient portal", "UMB-07", "Umbrella Health", BillingType.FIXED_FEE, ["Analysis", "Development", "Testing"]),
            ("Internal", "INT", None, BillingType.NON_BILLABLE, ["Admin", "Training", "Sales"]),
        ],
        "rates": [("billing", "120.00"), ("cost", "45.00")],
        "tags": ["meeting", "remote", "on-site"],
    },
    "globex": {
        "clients": ["Hank's Hardware"],
        "projects": [
            ("Inventory system", "GLX-1", "Hank's Hardware", BillingType.HOURLY, ["Backend", "Frontend"]),
            ("Internal", "INT", None, BillingType.NON_BILLABLE, ["Admin"]),
        ],
        "rates": [("billing", "150.00"), ("cost", "60.00")],
        "tags": ["meeting"],
    },
}
DEFAULT_WEEKS = 6


def seed_tracking(org, memberships, *, entries: int | None = None) -> int:
    """Create what is missing of the demo catalogue, then time entries: by default
    six weeks of workdays for each member (once), or with `entries` until the
    organisation has that many. Returns how many entries were created."""
    spec = CATALOG.get(org.slug)
    if spec is None:
        return 0
    staff = [m for m in memberships if m.role != Role.EXTERNAL]
    managers = [m.user for m in staff if m.role in (Role.MANAGER, Role.ADMIN, Role.OWNER)]
    clients = {name: Client.objects.get_or_create(org=org, name=name)[0] for name in spec["clients"]}
    projects = []
    for name, code, client, billing, task_names in spec["projects"]:
        project, created = Project.objects.get_or_create(
            org=org, code=code,
            defaults={"name": name, "client": clients.get(client), "billing_type": billing,
                      "project_manager": managers[-1] if managers else None},
        )
        if created:
            ProjectMember.objects.bulk_create([ProjectMember(project=project, user=m.user) for m in staff])
            for task_name in task_names:
                Task.objects.create(org=org, project=project, name=task_name)
        projects.append(project)
    for kind, amount in spec["rates"]:
        Rate.objects.get_or_create(org=org, kind=kind, user=None, project=None, task=None,
                                   defaults={"amount": Decimal(amount), "currency": org.currency})
    for name in spec["tags"]:
        Tag.objects.get_or_create(org=org, name=name)

    existing = TimeEntry.objects.filter(org=org).count()
    if entries is None:
        if existing:
            return 0
        wanted = None
    else:
        wanted = max(0, entries - existing)
        if not wanted:
            return 0
    return _seed_entries(org, staff, projects, wanted)


def _seed_entries(org, staff, projects, wanted):
    rng = random.Random(f"timelive-demo-{org.slug}")
    tasks = {p.id: list(p.tasks.all()) for p in projects}
    book = RateBook(org)
    today = timezone.localdate()
    # With no count: six weeks of workdays; with a count: spread over two years.
    days = DEFAULT_WEEKS * 7 if wanted is None else 730
    batch, created = [], 0
    descriptions = ["Planning", "Workshop with the client", "Code review", "Fixing reported issues", "Documentation",
                    "Team meeting", "Research", "Testing"]

    def flush():
        nonlocal batch, created
        TimeEntry.objects.bulk_create(batch, batch_size=1000)
        created += len(batch)
        batch = []

    for offset in range(days, 0, -1):
        day = today - dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for membership in staff:
            for _ in range(rng.randint(2, 3)):
                if wanted is not None and created + len(batch) >= wanted:
                    break
                project = rng.choice(projects)
                task = rng.choice(tasks[project.id]) if tasks[project.id] else None
                entry = TimeEntry(
                    org=org, uid=new_code(), user=membership.user, project=project, task=task, date=day,
                    duration=rng.choice([1800, 3600, 5400, 7200, 9000, 10800]),
                    description=rng.choice(descriptions), billable=project.billable_by_default,
                )
                book.value(entry)
                batch.append(entry)
            if len(batch) >= 1000:
                flush()
    if batch:
        flush()
    if wanted is not None and created < wanted:
        # More entries than two years of workdays hold: keep going further back.
        extra = wanted - created
        start = today - dt.timedelta(days=days)
        for i in range(extra):
            membership = staff[i % len(staff)]
            project = projects[i % len(projects)]
            batch.append(TimeEntry(org=org, uid=new_code(), user=membership.user, project=project,
                                   date=start - dt.timedelta(days=1 + i // (len(staff) * 3)), duration=1800,
                                   billable=project.billable_by_default))
            if len(batch) >= 1000:
                flush()
        if batch:
            flush()
    return created
