"""Which rate applies to a time entry: the most specific one in force on its day."""

from .models import Rate, RateKind


def _level(rate) -> int:
    # task and person > task > project and person > project > person > organisation
    if rate.task_id:
        return 5 if rate.user_id else 4
    if rate.project_id:
        return 3 if rate.user_id else 2
    return 1 if rate.user_id else 0


class RateBook:
    """All of an organisation's rates, loaded once, to value many entries quickly."""

    def __init__(self, org, rates=None):
        rates = list(Rate.objects.filter(org=org) if rates is None else rates)
        # Most specific first; among equals, the one that started last wins.
        rates.sort(key=lambda r: (_level(r), r.valid_from or r.created_at.date()), reverse=True)
        self.by_kind = {kind: [r for r in rates if r.kind == kind] for kind in RateKind.values}

    def find(self, kind, *, user_id, project_id, task_id, day) -> Rate | None:
        for rate in self.by_kind[kind]:
            if rate.task_id is not None and rate.task_id != task_id:
                continue
            if rate.project_id is not None and rate.project_id != project_id:
                continue
            if rate.user_id is not None and rate.user_id != user_id:
                continue
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
