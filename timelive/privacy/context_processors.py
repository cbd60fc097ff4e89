from django.utils.functional import SimpleLazyObject


def policy_notices(request):
    """`policy_notices` for privacy/notice.html; queried only if a page shows it."""
    from .notices import pending_notices

    return {"policy_notices": SimpleLazyObject(lambda: pending_notices(request))}
