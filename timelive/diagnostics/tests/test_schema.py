"""IP addresses live only in the diagnostics log, which cannot be joined to a person.

Privacy policy, paragraph 4: "We do not link IP addresses to anything personally
identifiable." DESIGN.md, privacy model: IP addresses appear only in a
diagnostics log that is never joined to a person.
"""

import re

from django.apps import apps
from django.db import models
from django.test import SimpleTestCase

from timelive.diagnostics.models import RequestRecord

IP_NAME = re.compile(r"(^|_)(ip|ips|ipv4|ipv6|ip_?addr(ess)?(es)?|remote_?addr(ess)?|client_?addr(ess)?|x_forwarded_for)($|_)")
PERSON_NAME = re.compile(r"user|email|person|member|owner|actor|session_key|name")


def looks_like_ip(name: str) -> bool:
    return bool(IP_NAME.search(name.lower()))


def columns(model):
    for field in model._meta.get_fields(include_hidden=True):
        yield field, {field.name, getattr(field, "column", None) or field.name, getattr(field, "attname", field.name)}


class SchemaTestCase(SimpleTestCase):
    def test_it_recognises_names_of_ip_fields(self):
        for name in ["ip", "ip_address", "IPAddress", "remote_addr", "client_ip", "last_login_ip", "ip_hash", "ipv6",
                     "x_forwarded_for", "created_from_ip"]:
            self.assertTrue(looks_like_ip(name), name)
        for name in ["zip", "zip_code", "ship_to", "description", "tip", "equipment", "shipping", "recipient",
                     "skip_weekends", "membership"]:
            self.assertFalse(looks_like_ip(name), name)

    def test_it_finds_no_ip_address_outside_the_diagnostics_log(self):
        found = []
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label == "diagnostics":
                continue
            for field, names in columns(model):
                if any(looks_like_ip(name) for name in names) or isinstance(field, models.GenericIPAddressField):
                    found.append(f"{model._meta.label}.{field.name}")
        self.assertEqual(found, [], "IP addresses belong only in the diagnostics log (timelive/diagnostics)")

    def test_it_keeps_the_diagnostics_log_apart_from_people(self):
        for field, names in columns(RequestRecord):
            self.assertFalse(field.is_relation, f"{field.name} is a relation")
            self.assertFalse(isinstance(field, models.ForeignKey | models.OneToOneField | models.ManyToManyField))
            for name in names:
                self.assertIsNone(PERSON_NAME.search(name), name)
        # Nothing else points at it either.
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.get_fields():
                self.assertIsNot(getattr(field, "related_model", None), RequestRecord, f"{model._meta.label}.{field.name}")

    def test_it_keeps_only_the_documented_columns(self):
        self.assertEqual([f.name for f in RequestRecord._meta.get_fields()],
                         ["id", "at", "method", "path", "status", "duration_ms", "ip"])
