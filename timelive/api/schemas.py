import datetime as dt

from ninja import Field, Schema


class Page(Schema):
    count: int = Field(description="Total number of items matching the query.")


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=500, description="Items per page (1–500).")
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip.")


class MeOut(Schema):
    id: str = Field(examples=["k3v9q2m8x1ab"])
    email: str = Field(examples=["ada@example.com"])
    full_name: str = Field(examples=["Ada Lovelace"])
    time_zone: str = Field(examples=["Europe/London"])
    email_verified: bool
    job_title: str
    department: str
    phone: str
    mobile: str


class OrgOut(Schema):
    slug: str = Field(examples=["acme"])
    name: str = Field(examples=["Acme Ltd"])
    time_zone: str
    currency: str = Field(examples=["USD"])
    week_start: int = Field(description="0 = Monday … 6 = Sunday.")
    plan: str = Field(description="trial, subscribed or onprem.")
    trial_ends_at: dt.datetime | None
    read_only: bool = Field(description="True when the trial has ended: data can be read, not changed.")
    role: str = Field(description="Your role: owner, admin, manager, member or external.")


class OrgList(Page):
    items: list[OrgOut]


class MemberOut(Schema):
    id: str = Field(description="The membership's id.")
    user: str = Field(description="The person's id.")
    full_name: str
    email: str
    role: str
    is_active: bool
    job_title: str
    department: str


class MemberList(Page):
    items: list[MemberOut]
