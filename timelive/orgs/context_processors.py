from django.conf import settings


def shell(request):
    """What the base layout needs: the current organisation and the switcher."""
    context = {"edition": settings.TIMELIVE_EDITION}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from .access import user_memberships

        context["my_memberships"] = user_memberships(user)
        context["current_org"] = getattr(request, "org", None)
        context["current_membership"] = getattr(request, "membership", None)
    return context
