from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..deletion import DeletionRefused, check_deletable, do_cancel_deletion, do_schedule_deletion, grace_period
from ..forms import DeleteAccountForm


def center_context(request) -> dict:
    """The "Delete my account" part of the privacy page."""
    try:
        check_deletable(request.user)
        refusal = ""
    except DeletionRefused as why:
        refusal = str(why)
    return {"deletion_refusal": refusal, "grace_days": grace_period().days}


@login_required
def delete_account(request):
    """Ask for deletion: the password again and a clear yes; the account goes after the grace period."""
    user = request.user
    if user.deletion_due_at is not None:
        return redirect("privacy:center")
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            due_at = do_schedule_deletion(user)
        except DeletionRefused as why:
            form.add_error(None, str(why))
        else:
            messages.success(request, f"Your account will be deleted on {due_at:%-d %B %Y at %H:%M} UTC. "
                                      "We have emailed you; you can cancel here until then.")
            return redirect("privacy:center")
    return render(request, "privacy/delete_account.html", {
        "form": form, "grace_days": grace_period().days, **center_context(request),
    })


@login_required
@require_POST
def cancel_deletion(request):
    try:
        do_cancel_deletion(request.user)
    except DeletionRefused as why:
        messages.error(request, str(why))
    else:
        messages.success(request, "Deletion cancelled. Your account stays as it is.")
    return redirect("privacy:center")
