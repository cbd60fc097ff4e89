"""The getting-started checklist on an administrator's Home.

Each app registers the steps that are about its own data (from its AppConfig.ready()), so
orgs reads none of their models: a step says how to tell from the database that it is done,
as a boolean expression over the Organization row. All steps are read in one query.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef
from django.urls import reverse
from django.utils import timezone

from .models import Invitation, Membership, Organization, Role


@dataclass(frozen=True)
class Step:
    key: str
    order: int
    title: str
    hint: str
    url_name: str  # reversed with the organisation's slug
    done: Callable  # () -> a boolean expression over the Organization row (OuterRef("pk"))


steps: dict[str, Step] = {}


def register(step: Step) -> None:
    steps[step.key] = step


def checklist(org) -> list[dict] | None:
    """The steps with `done` and `url`, or None once the organisation closed the checklist.
    When every step is done the checklist closes itself, so it costs no query afterwards."""
    if org.getting_started_closed_at is not None or not steps:
        return None
    ordered = sorted(steps.values(), key=lambda s: s.order)
    done = (Organization.objects.filter(pk=org.pk)
            .values(**{f"done_{s.key}": ExpressionWrapper(s.done(), output_field=BooleanField()) for s in ordered})
            .get())
    items = [{"key": s.key, "title": s.title, "hint": s.hint, "url": reverse(s.url_name, args=[org.slug]),
              "done": bool(done[f"done_{s.key}"])} for s in ordered]
    if all(item["done"] for item in items):
        close(org)
        return None
    return items


def close(org) -> None:
    org.getting_started_closed_at = timezone.now()
    org.save(update_fields=["getting_started_closed_at"])


def _team_invited():
    others = Membership.objects.filter(org=OuterRef("pk")).exclude(role=Role.OWNER)
    return Exists(others) | Exists(Invitation.objects.filter(org=OuterRef("pk")))


register(Step("invite", 20, "Invite your team", "Colleagues get an emailed link to join.", "orgs:invite",
              _team_invited))
