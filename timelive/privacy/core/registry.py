"""The personal-data registry: for every model that holds personal data, how
to copy out what it holds about a person and how to erase it.

Each app declares its models in a module named `personal_data.py`, loaded when
Django starts:

    from timelive.privacy.core.registry import personal_data

    personal_data(
        TimeEntry,
        table="time_entries",
        export=lambda user: [...],        # rows about `user`, plain JSON values
        erase=None,                       # or a function(user) run at deletion
        note="Kept: ... because ...",     # what erasure removes, pseudonymises or keeps, and why
    )

A registration needs an exporter, an eraser or both. The one exception is a
model that holds personal data but, by design, cannot be joined to a person
(the diagnostics request log): it is registered with `unlinkable=True`, no
functions, and a note saying why nothing can be exported or erased for one
person and how the data goes away instead.

`export_person` gathers every table for the copy of my information;
`erase_person` runs every eraser, the person's own row last, in one
transaction. `timelive/privacy/tests/test_registry.py` fails when a model with
a personal field is not registered.
"""

import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction

Rows = Iterable[dict]


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    table: str
    export: Callable[..., Rows] | None
    erase: Callable[..., None] | None
    note: str
    # Erasers run in ascending order; the person's own row goes last.
    order: int = 0
    # Personal data that cannot be tied to a person (no export, no eraser; see the note).
    unlinkable: bool = False

    @property
    def label(self) -> str:
        return self.model._meta.label


_registry: dict[type[models.Model], PersonalData] = {}


def personal_data(model, *, table: str, export=None, erase=None, note: str, order: int = 0,
                  unlinkable: bool = False) -> PersonalData:
    label = model._meta.label
    if model in _registry:
        raise ValueError(f"{label} is already in the personal-data registry.")
    if not note.strip():
        raise ValueError(f"{label}: say what erasure removes, pseudonymises or keeps, and why.")
    if unlinkable and (export is not None or erase is not None):
        raise ValueError(f"{label}: an unlinkable model has nothing to export or erase for one person.")
    if not unlinkable and export is None and erase is None:
        raise ValueError(f"{label}: give an exporter, an eraser or both (or unlinkable=True, with the reason).")
    if any(entry.table == table for entry in _registry.values()):
        raise ValueError(f"Two registrations export the table {table!r}.")
    entry = PersonalData(model=model, table=table, export=export, erase=erase, note=note.strip(), order=order,
                         unlinkable=unlinkable)
    _registry[model] = entry
    return entry


def entries() -> list[PersonalData]:
    return sorted(_registry.values(), key=lambda entry: entry.table)


def registered(model) -> PersonalData | None:
    return _registry.get(model)


def export_person(user) -> dict[str, list[dict]]:
    """Every table about `user`, by table name (tables with no rows included, empty)."""
    return {entry.table: list(entry.export(user)) for entry in entries() if entry.export is not None}


def erase_person(user) -> list[str]:
    """Run every eraser for `user`; returns the tables touched, in order."""
    done = []
    with transaction.atomic():
        for entry in sorted(_registry.values(), key=lambda entry: (entry.order, entry.table)):
            if entry.erase is not None:
                entry.erase(user)
                done.append(entry.table)
    return done


def autodiscover():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("personal_data")


class Mentions:
    """Where a person's email address or name appears as text in rows about
    something else (an audit label, an admin log line), and the pseudonyms that
    replace them there when the person is erased.

    Build it before the person's own row is pseudonymised: it reads the email
    and name from `user`. Matching ignores case; a name matches as whole words
    only, so "Al" does not eat "Alpha Ltd". Once the row is pseudonymised the
    email and name *are* the pseudonyms, and there is nothing left to replace.

    `former_emails` and `former_names` are values the person used before
    (timelive/privacy/former.py finds them), replaced the same way.
    """

    def __init__(self, user, *, name_to: str, email_to: str, former_emails=(), former_names=()):
        self.terms = []
        self._swaps = []
        self.emails = []
        self.names = []
        emails = dict.fromkeys(e.strip() for e in [user.email or "", *sorted(former_emails)] if e.strip())
        # Longer names first, so "Bob Example" goes whole before a former "Bob" is looked for.
        names = sorted({n.strip() for n in [user.full_name or "", *former_names] if n.strip()}, key=len, reverse=True)
        for email in emails:
            if email.lower() != email_to.lower():
                self.emails.append(email)
                # The whole address only: not inside "xbob@example.org" or "bob@example.org.uk".
                self._add(email, email_to, before=r"(?<![\w.+-])", after=r"(?![\w-]|\.\w)")
        for name in names:
            if name.lower() != name_to.lower():
                self.names.append(name)
                self._add(name, name_to, before=r"(?<!\w)", after=r"(?!\w)")

    def _add(self, text, replacement, *, before, after):
        # As typed, and as an HTML mail body escapes it (O'Brien -> O&#x27;Brien).
        for variant in dict.fromkeys([text, html.escape(text)]):
            pattern = re.compile(before + re.escape(variant) + after, re.IGNORECASE)
            self._swaps.append((pattern, html.escape(replacement) if variant != text else replacement))
            # SQLite keeps JSON columns as text with non-ASCII letters \u-escaped.
            self.terms.extend(dict.fromkeys([variant, json.dumps(variant)[1:-1]]))

    def __bool__(self):
        return bool(self._swaps)

    def lookup(self, *fields: str) -> models.Q:
        """A filter for rows where one of `fields` contains the email or the name
        (a superset of what `redact` changes: check each row in Python)."""
        query = models.Q(pk__in=[])
        for field in fields:
            for term in self.terms:
                query |= models.Q(**{f"{field}__icontains": term})
        return query

    def redact(self, value):
        """`value` with the email and name replaced; walks lists and dicts (JSON details)."""
        if isinstance(value, str):
            for pattern, replacement in self._swaps:
                value = pattern.sub(replacement, value)
            return value
        if isinstance(value, list):
            return [self.redact(item) for item in value]
        if isinstance(value, dict):
            return {self.redact(key): self.redact(item) for key, item in value.items()}
        return value
