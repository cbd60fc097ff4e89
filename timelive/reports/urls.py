from django.urls import include, path

from . import views

app_name = "reports"

org_urlpatterns = [
    path("", views.summary, name="summary"),
    path("summary.<str:fmt>", views.summary_export, name="summary_export"),
    path("detailed/", views.detailed_report, name="detailed"),
    path("detailed.<str:fmt>", views.detailed_export, name="detailed_export"),
    path("weekly/", views.weekly_report, name="weekly"),
    path("weekly.<str:fmt>", views.weekly_export, name="weekly_export"),
    path("timesheets/", views.timesheet_status_report, name="timesheet_status"),
]

urlpatterns = [path("o/<slug:slug>/reports/", include(org_urlpatterns))]
