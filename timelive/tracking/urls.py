from django.urls import include, path

from .views import clients as client_views
from .views import projects as project_views
from .views import settings as settings_views
from .views import tasks as task_views
from .views import time as views

app_name = "tracking"

org_urlpatterns = [
    path("timesheet/", views.timesheet, name="timesheet"),
    path("timesheet/row/", views.week_row, name="week_row"),
    path("timesheet/cell/", views.week_cell, name="week_cell"),
    path("timesheet/<str:day>/", views.week, name="week"),
    path("day/<str:day>/", views.day_view, name="day"),
    path("entries/<str:uid>/", views.edit_entry, name="edit_entry"),
    path("entries/<str:uid>/delete/", views.delete_entry, name="delete_entry"),
    path("timer/", views.timer_page, name="timer"),
    path("timer/start/", views.timer_start, name="timer_start"),
    path("timer/stop/", views.timer_stop, name="timer_stop"),
    path("timer/discard/", views.timer_discard, name="timer_discard"),
    # Clients
    path("clients/", client_views.client_list, name="clients"),
    path("clients/new/", client_views.client_new, name="client_new"),
    path("clients/<str:uid>/", client_views.client_detail, name="client"),
    path("clients/<str:uid>/edit/", client_views.client_edit, name="client_edit"),
    path("clients/<str:uid>/archive/", client_views.client_archive, name="client_archive"),
    path("clients/<str:uid>/unarchive/", client_views.client_unarchive, name="client_unarchive"),
    path("clients/<str:uid>/contacts/new/", client_views.contact_new, name="contact_new"),
    path("clients/<str:uid>/departments/new/", client_views.department_new, name="department_new"),
    path("contacts/<str:uid>/edit/", client_views.contact_edit, name="contact_edit"),
    path("contacts/<str:uid>/delete/", client_views.contact_delete, name="contact_delete"),
    path("departments/<str:uid>/edit/", client_views.department_edit, name="department_edit"),
    path("departments/<str:uid>/delete/", client_views.department_delete, name="department_delete"),
    # Projects
    path("projects/", project_views.project_list, name="projects"),
    path("projects/new/", project_views.project_new, name="project_new"),
    path("projects/<str:uid>/", project_views.project_detail, name="project"),
    path("projects/<str:uid>/edit/", project_views.project_edit, name="project_edit"),
    path("projects/<str:uid>/status/", project_views.project_status, name="project_status"),
    path("projects/<str:uid>/archive/", project_views.project_archive, name="project_archive"),
    path("projects/<str:uid>/copy/", project_views.project_copy, name="project_copy"),
    path("projects/<str:uid>/members/add/", project_views.project_member_add, name="project_member_add"),
    path("projects/<str:uid>/members/<str:code>/remove/", project_views.project_member_remove,
         name="project_member_remove"),
    path("projects/<str:uid>/milestones/new/", project_views.milestone_new, name="milestone_new"),
    path("milestones/<str:uid>/edit/", project_views.milestone_edit, name="milestone_edit"),
    path("milestones/<str:uid>/done/", project_views.milestone_done, name="milestone_done"),
    path("milestones/<str:uid>/delete/", project_views.milestone_delete, name="milestone_delete"),
    # Tasks
    path("projects/<str:uid>/tasks/", task_views.task_list, name="tasks"),
    path("projects/<str:uid>/board/", task_views.task_board, name="task_board"),
    path("projects/<str:uid>/tasks/new/", task_views.task_new, name="task_new"),
    path("tasks/<str:uid>/", task_views.task_detail, name="task"),
    path("tasks/<str:uid>/edit/", task_views.task_edit, name="task_edit"),
    path("tasks/<str:uid>/archive/", task_views.task_archive, name="task_archive"),
    path("tasks/<str:uid>/move/", task_views.task_move, name="task_move"),
    path("tasks/<str:uid>/comments/", task_views.comment_add, name="comment_add"),
    path("comments/<str:uid>/edit/", task_views.comment_edit, name="comment_edit"),
    path("comments/<str:uid>/delete/", task_views.comment_delete, name="comment_delete"),
    path("attachments/<str:uid>/", task_views.attachment_download, name="attachment"),
    # Time tracking settings
    path("settings/tracking/", settings_views.tracking_settings, name="tracking_settings"),
    path("settings/tracking/tags/add/", settings_views.tag_add, name="tag_add"),
    path("settings/tracking/tags/rename/", settings_views.tag_rename, name="tag_rename"),
    path("settings/tracking/tags/delete/", settings_views.tag_delete, name="tag_delete"),
    path("settings/custom-fields/", settings_views.custom_fields, name="custom_fields"),
    path("settings/custom-fields/<str:uid>/", settings_views.custom_field_edit, name="custom_field_edit"),
    path("settings/custom-fields/<str:uid>/delete/", settings_views.custom_field_delete, name="custom_field_delete"),
    path("settings/rates/", settings_views.rates, name="rates"),
    path("settings/rates/reprice/", settings_views.reprice, name="reprice"),
    path("settings/rates/<str:uid>/", settings_views.rate_edit, name="rate_edit"),
    path("settings/rates/<str:uid>/delete/", settings_views.rate_delete, name="rate_delete"),
    path("team/<str:code>/fields/", settings_views.member_fields, name="member_fields"),
]

urlpatterns = [path("o/<slug:slug>/", include(org_urlpatterns))]
