"""Every model that holds personal data is in the personal-data registry.

A field counts as personal when it is:
- a foreign key, one-to-one or many-to-many relation to the user model (many-to-many
  fields are read on the model that declares them; Django's auto-created
  through tables are skipped, since their field is checked there);
- an EmailField (an address), a GenericIPAddressField (an IP), or a FileField /
  ImageField (a file someone uploaded);
- named like a person's details or free text about a person: PERSONAL_NAMES below
  (name, phone, address, notes, body, reason...). Free text may well be about
  a person even when the field sits on a business object, so the list is wide,
  and models judged non-personal are named in NOT_PERSONAL with the reason.

A model with such a field must be registered (timelive/<app>/personal_data.py)
or listed in NOT_PERSONAL; the test names every model that is neither.
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import SimpleTestCase

from timelive.accounts.models import User
from timelive.orgs.models import Organization
from timelive.privacy.core.registry import entries, personal_data, registered
from timelive.privacy.models import RetentionRule
from timelive.tracking.models import Tag, Task

PERSONAL_NAMES = {
    # who someone is and how to reach them
    "name", "full_name", "first_name", "last_name", "display_name", "phone", "mobile", "address",
    # free text that may be about a person, or written by one
    "about", "bio", "notes", "note", "description", "body", "comment", "reason", "reply", "message",
}

# Models with a field from PERSONAL_NAMES that holds no personal data, and why.
# (Models that also point at a person, such as Project, are registered instead.)
NOT_PERSONAL = {
    "auth.Group": "name: a permission group's name",
    "auth.Permission": "name: a permission's description",
    "orgs.Organization": "name: the customer organisation's name; its people are in Membership",
    "tracking.ClientDepartment": "name: a department of a client company",
    "tracking.Milestone": "name: a project milestone",
    "tracking.Tag": "name: a label for time entries",
    "privacy.Subprocessor": "name: a company the operator works with",
}


def declared_fields(model):
    # Reverse relations are left out: the model at the other end declares them.
    return [field for field in model._meta.get_fields() if field.concrete or not field.auto_created]


def user_relations(model) -> list[str]:
    return [field.name for field in declared_fields(model)
            if field.is_relation and field.related_model is not None
            and field.related_model._meta.label == settings.AUTH_USER_MODEL]


def personal_fields(model) -> list[str]:
    found = []
    for field in declared_fields(model):
        if field.is_relation:
            if field.name in user_relations(model):
                found.append(field.name)
            continue
        if isinstance(field, models.EmailField | models.GenericIPAddressField | models.FileField):
            found.append(field.name)
        elif field.name in PERSONAL_NAMES:
            found.append(field.name)
    return found


def unregistered_models(is_registered=registered) -> list[str]:
    """Each concrete model with a personal field that is neither registered nor judged non-personal."""
    missing = []
    for model in apps.get_models():
        if model._meta.auto_created or model._meta.abstract or model._meta.proxy:
            continue
        fields = personal_fields(model)
        if fields and is_registered(model) is None and model._meta.label not in NOT_PERSONAL:
            missing.append(f"{model._meta.label} ({', '.join(fields)})")
    return missing


class RegistryTestCase(SimpleTestCase):
    def test_every_model_with_personal_data_is_registered(self):
        missing = unregistered_models()
        self.assertEqual(missing, [], "Register these in their app's personal_data.py (export and erase), "
                                      "or explain in NOT_PERSONAL why they hold no personal data: " + "; ".join(missing))

    def test_it_names_a_model_left_out(self):
        def without_tasks(model):
            return None if model is Task else registered(model)

        left_out = set(unregistered_models(without_tasks)) - set(unregistered_models())
        self.assertEqual(left_out, {"tracking.Task (name, description, assignees)"})

    def test_it_finds_personal_fields(self):
        self.assertEqual(personal_fields(Tag), ["name"])
        self.assertEqual(personal_fields(RetentionRule), [])
        self.assertIn("assignees", personal_fields(Task))
        self.assertTrue({"email", "full_name", "phone", "address", "about", "picture"} <= set(personal_fields(User)))

    def test_the_allow_list_holds_only_models_that_need_it(self):
        for label in NOT_PERSONAL:
            model = apps.get_model(label)
            self.assertTrue(personal_fields(model), f"{label} has no personal-looking field: drop it from NOT_PERSONAL")
            self.assertIsNone(registered(model), f"{label} is registered: drop it from NOT_PERSONAL")
            self.assertEqual(user_relations(model), [], f"{label} points at a person: it must be registered")

    def test_every_registration_says_what_erasure_does(self):
        tables = [entry.table for entry in entries()]
        self.assertEqual(len(tables), len(set(tables)))
        for entry in entries():
            self.assertTrue(entry.note.strip(), entry.label)
            if entry.unlinkable:
                self.assertIsNone(entry.export)
                self.assertIsNone(entry.erase)
            else:
                self.assertTrue(entry.export or entry.erase, entry.label)

    def test_only_the_request_log_is_unlinkable(self):
        unlinkable = [entry.label for entry in entries() if entry.unlinkable]
        self.assertEqual(unlinkable, ["diagnostics.RequestRecord"])
        for entry in entries():
            if entry.unlinkable:
                self.assertEqual(user_relations(entry.model), [], entry.label)

    def test_the_person_row_is_erased_last(self):
        self.assertEqual(max(entries(), key=lambda entry: entry.order).label, "accounts.User")

    def test_it_refuses_incomplete_registrations(self):
        with self.assertRaisesMessage(ValueError, "already in the personal-data registry"):
            personal_data(User, table="people", export=list, note="Again.")
        with self.assertRaisesMessage(ValueError, "say what erasure removes"):
            personal_data(Organization, table="orgs", export=list, note="  ")
        with self.assertRaisesMessage(ValueError, "give an exporter, an eraser or both"):
            personal_data(Organization, table="orgs", note="Nothing.")
        with self.assertRaisesMessage(ValueError, "nothing to export or erase"):
            personal_data(Organization, table="orgs", export=list, note="Cannot be joined.", unlinkable=True)
        with self.assertRaisesMessage(ValueError, "Two registrations export the table 'profile'"):
            personal_data(Organization, table="profile", export=list, note="Clash.")
        self.assertIsNone(registered(Organization))
