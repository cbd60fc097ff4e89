from django.contrib import admin
from django.urls import include, path

from timelive.accounts.views import operator_login_view
from timelive.api.urls import api
from timelive.orgs import views as org_views

admin.site.site_header = "TimeLive operator console"
admin.site.site_title = "TimeLive operator"
admin.site.index_title = "Organisations, trials and people"

urlpatterns = [
    path("", org_views.home, name="home"),
    path("account/", include("timelive.accounts.urls")),
    path("", include("timelive.orgs.urls")),
    path("", include("timelive.tracking.urls")),
    path("", include("timelive.approvals.urls")),
    path("", include("timelive.expenses.urls")),
    path("", include("timelive.reports.urls")),
    path("", include("timelive.integrations.urls")),
    path("", include("timelive.privacy.urls")),
    path("api/v1/", api.urls),
    # Before the console's own login form, which has no brute-force limits.
    path("operator/login/", operator_login_view, name="operator_login"),
    path("operator/", admin.site.urls),
]

handler403 = "timelive.orgs.views.permission_denied"
handler404 = "timelive.orgs.views.page_not_found"
handler500 = "timelive.orgs.views.server_error"
