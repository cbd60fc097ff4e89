from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command

from timelive.test import BaseTestCase

from .helpers import DAY, NOW, make_version


class SendPolicyMailsCommandTestCase(BaseTestCase):
    def run_command(self, *args):
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_policy_mails", *args, stdout=out)
        return out.getvalue()

    def test_it_mails_open_significant_versions_once(self):
        import time_machine

        v2 = make_version(label="2.0", effective_at=NOW + DAY, significant=True, notice_days=30)
        make_version("terms", "1.0", effective_at=NOW - 60 * DAY, significant=True, notice_days=30)  # notice over
        make_version("security", "1.0", effective_at=NOW, significant=False)
        with time_machine.travel(NOW.timestamp(), tick=False):
            out = self.run_command()
            self.assertEqual(out, f"{v2}: queued 3 mail(s).\n")
            self.assertEqual(len(mail.outbox), 3)
            self.assertEqual(self.run_command(), f"{v2}: queued 0 mail(s).\n")
        self.assertEqual(len(mail.outbox), 3)

    def test_it_mails_one_version_by_code(self):
        old = make_version("terms", "1.0", effective_at=NOW - 60 * DAY, significant=True, notice_days=30)
        self.assertEqual(self.run_command("--code", old.code), f"{old}: queued 3 mail(s).\n")

    def test_it_refuses_an_unknown_code(self):
        minor = make_version(label="2.0", significant=False)
        for code in ["nosuchcode", minor.code]:
            with self.assertRaises(CommandError):
                self.run_command("--code", code)
