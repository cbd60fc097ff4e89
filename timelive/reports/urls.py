from django.urls import include, path

from . import views

app_name = "reports"

org_urlpatterns = [
    path("", views.summary, name="summary"),
    path("summary.<str:fmt>", views.summary_export, name="summary_export"),
]

urlpatterns = [path("o/<slug:slug>/reports/", include(org_urlpatterns))]
