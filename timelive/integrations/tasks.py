from django.tasks import task

from .models import WebhookDelivery
from .webhooks import attempt, due_deliveries


@task
def deliver_webhook(delivery_id: int) -> bool:
    delivery = WebhookDelivery.objects.select_related("webhook__org").filter(pk=delivery_id).first()
    if delivery is None:
        return True
    return attempt(delivery)


@task
def retry_webhooks() -> int:
    """Send the deliveries whose retry is due (or whose task was lost)."""
    sent = 0
    for delivery_id in list(due_deliveries().values_list("pk", flat=True)[:500]):
        sent += bool(deliver_webhook.call(delivery_id))
    return sent
