from django.urls import path, register_converter

from .models import PolicyKind
from .views import account, center, deletion, exports, org_requests, policies, requests, subprocessors


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
    path("account/privacy/exports/", exports.export_status, name="export_status"),
    path("account/privacy/exports/request/", exports.request_export, name="export_request"),
    path("account/privacy/exports/<str:code>/download/", exports.download_export, name="export_download"),
    # Requests to the administrators or the operator.
    path("account/privacy/requests/new/", requests.new_request, name="request_new"),
    path("account/privacy/requests/confirm/<str:key>/", requests.confirm, name="request_confirm"),
    path("account/privacy/requests/<str:code>/", requests.request_detail, name="request"),
    path("account/privacy/requests/<str:code>/withdraw/", requests.withdraw, name="request_withdraw"),
    # Deactivation, restriction, objection, deletion.
    path("account/privacy/deactivate/", account.deactivate, name="deactivate"),
    path("account/privacy/object/", account.object_to, name="object"),
    path("account/privacy/delete/", deletion.delete_account, name="delete_account"),
    path("account/privacy/delete/cancel/", deletion.cancel_deletion, name="cancel_deletion"),
    # Subprocessors.
    path("subprocessors/", subprocessors.subprocessors, name="subprocessors"),
    path("o/<slug:slug>/subprocessors/", subprocessors.org_subprocessors, name="org_subprocessors"),
    # For administrators: the whole account (not just the membership) of people the organisation manages.
    path("o/<slug:slug>/team/<str:code>/deactivate/", account.deactivate_member, name="deactivate_member"),
    path("o/<slug:slug>/team/<str:code>/reactivate/", account.reactivate_member, name="reactivate_member"),
    # Data requests from the people the organisation manages (views/org_requests.py).
    path("o/<slug:slug>/privacy-requests/", org_requests.data_requests, name="data_requests"),
    path("o/<slug:slug>/privacy-requests/<str:code>/", org_requests.data_request, name="data_request"),
    path("o/<slug:slug>/privacy-requests/<str:code>/reply/", org_requests.reply, name="data_request_reply"),
    path("o/<slug:slug>/privacy-requests/<str:code>/complete/", org_requests.complete, name="data_request_complete"),
    path("o/<slug:slug>/privacy-requests/<str:code>/decline/", org_requests.decline, name="data_request_decline"),
    path("o/<slug:slug>/privacy-requests/<str:code>/escalate/", org_requests.escalate, name="data_request_escalate"),
]
