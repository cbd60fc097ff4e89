"""Which rate applies to a time entry: the most specific one in force on its day."""

from django.db.models import Q

from .models import Rate, RateKind


def _level(rate) -> int:
    # task and person > task > project and person > project > person > organisation
    if rate.task_id:
        return 5 if rate.user_id else 4
    if rate.project_id:
        return 3 if rate.user_id else 2
    return 1 if rate.user_id else 0


class RateBook:
    """An organisation's rates (or the few that can apply to one entry), loaded once,
    to value many entries quickly.

    Rates are kept most specific first and bucketed by what they name (task,
    project, person, nothing); the candidates for each (person, project, task)
    are worked out once, so valuing a thousand entries does not walk every rate
    a thousand times.
    """

    def __init__(self, org, rates=None):
        rates = list(Rate.objects.filter(org=org) if rates is None else rates)
        # Most specific first; among equals, the one that started last wins.
        rates.sort(key=lambda r: (_level(r), r.valid_from or r.created_at.date()), reverse=True)
        self.by_kind = {}
        for kind in RateKind.values:
            by_task, by_project, by_user, org_wide = {}, {}, {}, []
            for rate in (r for r in rates if r.kind == kind):
                if rate.task_id is not None:
                    by_task.setdefault(rate.task_id, []).append(rate)
                elif rate.project_id is not None:
                    by_project.setdefault(rate.project_id, []).append(rate)
                elif rate.user_id is not None:
                    by_user.setdefault(rate.user_id, []).append(rate)
                else:
                    org_wide.append(rate)
            self.by_kind[kind] = (by_task, by_project, by_user, org_wide)
        self._candidates: dict[tuple, list[Rate]] = {}

    @classmethod
    def for_entry(cls, org, *, user_id, project_id, task_id) -> "RateBook":
        """A book of only the rates that can apply to one person, project and task (one small query)."""

        def naming(field, value) -> Q:
            q = Q(**{f"{field}__isnull": True})
            return q | Q(**{field: value}) if value is not None else q

        rates = Rate.objects.filter(org=org).filter(
            naming("user_id", user_id), naming("project_id", project_id), naming("task_id", task_id)
        )
        return cls(org, rates=rates)

    def candidates(self, kind, user_id, project_id, task_id) -> list[Rate]:
        """The rates that name nothing but this person, project and task, most specific first."""
        key = (kind, user_id, project_id, task_id)
        found = self._candidates.get(key)
        if found is None:
            by_task, by_project, by_user, org_wide = self.by_kind[kind]
            found = [
                r for r in (*by_task.get(task_id, ()), *by_project.get(project_id, ()))
                if (r.project_id is None or r.project_id == project_id) and (r.user_id is None or r.user_id == user_id)
            ]
            found += by_user.get(user_id, ())
            found += org_wide
            self._candidates[key] = found
        return found

    def find(self, kind, *, user_id, project_id, task_id, day) -> Rate | None:
        for rate in self.candidates(kind, user_id, project_id, task_id):
            if rate.in_force_on(day):
                return rate
        return None

    def value(self, entry) -> None:
        """Store on `entry` the billing and cost rates in force on its day."""
        args = {"user_id": entry.user_id, "project_id": entry.project_id, "task_id": entry.task_id, "day": entry.date}
        bill = self.find(RateKind.BILLING, **args)
        cost = self.find(RateKind.COST, **args)
        entry.bill_rate, entry.bill_currency = (bill.amount, bill.currency) if bill else (None, "")
        entry.cost_rate, entry.cost_currency = (cost.amount, cost.currency) if cost else (None, "")


def rate_level(rate) -> str:
    """The name of what a rate applies to, as the rate pages and the API call it."""
    if rate.task_id:
        return "task"
    if rate.project_id:
        return "project_member" if rate.user_id else "project"
    return "member" if rate.user_id else "organisation"
