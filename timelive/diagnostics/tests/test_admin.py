from django.utils import timezone

from timelive.diagnostics.models import RequestRecord
from timelive.test import BaseTestCase, make_user

URL = "/operator/diagnostics/requestrecord/"


class RequestLogAdminTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.operator = make_user("olga@example.com", "Olga Operator", is_staff=True, is_superuser=True)
        now = timezone.now()
        self.ok = RequestRecord.objects.create(at=now, method="GET", path="/o/alpha/timesheet/", status=200,
                                               duration_ms=12.5, ip="192.0.2.1")
        self.failed = RequestRecord.objects.create(at=now, method="POST", path="/api/v1/orgs/<org>/timer", status=502,
                                                   duration_ms=30000.0, ip="2001:db8::1")

    def test_it_lists_requests_for_operators(self):
        self.login(self.operator)
        r = self.client.get(URL)
        self.assertContains(r, "/o/alpha/timesheet/")
        self.assertContains(r, "2001:db8::1")
        self.assertContains(r, "5xx server error")

    def test_it_filters_by_status_class_and_method(self):
        self.login(self.operator)
        r = self.client.get(URL, {"status_class": "5"})
        self.assertEqual(list(r.context["cl"].result_list), [self.failed])
        r = self.client.get(URL, {"method": "GET"})
        self.assertEqual(list(r.context["cl"].result_list), [self.ok])
        r = self.client.get(URL, {"q": "192.0.2.1"})
        self.assertEqual(list(r.context["cl"].result_list), [self.ok])

    def test_it_is_read_only(self):
        self.login(self.operator)
        self.assertEqual(self.client.get(f"{URL}add/").status_code, 403)
        r = self.client.get(f"{URL}{self.ok.pk}/change/")
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, 'name="_save"')
        self.assertEqual(self.client.post(f"{URL}{self.ok.pk}/change/", {"path": "/x"}).status_code, 403)
        self.assertEqual(self.client.post(f"{URL}{self.ok.pk}/delete/", {"post": "yes"}).status_code, 403)
        self.assertEqual(RequestRecord.objects.count(), 2)

    def test_it_is_for_operators_only(self):
        for user in (self.alice, self.bob):
            self.login(user)
            r = self.client.get(URL)
            self.assertEqual(r.status_code, 302)
            self.assertTrue(r.url.startswith("/operator/login/"))
