"""Clients, their contacts and departments. Owners, administrators and managers
manage them; members meet client names only through projects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from timelive.orgs.access import get_membership

from ..access import CATALOG_ROLES, get_client_for_user, get_contact_for_user, get_department_for_user
from ..actions import do_save_catalog
from ..catalog_forms import ClientForm, ContactForm, DepartmentForm
from ..models import Client

PAGE_SIZE = 50


def client_membership(request, slug):
    return get_membership(request, slug, roles=CATALOG_ROLES)


def save_client(form, acting_user):
    """Save (audited), turning a race on the unique name into the form's own error."""
    try:
        return do_save_catalog(form, acting_user=acting_user)
    except IntegrityError:
        form.add_error("name", "There is already a client with this name.")
        return None


@login_required
def client_list(request, slug):
    client_membership(request, slug)
    query = " ".join(request.GET.get("q", "").split())[:100]
    archived = request.GET.get("archived") == "1"
    clients = Client.objects.filter(org=request.org, is_archived=archived).annotate(
        project_count=Count("projects", distinct=True))
    if query:
        clients = clients.filter(Q(name__icontains=query) | Q(email__icontains=query))
    page = Paginator(clients.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "tracking/clients/list.html", {
        "page": page, "q": query, "archived": archived, "query": params.urlencode(),
    })


@login_required
def client_new(request, slug):
    client_membership(request, slug)
    form = ClientForm(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid():
        client = save_client(form, request.user)
        if client is not None:
            messages.success(request, f"Client {client.name} added.")
            return redirect("tracking:client", slug=slug, uid=client.uid)
    return render(request, "tracking/clients/form.html", {"form": form, "client": None},
                  status=400 if form.errors else 200)


@login_required
def client_detail(request, slug, uid):
    client_membership(request, slug)
    client = get_client_for_user(request, uid)
    projects = client.projects.select_related("project_manager").order_by("name")
    return render(request, "tracking/clients/detail.html", {
        "client": client,
        "contacts": client.contacts.all(),
        "departments": client.departments.all(),
        "projects": projects,
        "contact_form": ContactForm(prefix="contact"),
        "department_form": DepartmentForm(client=client, prefix="department"),
    })


@login_required
def client_edit(request, slug, uid):
    client_membership(request, slug)
    client = get_client_for_user(request, uid)
    form = ClientForm(request.POST or None, instance=client, org=request.org)
    if request.method == "POST" and form.is_valid():
        if save_client(form, request.user) is not None:
            messages.success(request, "Client saved.")
            return redirect("tracking:client", slug=slug, uid=uid)
    return render(request, "tracking/clients/form.html", {"form": form, "client": client},
                  status=400 if form.errors else 200)


@login_required
def client_archive(request, slug, uid):
    client_membership(request, slug)
    client = get_client_for_user(request, uid)
    if request.method == "POST":
        client.is_archived = True
        client.save(update_fields=["is_archived", "updated_at"])
        messages.success(request, f"{client.name} is archived. Its projects keep their history.")
        return redirect("tracking:clients", slug=slug)
    return render(request, "orgs/confirm.html", {
        "title": f"Archive {client.name}?",
        "message": "The client leaves the list and cannot be chosen for new projects. "
                   "Nothing is deleted, and you can unarchive it later.",
        "button": "Archive",
        "cancel_url": reverse("tracking:client", args=[slug, uid]),
    })


@login_required
@require_POST
def client_unarchive(request, slug, uid):
    client_membership(request, slug)
    client = get_client_for_user(request, uid)
    client.is_archived = False
    client.save(update_fields=["is_archived", "updated_at"])
    messages.success(request, f"{client.name} is active again.")
    return redirect("tracking:client", slug=slug, uid=uid)


# Contacts


@login_required
def contact_new(request, slug, uid):
    client_membership(request, slug)
    client = get_client_for_user(request, uid)
    form = ContactForm(request.POST or None, prefix="contact")
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        contact.client = client
        contact.save()
        messages.success(request, f"Contact {contact.name} added.")
        return redirect("tracking:client", slug=slug, uid=uid)
    return render(request, "tracking/clients/part_form.html", {
        "form": form, "client": client, "title": f"New contact at {client.name}", "button": "Add contact",
    }, status=400 if form.errors else 200)


@login_required
def contact_edit(request, slug, uid):
    client_membership(request, slug)
    contact = get_contact_for_user(request, uid)
    form = ContactForm(request.POST or None, instance=contact, prefix="contact")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Contact saved.")
        return redirect("tracking:client", slug=slug, uid=contact.client.uid)
    return render(request, "tracking/clients/part_form.html", {
        "form": form, "client": contact.client, "title": f"Edit {contact.name}", "button": "Save contact",
    }, status=400 if form.errors else 200)


@login_required
def contact_delete(request, slug, uid):
    client_membership(request, slug)
    contact = get_contact_for_user(request, uid)
    back = reverse("tracking:client", args=[slug, contact.client.uid])
    if request.method == "POST":
        contact.delete()
        messages.success(request, f"Removed {contact.name}.")
        return redirect(back)
    return render(request, "orgs/confirm.html", {
        "title": f"Remove {contact.name}?",
        "message": f"Their name and contact details are deleted from {contact.client.name}.",
        "button": "Remove", "cancel_url": back,
    })


# Departments


@login_required
def department_new(request, slug, uid):
    client_membership(request, slug)
    client = get_client_for_user(request, uid)
    form = DepartmentForm(request.POST or None, client=client, prefix="department")
    if request.method == "POST" and form.is_valid():
        department = form.save(commit=False)
        department.client = client
        department.save()
        messages.success(request, f"Department {department.name} added.")
        return redirect("tracking:client", slug=slug, uid=uid)
    return render(request, "tracking/clients/part_form.html", {
        "form": form, "client": client, "title": f"New department at {client.name}", "button": "Add department",
    }, status=400 if form.errors else 200)


@login_required
def department_edit(request, slug, uid):
    client_membership(request, slug)
    department = get_department_for_user(request, uid)
    form = DepartmentForm(request.POST or None, instance=department, client=department.client, prefix="department")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Department renamed.")
        return redirect("tracking:client", slug=slug, uid=department.client.uid)
    return render(request, "tracking/clients/part_form.html", {
        "form": form, "client": department.client, "title": f"Rename {department.name}", "button": "Rename",
    }, status=400 if form.errors else 200)


@login_required
def department_delete(request, slug, uid):
    client_membership(request, slug)
    department = get_department_for_user(request, uid)
    back = reverse("tracking:client", args=[slug, department.client.uid])
    if request.method == "POST":
        department.delete()
        messages.success(request, f"Removed the department {department.name}.")
        return redirect(back)
    used = department.client.projects.filter(department=department).count()
    return render(request, "orgs/confirm.html", {
        "title": f"Remove the department {department.name}?",
        "message": (f"{used} project{'s' if used != 1 else ''} name{'' if used != 1 else 's'} it; they keep the client "
                    "but lose the department." if used else "No project names it."),
        "button": "Remove", "cancel_url": back,
    })
