import datetime as dt
from typing import Annotated

from ninja import Field, Path, Schema
from pydantic import AfterValidator, ConfigDict

from timelive.lib.dates import RANGE_MESSAGE, day_problem, moment_problem
from timelive.orgs.models import Plan, Role

# An organisation's slug as it appears in its web address. Declaring the shape
# keeps junk (slashes, NUL bytes, 10 kB strings) away from the database.
OrgSlug = Annotated[str, Path(
    description="The organisation's slug, as in its web address (`/o/<slug>/`).",
    pattern=r"^[-a-zA-Z0-9_]+$", min_length=1, max_length=50, examples=["acme"],
)]



def _day_in_range(value: dt.date) -> dt.date:
    if day_problem(value):
        raise ValueError(RANGE_MESSAGE)
    return value


def _moment_in_range(value: dt.datetime) -> dt.datetime:
    problem = moment_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# Every date and time the API reads keeps to one range (timelive.lib.dates), so no filter or entry
# can reach a calendar's end (and overflow) after an offset or a day is added.
Day = Annotated[dt.date, AfterValidator(_day_in_range)]
Moment = Annotated[dt.datetime, AfterValidator(_moment_in_range)]


def examples(*items: dict) -> ConfigDict:
    """Schema-level examples, shown in the docs and used by API fuzzing."""
    return ConfigDict(json_schema_extra={"examples": list(items)})


class Page(Schema):
    count: int = Field(ge=0, description="Total number of items matching the query, on all pages.", examples=[42])


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=500, description="Items per page (1–500).", examples=[50])
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip.", examples=[0])


class MeOut(Schema):
    id: str = Field(description="Your person id.", examples=["k3v9q2m8x1ab"])
    email: str = Field(examples=["ada@example.com"])
    full_name: str = Field(examples=["Ada Lovelace"])
    time_zone: str = Field(description="IANA time zone that decides your local day.", examples=["Europe/London"])
    email_verified: bool = Field(examples=[True])
    job_title: str = Field(examples=["Analyst"])
    department: str = Field(examples=["Engineering"])
    phone: str = Field(examples=["+44 20 7946 0000"])
    mobile: str = Field(examples=[""])

    model_config = examples({
        "id": "k3v9q2m8x1ab", "email": "ada@example.com", "full_name": "Ada Lovelace", "time_zone": "Europe/London",
        "email_verified": True, "job_title": "Analyst", "department": "Engineering", "phone": "+44 20 7946 0000",
        "mobile": "",
    })


ORG_EXAMPLE = {
    "slug": "acme", "name": "Acme Consulting", "time_zone": "Europe/London", "currency": "GBP", "week_start": 0,
    "plan": "subscribed", "trial_ends_at": None, "read_only": False, "role": "member",
}


class OrgOut(Schema):
    slug: str = Field(description="Used in URLs: `/api/v1/orgs/{slug}/…`.", examples=["acme"])
    name: str = Field(examples=["Acme Consulting"])
    time_zone: str = Field(description="IANA time zone of the organisation.", examples=["Europe/London"])
    currency: str = Field(description="ISO 4217 code used for rates and invoices.", examples=["GBP"])
    week_start: int = Field(ge=0, le=6, description="First day of the week: 0 = Monday … 6 = Sunday.", examples=[0])
    plan: Plan = Field(description="trial, subscribed or onprem.", examples=["subscribed"])
    trial_ends_at: dt.datetime | None = Field(description="When a trial ends (UTC); null when not on trial.",
                                              examples=[None, "2030-01-31T00:00:00Z"])
    read_only: bool = Field(description="True when the trial has ended: data can be read, not changed.",
                            examples=[False])
    role: Role = Field(description="Your role: owner, admin, manager, member or external.", examples=["member"])

    model_config = examples(ORG_EXAMPLE)


class OrgList(Page):
    items: list[OrgOut]

    model_config = examples({"items": [ORG_EXAMPLE], "count": 1})


MEMBER_EXAMPLE = {
    "id": "7hq2d9x0mz4c", "user": "k3v9q2m8x1ab", "full_name": "Ada Lovelace", "email": "ada@example.com",
    "role": "member", "is_active": True, "job_title": "Analyst", "department": "Engineering",
}


class MemberOut(Schema):
    id: str = Field(description="The membership's id.", examples=["7hq2d9x0mz4c"])
    user: str = Field(description="The person's id.", examples=["k3v9q2m8x1ab"])
    full_name: str = Field(examples=["Ada Lovelace"])
    email: str = Field(examples=["ada@example.com"])
    role: Role = Field(examples=["member"])
    is_active: bool = Field(examples=[True])
    job_title: str = Field(examples=["Analyst"])
    department: str = Field(examples=["Engineering"])

    model_config = examples(MEMBER_EXAMPLE)


class MemberList(Page):
    items: list[MemberOut]

    model_config = examples({"items": [MEMBER_EXAMPLE], "count": 1})
