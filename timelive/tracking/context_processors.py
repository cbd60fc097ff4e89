def running_timer(request):
    """The person's running timer, for the top bar on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Timer

    return {"running_timer": Timer.objects.select_related("project", "task", "org").filter(user=user).first()}
