"""The organisation's time tracking settings, for administrators: the tracking
policy and tags, custom fields (and a member's values), rates, and re-pricing
entries. Every change is written to the audit log."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from timelive.orgs.access import get_admin_membership, get_member_for_user
from timelive.orgs.actions import do_change_org_settings
from timelive.orgs.models import Organization
from timelive.privacy.core.processing import edit_refusal

from ..access import get_custom_field_for_user, get_rate_for_user, get_tag_for_user
from ..actions import (
    audit_settings,
    do_create_tag,
    do_delete_custom_field,
    do_delete_rate,
    do_delete_tag,
    do_rename_tag,
    do_reprice_entries,
    do_save_custom_field,
    do_save_rate,
    field_summary,
    rate_summary,
)
from ..catalog_forms import (
    CustomFieldForm,
    CustomValuesForm,
    RateForm,
    RepriceForm,
    TagForm,
    TrackingSettingsForm,
)
from ..models import MAX_CUSTOM_FIELDS, CustomField, CustomFieldTarget, Rate, Tag
from ..rates import rate_level

# Tracking policy and tags


def tracking_page(request, form, tag_form, status=200):
    tags = Tag.objects.filter(org=request.org).annotate(uses=Count("time_entries")).order_by("name")
    return render(request, "tracking/settings/tracking.html", {"form": form, "tag_form": tag_form, "tags": tags},
                  status=status)


@login_required
def tracking_settings(request, slug):
    membership = get_admin_membership(request, slug)
    org = Organization.objects.get(pk=membership.org_id)
    form = TrackingSettingsForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        # The form already set the new values on the instance; compare with the stored ones.
        do_change_org_settings(Organization.objects.get(pk=org.pk), changes, acting_user=request.user)
        messages.success(request, "Time tracking settings saved.")
        return redirect("tracking:tracking_settings", slug=slug)
    return tracking_page(request, form, TagForm(org=org), status=400 if form.errors else 200)


@login_required
@require_POST
def tag_add(request, slug):
    get_admin_membership(request, slug)
    form = TagForm(request.POST, org=request.org)
    if form.is_valid():
        try:
            tag = do_create_tag(request.org, form.cleaned_data["name"], acting_user=request.user)
        except IntegrityError:
            form.add_error("name", "There is already a tag with this name.")
        else:
            messages.success(request, f"Tag “{tag.name}” added.")
            return redirect("tracking:tracking_settings", slug=slug)
    return tracking_page(request, TrackingSettingsForm(instance=request.org), form, status=400)


@login_required
def tag_rename(request, slug):
    get_admin_membership(request, slug)
    tag = get_tag_for_user(request, request.GET.get("tag") or request.POST.get("tag", ""))
    old = tag.name
    form = TagForm(request.POST or None, org=request.org, tag=tag, initial={"name": tag.name})
    if request.method == "POST" and form.is_valid():
        try:
            do_rename_tag(tag, form.cleaned_data["name"], acting_user=request.user)
        except IntegrityError:
            form.add_error("name", "There is already a tag with this name.")
        else:
            messages.success(request, f"Renamed “{old}” to “{tag.name}” on every entry.")
            return redirect("tracking:tracking_settings", slug=slug)
    return render(request, "tracking/settings/tag_rename.html", {"form": form, "tag_name": old},
                  status=400 if form.errors else 200)


@login_required
def tag_delete(request, slug):
    get_admin_membership(request, slug)
    tag = get_tag_for_user(request, request.GET.get("tag") or request.POST.get("tag", ""))
    uses = tag.time_entries.count()
    if request.method == "POST":
        do_delete_tag(tag, acting_user=request.user)
        messages.success(request, f"Deleted the tag “{tag.name}”.")
        return redirect("tracking:tracking_settings", slug=slug)
    return render(request, "tracking/settings/tag_delete.html", {"tag": tag, "uses": uses})


# Custom fields


@login_required
def custom_fields(request, slug):
    get_admin_membership(request, slug)
    form = CustomFieldForm(request.POST or None, org=request.org,
                           initial={"target": request.GET.get("target", CustomFieldTarget.TIME_ENTRY)})
    if request.method == "POST" and form.is_valid():
        try:
            field = do_save_custom_field(form.save(commit=False), None, acting_user=request.user)
        except IntegrityError:
            form.add_error("key", "Another field uses this key.")
        else:
            messages.success(request, f"Custom field {field.label} added.")
            return redirect(reverse("tracking:custom_fields", args=[slug]) + f"#{field.target}")
    fields = CustomField.objects.filter(org=request.org)
    groups = [(value, label, [f for f in fields if f.target == value]) for value, label in CustomFieldTarget.choices]
    return render(request, "tracking/settings/custom_fields.html", {
        "form": form, "groups": groups, "max_fields": MAX_CUSTOM_FIELDS,
    }, status=400 if form.errors else 200)


@login_required
def custom_field_edit(request, slug, uid):
    get_admin_membership(request, slug)
    field = get_custom_field_for_user(request, uid)
    before = field_summary(field)
    form = CustomFieldForm(request.POST or None, instance=field, org=request.org)
    if request.method == "POST" and form.is_valid():
        field = do_save_custom_field(form.save(commit=False), before, acting_user=request.user)
        messages.success(request, "Custom field saved.")
        return redirect(reverse("tracking:custom_fields", args=[slug]) + f"#{field.target}")
    return render(request, "tracking/settings/custom_field_edit.html", {"form": form, "field": field},
                  status=400 if form.errors else 200)


@login_required
def custom_field_delete(request, slug, uid):
    get_admin_membership(request, slug)
    field = get_custom_field_for_user(request, uid)
    back = reverse("tracking:custom_fields", args=[slug])
    if request.method == "POST":
        do_delete_custom_field(field, acting_user=request.user)
        messages.success(request, f"Removed the custom field {field.label}.")
        return redirect(back)
    return render(request, "orgs/confirm.html", {
        "title": f"Remove the custom field {field.label}?",
        "message": f"It is no longer shown or asked for on {field.get_target_display().lower()}. "
                   "Values already stored stay in exports of the rows that have them.",
        "button": "Remove", "cancel_url": back,
    })


@login_required
def member_fields(request, slug, code):
    get_admin_membership(request, slug)
    member = get_member_for_user(request, code)
    definitions = list(CustomField.objects.filter(org=request.org, target=CustomFieldTarget.MEMBER))
    form = CustomValuesForm(request.POST or None, definitions=definitions, values=member.custom_fields or {})
    # A person whose processing is restricted keeps their details as they are (the operator may change them).
    refusal = edit_refusal(member.user, request.user) if request.method == "POST" else ""
    if refusal:
        form.add_error(None, refusal)
    if request.method == "POST" and form.is_valid():
        before = member.custom_fields or {}
        with transaction.atomic():
            member.custom_fields = form.custom_values
            member.save(update_fields=["custom_fields"])
            if before != member.custom_fields:
                audit_settings(request.org, request.user, member, member_fields={"old": before, "new": member.custom_fields})
        messages.success(request, f"Saved {member.user}'s details.")
        return redirect("tracking:member_fields", slug=slug, code=code)
    return render(request, "tracking/settings/member_fields.html", {"form": form, "member": member},
                  status=403 if refusal else 400 if form.errors else 200)


# Rates


def rate_rows(org):
    return Rate.objects.filter(org=org).select_related("user", "project", "task").order_by(
        "kind", "project__name", "task__name", "user__full_name", "valid_from")


@login_required
def rates(request, slug):
    get_admin_membership(request, slug)
    form = RateForm(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid():
        rate = do_save_rate(form.save(commit=False), None, acting_user=request.user)
        messages.success(request, f"Added the {rate.get_kind_display().lower()} of {rate.amount} {rate.currency}. "
                                  "Entries already logged keep their rates until you re-price them.")
        return redirect("tracking:rates", slug=slug)
    rows = list(rate_rows(request.org))
    for rate in rows:
        rate.level_name = rate_level(rate)
    return render(request, "tracking/settings/rates.html", {
        "form": form, "rates": rows, "reprice_form": RepriceForm(org=request.org),
    }, status=400 if form.errors else 200)


@login_required
def rate_edit(request, slug, uid):
    get_admin_membership(request, slug)
    rate = get_rate_for_user(request, uid)
    before = rate_summary(rate)
    form = RateForm(request.POST or None, instance=rate, org=request.org)
    if request.method == "POST" and form.is_valid():
        rate = do_save_rate(form.save(commit=False), before, acting_user=request.user)
        messages.success(request, "Rate saved. Entries already logged keep their rates until you re-price them.")
        return redirect("tracking:rates", slug=slug)
    return render(request, "tracking/settings/rate_edit.html", {"form": form, "rate": rate},
                  status=400 if form.errors else 200)


@login_required
def rate_delete(request, slug, uid):
    get_admin_membership(request, slug)
    rate = get_rate_for_user(request, uid)
    back = reverse("tracking:rates", args=[slug])
    if request.method == "POST":
        do_delete_rate(rate, acting_user=request.user)
        messages.success(request, "Rate deleted. Entries already logged keep their rates until you re-price them.")
        return redirect(back)
    return render(request, "orgs/confirm.html", {
        "title": f"Delete the {rate.get_kind_display().lower()} of {rate.amount} {rate.currency}?",
        "message": "New entries will be valued with the next most specific rate. Entries already logged keep "
                   "their rates until you re-price them.",
        "button": "Delete", "cancel_url": back,
    })


@login_required
def reprice(request, slug):
    get_admin_membership(request, slug)
    form = RepriceForm(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checked, changed = do_reprice_entries(request.org, date_from=data["date_from"], date_to=data["date_to"],
                                              project=data["project"], person=data["person"], acting_user=request.user)
        messages.success(request, f"Re-priced {changed} of {checked} open entr{'y' if checked == 1 else 'ies'} "
                                  f"from {data['date_from']:%d %b %Y} to {data['date_to']:%d %b %Y}. "
                                  "Submitted and approved entries were left as they are.")
        return redirect("tracking:rates", slug=slug)
    return render(request, "tracking/settings/reprice.html", {"form": form}, status=400 if form.errors else 200)
