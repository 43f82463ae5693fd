"""Background tasks of core (Django's tasks framework: immediate in development and tests, a
database queue in production). Tasks take ids and call one function.

``channels.send`` queues ``deliver``; what the tasks run (``channels.delivery``) never queues
one, so the two sides do not import each other."""

from django.tasks import task

from gonghui.core.channels.delivery import attempt, retry_due


@task
def deliver(delivery_id: str) -> str:
    """Try to send delivery ``delivery_id``; returns its status afterwards."""
    result = attempt(delivery_id)
    return result.status if result is not None else "missing"


@task
def retry_due_deliveries() -> dict:
    """Try again every failed delivery whose pause is over."""
    return retry_due()
