"""Time entries, the timer, projects, tasks, comments, attachments, rates and
client contacts, in the personal-data registry.

The policy keeps content visible to team members: entries, tasks, comments and
their files stay after deletion, tied to the pseudonymised person, so the
team's timesheets and reports still add up.
"""

from django.db.models import Prefetch, Q

from timelive.accounts.personal_data import any_address, mentions, pseudonym_name
from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import personal_data

from .models import Client, ClientContact, Project, ProjectMember, Rate, Tag, Task, TaskAttachment, TaskComment, TimeEntry, Timer

KEPT_FOR_THE_TEAM = "Kept, tied to the pseudonymised person: the content stays visible to team members (privacy policy)"


def export_time_entries(user):
    entries = (
        TimeEntry.objects.filter(user=user)
        .select_related("org", "project", "task")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))
        .order_by("date", "start", "id")
    )
    for entry in entries:
        yield row(entry, "uid", "org.name", "project.name", "task.name", "date", "start", "end", "duration", "description",
                  "billable", "status", "bill_rate", "bill_currency", "cost_rate", "cost_currency", "custom_fields",
                  "created_at", "updated_at", tags=", ".join(sorted(tag.name for tag in entry.tags.all())))


personal_data(
    TimeEntry, table="time_entries", export=export_time_entries,
    note=f"{KEPT_FOR_THE_TEAM}, so the organisation's timesheets, reports and invoices keep the same hours.",
)


def export_timer(user):
    for timer in Timer.objects.filter(user=user).select_related("org", "project", "task"):
        yield row(timer, "org.name", "project.name", "task.name", "description", "billable", "tag_names", "started_at")


personal_data(
    Timer, table="timer", export=export_timer, erase=lambda user: Timer.objects.filter(user=user).delete(),
    note="Removed: a running timer is stopped without making an entry; nobody can finish it any more.",
)


def export_managed_projects(user):
    projects = Project.objects.filter(Q(project_manager=user) | Q(team_lead=user)).select_related("org")
    for project in projects.order_by("org__name", "name", "id"):
        roles = [role for role, person_id in (("project manager", project.project_manager_id),
                                               ("team lead", project.team_lead_id)) if person_id == user.pk]
        yield row(project, "uid", "org.name", "name", "code", "status", role=" and ".join(roles))


personal_data(
    Project, table="projects_led", export=export_managed_projects,
    note="Kept: a project's manager and team lead stay pointed at the pseudonymised person, so the project's "
         "history reads whole; the organisation names someone new. Project names and descriptions are the "
         "organisation's business data, not the person's.",
)


def export_project_memberships(user):
    for member in ProjectMember.objects.filter(user=user).select_related("project__org").order_by("created_at", "id"):
        yield row(member, "project.org.name", "project.name", "project.uid", "created_at")


personal_data(
    ProjectMember, table="project_memberships", export=export_project_memberships,
    erase=lambda user: ProjectMember.objects.filter(user=user).delete(),
    note="Removed: project memberships only grant access, and a deleted account has none. Entries on the "
         "projects stay.",
)


def export_assigned_tasks(user):
    tasks = Task.objects.filter(assignees=user).select_related("org", "project").order_by("project__name", "name", "id")
    for task in tasks:
        yield row(task, "uid", "org.name", "project.name", "name", "status", "priority", "due_date", "created_at")


personal_data(
    Task, table="tasks_assigned", export=export_assigned_tasks,
    note=f"{KEPT_FOR_THE_TEAM}: tasks stay assigned to “Deleted user N”, so who was meant to do what stays readable. "
         "Task names and descriptions are the organisation's business data.",
)


def export_comments(user):
    comments = (
        TaskComment.objects.filter(author=user)
        .select_related("task__org", "task__project")
        .prefetch_related(Prefetch("attachments", queryset=TaskAttachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    for comment in comments:
        yield row(comment, "uid", "task.org.name", "task.project.name", "task.name", "body", "created_at", "edited_at",
                  attachments=", ".join(attachment.name for attachment in comment.attachments.all()))


personal_data(
    TaskComment, table="task_comments", export=export_comments,
    note=f"{KEPT_FOR_THE_TEAM}: comments stay in their task's thread, shown as written by “Deleted user N”.",
)


def export_attachments(user):
    attachments = (
        TaskAttachment.objects.filter(comment__author=user).select_related("comment__task").order_by("comment_id", "id")
    )
    for attachment in attachments:
        yield row(attachment, "uid", "comment.uid", "comment.task.name", "name", "size", "content_type", "file")


personal_data(
    TaskAttachment, table="task_attachments", export=export_attachments,
    note=f"{KEPT_FOR_THE_TEAM}: files attached to comments stay with their comment.",
)


def export_rates(user):
    for rate in Rate.objects.filter(user=user).select_related("org", "project", "task").order_by("valid_from", "id"):
        yield row(rate, "uid", "org.name", "kind", "amount", "currency", "project.name", "task.name", "valid_from",
                  "valid_to", "created_at")


personal_data(
    Rate, table="rates", export=export_rates,
    note="Kept: a person's billing and cost rates value their entries; re-pricing and reports must find the same "
         "rates, so the rates stay, tied to the pseudonymised person.",
)


def clients_of(user):
    """Clients whose contact address is the person's own (a person who is a client, or works for one)."""
    return Client.objects.filter(email__iexact=user.email).exclude(email="")


def export_clients(user):
    for client in clients_of(user).select_related("org").order_by("org__name", "name"):
        yield row(client, "uid", "org.name", "name", "email", "phone", "address", "notes", "created_at")


def erase_clients(user):
    # At any address the person used, and named like them under any name they had.
    known = mentions(user)
    names = {name.lower() for name in known.names}
    for client in Client.objects.filter(any_address(user, "email")).exclude(email=""):
        # A client named after the person (a sole trader) takes the pseudonym too.
        if client.name.strip().lower() in names:
            client.name = pseudonym_name(user)
        client.email = client.phone = client.address = client.notes = ""
        client.save(update_fields=["name", "email", "phone", "address", "notes", "updated_at"])


personal_data(
    Client, table="clients", export=export_clients, erase=erase_clients,
    note="Clients whose contact address is the person's: the address, phone, postal address and notes are "
         "removed, and a client named exactly like the person is renamed “Deleted user N”. The client itself "
         "stays, because the organisation's projects and invoices refer to it.",
)


def contacts_of(user):
    return ClientContact.objects.filter(email__iexact=user.email).exclude(email="")


def export_client_contacts(user):
    for contact in contacts_of(user).select_related("client__org").order_by("client__name", "name"):
        yield row(contact, "uid", "client.org.name", "client.name", "name", "email", "phone", "role")


personal_data(
    ClientContact, table="client_contacts", export=export_client_contacts,
    erase=lambda user: ClientContact.objects.filter(any_address(user, "email")).exclude(email="").delete(),
    note="Removed: a client's contact-person entries with the person's address (name, address, phone, role); "
         "the client stays.",
)
