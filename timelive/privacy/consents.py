"""Reading the consent ledger: a person's current choices are derived from it."""

from dataclasses import dataclass, field

from .core.processing import MARKETING, may_process
from .models import ConsentRecord, Purpose, purpose_description

# Every consent purpose uses the person's data to promote the service: mailings
# to them, their contact details handed to a partner, and their name in our
# advertising (a testimonial is marketing to others with their name on it). So
# all of them stop while the account is restricted, and an objection to
# marketing withdraws all of them. Named one by one: a future purpose that is not
# marketing must not be swept in by accident.
MARKETING_PURPOSES = (
    Purpose.NEWSLETTER,
    Purpose.PRODUCT_UPDATES,
    Purpose.EVENTS_SURVEYS,
    Purpose.TESTIMONIALS,
    Purpose.PARTNER_SHARING,
)


def has_consent(user, purpose) -> bool:
    """Whether `user` has granted `purpose` (a Purpose) and not withdrawn it since.

    Marketing is opt-in: no record means no. A deactivated account consents to nothing,
    and a restricted one is not marketed to whatever the ledger says (the ledger is
    left as it is, so the choices come back when the restriction is lifted).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if purpose in MARKETING_PURPOSES and not may_process(user, MARKETING):
        return False
    latest = (
        ConsentRecord.objects.filter(user=user, purpose=purpose).order_by("-at", "-id").values_list("granted", flat=True)
    )
    return bool(latest.first())


@dataclass
class PurposeState:
    purpose: str
    label: str
    description: str
    # Oldest first; the last one is the current choice.
    history: list = field(default_factory=list)

    @property
    def current(self):
        return self.history[-1] if self.history else None

    @property
    def granted(self) -> bool:
        return bool(self.current and self.current.granted)


def consent_overview(user) -> list[PurposeState]:
    """Every purpose with its history and current state, in one query."""
    states = {p.value: PurposeState(p.value, p.label, purpose_description(p)) for p in Purpose}
    records = ConsentRecord.objects.filter(user=user).select_related("policy_version").order_by("at", "id")
    for record in records:
        if record.purpose in states:
            states[record.purpose].history.append(record)
    return list(states.values())
