def running_timer(request):
    """The person's running timer, for the top bar on every page: the one of the organisation the
    page is about (each organisation has its own), else the one started last."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Timer

    timers = Timer.objects.select_related("project", "task", "org").filter(user=user)
    org = getattr(request, "org", None)
    if org is not None:
        timers = timers.filter(org=org)
    return {"running_timer": timers.order_by("-started_at").first()}
