from django.urls import include, path

from . import views

app_name = "expenses"

org_urlpatterns = [
    path("expenses/", views.expense_list, name="list"),
    path("expenses/new/", views.expense_new, name="new"),
    path("expenses/<str:uid>/", views.expense_detail, name="detail"),
    path("expenses/<str:uid>/edit/", views.expense_edit, name="edit"),
    path("expenses/<str:uid>/delete/", views.expense_delete, name="delete"),
    path("receipts/<str:uid>/", views.receipt_file, name="receipt"),
    path("receipts/<str:uid>/delete/", views.receipt_delete, name="receipt_delete"),
    # Settings (administrators): kind is codes, taxes, payment-methods or exchange-rates.
    path("settings/expenses/", views.settings_home, name="settings_home"),
    path("settings/expenses/<str:kind>/", views.setting_list, name="setting_list"),
    path("settings/expenses/<str:kind>/<str:uid>/", views.setting_edit, name="setting_edit"),
    path("settings/expenses/<str:kind>/<str:uid>/active/", views.setting_active, name="setting_active"),
    path("settings/expenses/<str:kind>/<str:uid>/delete/", views.setting_delete, name="setting_delete"),
]

urlpatterns = [path("o/<slug:slug>/", include(org_urlpatterns))]
