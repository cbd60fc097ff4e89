from django.urls import path, register_converter

from .models import PolicyKind
from .views import center, deletion, policies


class PolicyKindConverter:
    regex = "|".join(PolicyKind.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(PolicyKindConverter, "policykind")

app_name = "privacy"

urlpatterns = [
    # /privacy/, /terms/, /security/ and their archives: public, readable before signing up.
    path("<policykind:kind>/", policies.policy, name="policy"),
    path("<policykind:kind>/archive/", policies.archive, name="archive"),
    path("<policykind:kind>/versions/<str:code>/", policies.version, name="version"),
    path("account/policies/<str:code>/acknowledge/", policies.acknowledge, name="acknowledge"),
    path("account/consents/", policies.consents, name="consents"),
    path("account/privacy/", center.center, name="center"),
    # Copy of my information (exports).
    # Requests to the administrators or the operator.
    # Deactivation, restriction, objection, deletion.
    path("account/privacy/delete/", deletion.delete_account, name="delete_account"),
    path("account/privacy/delete/cancel/", deletion.cancel_deletion, name="cancel_deletion"),
    # Subprocessors.
]
