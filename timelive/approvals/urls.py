from django.urls import include, path

from . import views

app_name = "approvals"

org_urlpatterns = [
    path("approvals/", views.inbox, name="inbox"),
    path("approvals/approve/", views.bulk_approve, name="bulk_approve"),
    path("approvals/submit/", views.submit, name="submit"),
    path("approvals/submit-expenses/", views.submit_expenses, name="submit_expenses"),
    path("approvals/timesheets/<str:uid>/", views.submission_detail, name="submission"),
    path("approvals/timesheets/<str:uid>/approve/", views.approve, name="approve"),
    path("approvals/timesheets/<str:uid>/reject/", views.reject, name="reject"),
    path("approvals/timesheets/<str:uid>/recall/", views.recall, name="recall"),
    path("approvals/timesheets/<str:uid>/override/", views.override, name="override"),
    # Expense sheets under their own words; the timesheet addresses above answer for them too, as before.
    path("approvals/expense-sheets/<str:uid>/", views.submission_detail, name="expense_sheet"),
    path("approvals/expense-sheets/<str:uid>/approve/", views.approve, name="expense_sheet_approve"),
    path("approvals/expense-sheets/<str:uid>/reject/", views.reject, name="expense_sheet_reject"),
    path("approvals/expense-sheets/<str:uid>/recall/", views.recall, name="expense_sheet_recall"),
    path("approvals/expense-sheets/<str:uid>/override/", views.override, name="expense_sheet_override"),
    # Administrators
    path("settings/approvals/", views.approval_settings, name="approval_settings"),
    path("settings/approvals/paths/", views.path_list, name="paths"),
    path("settings/approvals/paths/new/", views.path_new, name="path_new"),
    path("settings/approvals/paths/<str:uid>/", views.path_edit, name="path_edit"),
    path("settings/approvals/paths/<str:uid>/delete/", views.path_delete, name="path_delete"),
    path("settings/approvals/assignments/", views.assignments, name="assignments"),
    path("settings/approvals/assignments/project/", views.assign_project, name="assign_project"),
    path("settings/approvals/assignments/member/", views.assign_member, name="assign_member"),
]

urlpatterns = [path("o/<slug:slug>/", include(org_urlpatterns))]
