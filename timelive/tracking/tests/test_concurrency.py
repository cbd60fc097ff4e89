"""One person's writes in one organisation happen one at a time (PostgreSQL, real threads).

Each test holds the first writer still at the point where it has checked and not yet
written (a hook on the code it runs), lets a second writer run until it has finished or
waits on a row lock (asked of PostgreSQL, not guessed from time), then lets the first go on.
Without the per-person lock the second passes the same check and both write.
"""

import datetime as dt
import threading
import time
import unittest
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase

from timelive.approvals.actions import ApprovalError, do_submit_timesheet
from timelive.orgs.models import Membership
from timelive.test import make_org, make_user
from timelive.tracking import actions, grid
from timelive.tracking.entries import EntryData, EntryInvalid
from timelive.tracking.grid import cell_signature
from timelive.tracking.models import EntryStatus, TimeEntry, Timer

from .helpers import make_project, rules_for

MONDAY = dt.date(2026, 3, 2)


def on_postgres():
    return connection.vendor == "postgresql"


class Runner(threading.Thread):
    """Runs `work` in its own connection; keeps its result or exception and its backend's pid."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.result, self.error, self.pid = work, None, None, None
        self.pid_known = threading.Event()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.pid_known.set()
            self.result = self.work()
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            self.error = exc
        finally:
            self.pid_known.set()
            connection.close()


def finished_or_waiting_on_a_lock(runner: Runner, limit=30.0) -> str:
    """'finished' or 'waiting', whichever comes first (polling PostgreSQL's own view of the backend)."""
    runner.pid_known.wait(limit)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not runner.is_alive():
            return "finished"
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [runner.pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return "waiting"
        time.sleep(0.01)
    raise AssertionError("the second writer neither finished nor waited on a lock")


class HoldFirstCall:
    """Wraps `target`: its first caller stops there (after the wrapped call when `after`) until released."""

    def __init__(self, target, *, after=False):
        self.target, self.after = target, after
        self.reached, self.release = threading.Event(), threading.Event()
        self._first = threading.Lock()
        self._held = False

    def __call__(self, *args, **kwargs):
        with self._first:
            hold, self._held = not self._held, True
        if hold and not self.after:
            self.reached.set()
            self.release.wait(30)
        result = self.target(*args, **kwargs)
        if hold and self.after:
            self.reached.set()
            self.release.wait(30)
        return result


@unittest.skipUnless(on_postgres(), "row locks: PostgreSQL only (SQLite runs one write transaction at a time)")
class PersonWriteLockTestCase(TransactionTestCase):
    def setUp(self):
        owner = make_user("owner@example.org", "Olga Owner")
        self.org = make_org("alpha", "Alpha Ltd", owner)
        self.bob = make_user("bob@example.org", "Bob Example")
        Membership.objects.create(org=self.org, user=self.bob)
        self.project = make_project(self.org)

    def race(self, hook: HoldFirstCall, first, second):
        """Run `first` until it reaches the hook, then `second` until it finishes or waits, then both to the end."""
        one = Runner(first)
        one.start()
        self.assertTrue(hook.reached.wait(30), one.error)
        two = Runner(second)
        two.start()
        state = finished_or_waiting_on_a_lock(two)
        hook.release.set()
        one.join(30)
        two.join(30)
        self.assertFalse(one.is_alive() or two.is_alive())
        return one, two, state

    def test_two_saves_into_one_empty_grid_cell_make_one_entry(self):
        empty = cell_signature(0, 0, 0, 0)

        def save():
            grid.set_cell_total(rules_for(self.bob, self.org), self.bob, self.project, None, MONDAY, 3600, empty)

        hook = HoldFirstCall(grid.create_entry)
        with mock.patch.object(grid, "create_entry", hook):
            one, two, state = self.race(hook, save, save)
        self.assertEqual(list(TimeEntry.objects.values_list("duration", flat=True)), [3600])
        self.assertIsNone(one.error)
        self.assertIsInstance(two.error, actions.Conflict)
        self.assertEqual(state, "waiting")

    def test_a_double_start_of_the_timer_runs_one_timer(self):
        def start():
            return actions.start_timer(rules_for(self.bob, self.org), self.bob, project=self.project.uid)

        rules_class = type(rules_for(self.bob, self.org))
        hook = HoldFirstCall(rules_class.build)
        with mock.patch.object(rules_class, "build", lambda rules, *a, **kw: hook(rules, *a, **kw)):
            one, two, state = self.race(hook, start, start)
        self.assertEqual((one.error, two.error), (None, None))
        self.assertEqual(Timer.objects.filter(user=self.bob).count(), 1)
        # The same start twice (a double click) keeps the first timer running and logs nothing.
        self.assertEqual(two.result[1], [])
        self.assertEqual(TimeEntry.objects.count(), 0)
        self.assertEqual(state, "waiting")

    def test_an_entry_made_while_the_week_is_submitted_is_refused_or_submitted_with_it(self):
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=MONDAY, duration=3600)

        def create():
            data = EntryData(project=self.project.uid, date=MONDAY + dt.timedelta(days=1), duration=1800)
            return actions.create_entry(rules_for(self.bob, self.org), self.bob, data)

        def submit():
            return do_submit_timesheet(self.org, self.bob, MONDAY, MONDAY + dt.timedelta(days=6), acting_user=self.bob)

        # The entry has passed its checks (the week not submitted yet) and is about to be saved.
        hook = HoldFirstCall(actions._raise_limits, after=True)
        with mock.patch.object(actions, "_raise_limits", hook):
            one, two, state = self.race(hook, create, submit)
        self.assertNotIsInstance(two.error, ApprovalError)
        self.assertIsNone(two.error)
        if one.error is not None:
            self.assertIsInstance(one.error, EntryInvalid)
        # Whatever came first, nothing open is left inside the submitted week.
        statuses = set(TimeEntry.objects.values_list("status", flat=True))
        self.assertNotIn(EntryStatus.OPEN, statuses)
        self.assertEqual(state, "waiting")
