"""Database sessions that remember whose they are, so people can end them."""

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore as DBStore

from timelive.lib.codes import hash_secret


def _from_timestamp(value):
    if value is None:
        return None
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get("_auth_user_id"))
        except (TypeError, ValueError):
            obj.user_id = None
        obj.code = hash_secret(obj.session_key)[:16]
        obj.device = str(data.get("device", ""))[:200]
        obj.created_at = _from_timestamp(data.get("login_at")) or obj.created_at
        obj.last_active = _from_timestamp(data.get("last_seen")) or obj.last_active
        return obj
