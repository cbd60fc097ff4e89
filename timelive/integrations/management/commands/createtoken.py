"""Create a personal API token from the command line.

Only the secret goes to stdout, so a script can capture it:
    TOKEN=$(python manage.py createtoken ada@example.com --org acme)
"""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from timelive.accounts.models import User, normalize_email
from timelive.integrations.actions import do_create_token
from timelive.orgs.models import Membership, Organization

DEFAULT_NAME = "Command-line token"


def days(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, 1 or more, not “{value}”")
    return int(value)


class Command(BaseCommand):
    help = "Create an API token for a member of an organisation, limited to that organisation, and print it."

    def add_arguments(self, parser):
        parser.add_argument("email", metavar="EMAIL", help="The person's email address (their login).")
        parser.add_argument("--org", required=True, metavar="SLUG", help="The organisation the token is limited to.")
        parser.add_argument("--name", default=DEFAULT_NAME, help=f"What the token is for (default: “{DEFAULT_NAME}”).")
        parser.add_argument("--expires-days", type=days, default=None, metavar="N",
                            help="Let the token expire after N days (default: never).")

    def handle(self, *args, email, org, name, expires_days=None, **options):
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("The token name must have 1 to 100 characters.")
        user = User.objects.filter(email=normalize_email(email)).first()
        if user is None:
            raise CommandError(f"There is no person with the email address {email}.")
        if not user.is_active:
            raise CommandError(f"{user.email} is deactivated, so a token for them would not work.")
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"There is no organisation with the slug “{org}”.")
        if not Membership.objects.filter(org=organization, user=user, is_active=True).exists():
            raise CommandError(f"{user.email} is not an active member of {organization.slug}.")

        expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
        token, secret = do_create_token(user, name, org=organization, expires_at=expires_at)
        # Only the secret goes to stdout; the human-readable note goes to stderr.
        self.stdout.write(secret)
        if options["verbosity"] >= 1:
            until = f", expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
            self.stderr.write(f"Created token “{token.name}” ({token.hint}…) for {user.email} in {organization.slug}{until}.",
                              style_func=str)
