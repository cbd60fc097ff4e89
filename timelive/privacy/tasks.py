from django.tasks import task


@task
def mail_policy_change(version_id: int) -> int:
    """Mail every active user about a significant policy version, once each."""
    from .actions import send_policy_change_mails

    return send_policy_change_mails(version_id)
