"""Inserting many rows of one model fast: what Model.objects.bulk_create() does
(no signals, no save()), without its per-value overhead, which is most of a
1,000-row batch's time. Used for time entries and their audit rows."""

from django.db import connection

# Values passed to the driver as they are: no field conversion needed.
_PLAIN_TYPES = (str, int, bool)


def bulk_insert(objs: list, model=None, *, returning: bool = True) -> list:
    """INSERT new `objs` of `model`, setting their pks when `returning`.

    Each value still goes through its field's get_db_prep_save(), except strings,
    integers, booleans and None, and equal values (a batch's day, rate or
    timestamp) are prepared once. PostgreSQL gets one array per column through
    UNNEST (what Django's bulk_create sends it too: cheap to plan), other databases
    multi-row VALUES; with RETURNING, in the order sent.
    """
    if not objs:
        return objs
    model = model or type(objs[0])
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        return model.objects.bulk_create(objs)
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key and not f.generated]
    attnames = [f.attname for f in fields]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    tail = f" RETURNING {quote(opts.pk.column)}" if returning else ""
    prepared: dict = {}

    def row(obj):
        values = []
        for field, attname in zip(fields, attnames, strict=True):
            value = getattr(obj, attname)
            if value is not None and type(value) not in _PLAIN_TYPES:
                try:
                    key = (attname, value)
                    value = prepared[key] if key in prepared else prepared.setdefault(
                        key, field.get_db_prep_save(value, connection))
                except TypeError:  # unhashable (a JSON object)
                    value = field.get_db_prep_save(value, connection)
            values.append(value)
        return values

    if connection.vendor == "postgresql":
        casts = ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)
        statements = [(f"{head} SELECT * FROM UNNEST({casts}){tail}", objs,
                       [list(column) for column in zip(*map(row, objs), strict=True)])]
    else:
        marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per_statement = max(1, min(connection.ops.bulk_batch_size(fields, objs), 60_000 // len(fields)))
        statements = []
        for start in range(0, len(objs), per_statement):
            chunk = objs[start:start + per_statement]
            statements.append((f"{head} VALUES {', '.join([marks] * len(chunk))}{tail}", chunk,
                               [value for obj in chunk for value in row(obj)]))
    with connection.cursor() as cursor:
        for sql, chunk, params in statements:
            cursor.execute(sql, params)
            if returning:
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = pk
                    obj._state.adding = False
                    obj._state.db = connection.alias
    return objs
