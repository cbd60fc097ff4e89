from django.urls import path, register_converter

from . import views
from .models import PolicyKind


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
    path("<policykind:kind>/", views.policy, name="policy"),
    path("<policykind:kind>/archive/", views.archive, name="archive"),
    path("<policykind:kind>/versions/<str:code>/", views.version, name="version"),
    path("account/policies/<str:code>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("account/consents/", views.consents, name="consents"),
]
