"""History panels drawn from the audit log, for pages whose views do not load it themselves."""

from django import template

from timelive.orgs.history import HISTORY_LIMIT, history_items, timesheet_history

register = template.Library()


@register.inclusion_tag("orgs/_history.html")
def timesheet_history_panel(submission, entries):
    """The timesheet's steps and the changes to its entries, newest first (one query)."""
    logs = timesheet_history(submission, [entry.uid for entry in entries])[:HISTORY_LIMIT]
    return {"history": history_items(logs), "title": "Audit trail",
            "intro": f"The {submission.noun}'s steps, who it waits for, and every change to its "
                     f"{'expenses' if submission.is_expense_sheet else 'entries'}, newest first.",
            "empty": "Nothing recorded yet."}
