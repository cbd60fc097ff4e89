"""Get the database, the static files and the demo ready for `make run`, doing only what is
needed: migrate when a migration is unapplied, collect static files when their sources
changed, seed the demo when its organisations are missing. A second run does nothing."""

import hashlib
import json
import os

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from timelive.orgs.demo import DEMO_PASSWORD, OPERATOR, PEOPLE
from timelive.orgs.models import Organization

STAMP_NAME = "static-sources.stamp"


def unapplied_migrations() -> list[str]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def static_sources_stamp() -> str:
    """A digest of every static source file's path, size and modification time (no file is read)."""
    rows = []
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            try:
                info = os.stat(storage.path(path))
            except (OSError, NotImplementedError):
                continue
            rows.append((path, info.st_size, info.st_mtime_ns))
    rows.sort()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


class Command(BaseCommand):
    help = "Migrate, collect static files and seed the demo, each only when needed (used by make run)."

    def handle(self, *args, **options):
        self.migrate()
        self.collect_static()
        self.seed_demo()

    def say(self, text):
        self.stdout.write(text)

    def migrate(self):
        pending = unapplied_migrations()
        if not pending:
            self.say("Database up to date: no migrations to apply.")
            return
        self.say(f"Database: {len(pending)} migration{'s' if len(pending) != 1 else ''} to apply.")
        call_command("migrate", interactive=False, verbosity=0)

    def collect_static(self):
        stamp_file = settings.VAR_DIR / STAMP_NAME
        stamp = static_sources_stamp()
        collected = settings.STATIC_ROOT.is_dir() and any(settings.STATIC_ROOT.iterdir())
        if collected and stamp_file.is_file() and stamp_file.read_text() == stamp:
            self.say("Static files unchanged: not collected again.")
            return
        self.say("Static files: collecting.")
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp_file.write_text(stamp)

    def seed_demo(self):
        if Organization.objects.filter(slug__in=list(PEOPLE)).count() == len(PEOPLE):
            self.say("Demo organisations already there: not seeded again "
                     "(python manage.py demo tops them up).")
            self.say(f"Log in with any of these (password: {DEMO_PASSWORD}):")
            for slug, spec in PEOPLE.items():
                for email, _name, role, _ in spec["people"]:
                    self.say(f"  {slug:7} {role:9} {email}")
            self.say(f"  operator console (/operator/): {OPERATOR[0]}")
            return
        call_command("demo", stdout=self.stdout)
