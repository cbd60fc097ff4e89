from django.conf import settings


def shell(request):
    """What the base layout needs: the current organisation and the switcher.

    Pages outside an organisation (profile, sessions) keep the navigation of
    the organisation the person last worked in.
    """
    context = {"edition": settings.TIMELIVE_EDITION}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    from .access import shell_figures, user_memberships

    memberships = list(user_memberships(user, with_figures=True))
    current = getattr(request, "membership", None)
    if current is None:
        current = next((m for m in memberships if m.org_id == user.last_org_id), None)
    else:
        # The page's own membership row was read without the figures: take them from the switcher's.
        listed = next((m for m in memberships if m.pk == current.pk), None)
        for name in shell_figures:
            setattr(current, name, getattr(listed, name, None))
    context["my_memberships"] = memberships
    context["current_membership"] = current
    context["current_org"] = current.org if current else None
    return context
