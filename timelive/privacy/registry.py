"""The personal-data registry: for every model that holds personal data, how
to copy out what it holds about a person and how to erase it.

Each app declares its models in a module named `personal_data.py`, loaded when
Django starts:

    from timelive.privacy.registry import personal_data

    personal_data(
        TimeEntry,
        table="time_entries",
        export=lambda user: [...],        # rows about `user`, plain JSON values
        erase=None,                       # or a function(user) run at deletion
        note="Kept: ... because ...",     # what erasure removes, pseudonymises or keeps, and why
    )

`export_person` gathers every table for the copy of my information;
`erase_person` runs every eraser, the person's own row last, in one
transaction. `timelive/privacy/tests/test_registry.py` fails when a model with
a personal field is not registered.
"""

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

    @property
    def label(self) -> str:
        return self.model._meta.label


_registry: dict[type[models.Model], PersonalData] = {}


def personal_data(model, *, table: str, export=None, erase=None, note: str, order: int = 0) -> PersonalData:
    if model in _registry:
        raise ValueError(f"{model._meta.label} is already in the personal-data registry.")
    if not note.strip():
        raise ValueError(f"{model._meta.label}: say what erasure removes, pseudonymises or keeps, and why.")
    if any(entry.table == table for entry in _registry.values()):
        raise ValueError(f"Two registrations export the table {table!r}.")
    entry = PersonalData(model=model, table=table, export=export, erase=erase, note=note.strip(), order=order)
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
