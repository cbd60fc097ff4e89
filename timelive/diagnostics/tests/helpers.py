from django.test import override_settings

from timelive.diagnostics.log import request_log
from timelive.diagnostics.models import RequestRecord

# The test settings turn the log off (it would add queries to pinned query counts).
diagnostics_on = override_settings(TIMELIVE_DIAGNOSTICS=True)


class LogMixin:
    def setUp(self):
        super().setUp()
        request_log.discard()
        self.addCleanup(request_log.discard)

    def records(self):
        """Write what the middleware buffered and return every row, oldest first."""
        request_log.flush()
        return list(RequestRecord.objects.order_by("at", "pk"))
