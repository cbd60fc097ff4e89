"""What the data-request tests share (no tests here): alpha manages the domain
example.org, so alice and bob are managed accounts and their requests go to
alpha's admins; charlie (example.net) is not, so his go to the operator."""

import datetime as dt
import re

import time_machine
from django.core import mail

from timelive.orgs.models import Organization
from timelive.privacy.data_requests import do_confirm_request, do_file_request
from timelive.privacy.models import RequestKind
from timelive.test import BaseTestCase, make_user

from .helpers import NOW

DAY = dt.timedelta(days=1)
CONFIRM_LINK = re.compile(r"/account/privacy/requests/confirm/([\w-]+)/")


class DataRequestTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Organization.objects.filter(pk=cls.org.pk).update(managed_domain="example.org")
        cls.org.refresh_from_db()
        cls.operator = make_user("op@timelive.example", "Olga Operator", is_staff=True, is_superuser=True)

    def setUp(self):
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def file(self, user, kind=RequestKind.RECTIFICATION, reason="My job title is wrong.", objection_to=""):
        """(request, raw key), with the confirmation mail sent."""
        with self.captureOnCommitCallbacks(execute=True):
            return do_file_request(user, kind, reason, objection_to=objection_to)

    def file_and_confirm(self, user, kind=RequestKind.RECTIFICATION, **kwargs):
        data_request, _key = self.file(user, kind, **kwargs)
        with self.captureOnCommitCallbacks(execute=True):
            return do_confirm_request(data_request)

    def mails_to(self, address):
        return [m for m in mail.outbox if address in m.to]

    def key_in(self, message) -> str:
        return CONFIRM_LINK.search(message.body).group(1)
