from django.urls import include, path

app_name = "reports"

org_urlpatterns = []

urlpatterns = [path("o/<slug:slug>/reports/", include(org_urlpatterns))]
