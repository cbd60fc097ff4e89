from django.urls import include, path

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
]

urlpatterns = [path("o/<slug:slug>/", include(org_urlpatterns))]
