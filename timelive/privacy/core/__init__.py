"""The privacy core that every app builds on: the personal-data registry each app fills from its
own personal_data.py, the values exports are written in, and the processing rules (restriction,
objection). It imports no other TimeLive app; the privacy center (the rest of this app) sits above
them all and reads what they registered."""
