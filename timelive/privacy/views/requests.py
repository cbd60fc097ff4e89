def center_context(request) -> dict:
    """What the privacy page shows of this feature."""
    return {}
