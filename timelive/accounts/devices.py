from functools import lru_cache

from ua_parser import parse


@lru_cache(maxsize=512)
def describe_device(user_agent: str) -> str:
    """A short "Browser on System" label for the sessions page."""
    if not user_agent:
        return "Unknown device"
    result = parse(user_agent[:500])
    browser = result.user_agent.family if result.user_agent else "Unknown browser"
    system = result.os.family if result.os else ""
    if system and system != "Other":
        return f"{browser} on {system}"
    return browser
