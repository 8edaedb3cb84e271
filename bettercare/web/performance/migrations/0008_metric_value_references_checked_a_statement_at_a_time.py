"""On PostgreSQL, a metric value's area and metric are checked once a statement, not a row.

A foreign key is a trigger PostgreSQL runs for each inserted row (at commit, as Django makes
them deferred): 100,000 values imported at once were 200,000 look-ups, 0.6-0.9 s of the
import. This migration replaces the two foreign keys of ``performance_metricvalue`` with
triggers that give the same guarantee a statement at a time (ADR 0141):

- after an ``INSERT`` or ``COPY``: each area and metric the new rows name is locked against
  deletion until the transaction ends (``FOR KEY SHARE``, the lock a foreign key takes for
  each row), then a row naming an area or metric that is not there is refused;
- after an ``UPDATE`` that changes a value's area or metric: the same, for that row (a row
  trigger with a condition, so the many updates that change neither cost nothing);
- before an area or metric is deleted (or its id changed): refused while a value names it.
  The lock above makes a deletion wait for an import in progress, and the check then sees
  the values that import committed (at READ COMMITTED, which bettercare runs at; a deletion
  at a stricter level is refused outright rather than trusted to its older snapshot).

Refusals are SQLSTATE 23503 (``foreign_key_violation``) with PostgreSQL's own wording, so
Django raises the same ``IntegrityError`` as before. SQLite keeps its foreign keys: it checks
them as it inserts, for a few hundredths of a second per 100,000 rows. Django's model state is
unchanged (the fields are foreign keys whose constraint the database enforces);
``tests/integration/performance/test_value_references.py`` holds PostgreSQL to every case.
"""

from django.db import migrations

VALUES = "performance_metricvalue"
#: (column, referenced table) of each reference checked.
REFERENCES = (("area_id", "programmes_area"), ("metric_id", "performance_metric"))


def _refused(column: str, table: str, missing: str) -> str:
    """The refusal of a value naming a row ``missing`` of ``table`` not there, in PostgreSQL's
    own words for a foreign key."""
    return f"""
        RAISE foreign_key_violation USING
            MESSAGE = 'insert or update on table "{VALUES}" violates foreign key constraint '
                || '"{VALUES}_{column}_exists"',
            DETAIL = format('Key ({column})=(%s) is not present in table "{table}".', {missing});"""


def _present(column: str, table: str) -> str:
    """What a foreign key on ``column`` checks for each inserted row, once for the statement's
    rows: the rows of ``table`` named are locked against deletion, and a name missing is
    refused."""
    return f"""
    PERFORM 1 FROM {table} WHERE id IN (SELECT {column} FROM new_rows) FOR KEY SHARE;
    SELECT n.{column} INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = n.{column}) LIMIT 1;
    IF FOUND THEN{_refused(column, table, "missing")}
    END IF;"""


def _present_after_move(column: str, table: str) -> str:
    """The same for one updated row, as a foreign key checks it: its row of ``table`` locked,
    or refused if not there."""
    return f"""
    PERFORM 1 FROM {table} WHERE id = NEW.{column} FOR KEY SHARE;
    IF NOT FOUND THEN{_refused(column, table, f"NEW.{column}")}
    END IF;"""


CHECK_NEW_ROWS = f"""
CREATE FUNCTION performance_metricvalue_references_exist() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN{"".join(_present(column, table) for column, table in REFERENCES)}
    RETURN NULL;
END
$$;
CREATE TRIGGER performance_metricvalue_inserted_references_exist
    AFTER INSERT ON performance_metricvalue REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION performance_metricvalue_references_exist();
CREATE FUNCTION performance_metricvalue_moved_references_exist() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN{"".join(_present_after_move(column, table) for column, table in REFERENCES)}
    RETURN NULL;
END
$$;
"""
#: An update is checked only where it changes a value's area or metric, as a foreign key is:
#: a row trigger whose condition PostgreSQL tests without calling a function, since the
#: bulk writer's optimistic updates are one statement a row (a statement trigger would cost
#: ~20 us each).
CHECK_MOVED_ROWS = f"""
CREATE TRIGGER performance_metricvalue_updated_references_exist
    AFTER UPDATE OF {", ".join(column for column, _ in REFERENCES)} ON {VALUES} FOR EACH ROW
    WHEN ({" OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column, _ in REFERENCES)})
    EXECUTE FUNCTION performance_metricvalue_moved_references_exist();
"""

#: Refuses deleting (or renumbering) a referenced row while a value names it; one function
#: for both tables, told the value column to look in.
CHECK_UNREFERENCED = """
CREATE FUNCTION performance_metricvalue_not_referenced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    referenced boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('%s rows are deleted only at READ COMMITTED isolation, '
                || 'where the check of their metric values sees every committed value',
                TG_TABLE_NAME);
    END IF;
    -- One query a column, each answered by an index that leads with it.
    IF TG_ARGV[0] = 'area_id' THEN
        referenced := EXISTS (SELECT 1 FROM performance_metricvalue WHERE area_id = OLD.id);
    ELSE
        referenced := EXISTS (SELECT 1 FROM performance_metricvalue WHERE metric_id = OLD.id);
    END IF;
    IF referenced THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('update or delete on table "%s" violates foreign key constraint '
                || '"performance_metricvalue_%s_exists" on table "performance_metricvalue"',
                TG_TABLE_NAME, TG_ARGV[0]),
            DETAIL = format('Key (id)=(%s) is still referenced from table '
                || '"performance_metricvalue".', OLD.id);
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
"""


def _referenced_trigger(column: str, table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_not_referenced_by_metric_values "
        f"BEFORE DELETE OR UPDATE OF id ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION performance_metricvalue_not_referenced('{column}');"
    )


def check_by_statement(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [VALUES],
        )
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'ALTER TABLE {VALUES} DROP CONSTRAINT "{name}"')
    schema_editor.execute(CHECK_NEW_ROWS, None)  # its % are format()'s
    schema_editor.execute(CHECK_MOVED_ROWS, None)
    schema_editor.execute(CHECK_UNREFERENCED, None)
    for column, table in REFERENCES:
        schema_editor.execute(_referenced_trigger(column, table))


def check_by_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _column, table in REFERENCES:
        schema_editor.execute(f"DROP TRIGGER {table}_not_referenced_by_metric_values ON {table}")
    schema_editor.execute(
        f"DROP TRIGGER performance_metricvalue_inserted_references_exist ON {VALUES};"
        f"DROP TRIGGER performance_metricvalue_updated_references_exist ON {VALUES};"
        "DROP FUNCTION performance_metricvalue_references_exist();"
        "DROP FUNCTION performance_metricvalue_moved_references_exist();"
        "DROP FUNCTION performance_metricvalue_not_referenced();"
    )
    for column, table in REFERENCES:
        schema_editor.execute(
            f'ALTER TABLE {VALUES} ADD CONSTRAINT "{VALUES}_{column}_fk" FOREIGN KEY ({column}) '
            f"REFERENCES {table} (id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0007_history_user_no_constraint"),
        ("programmes", "0012_planned_activity_month"),
    ]

    operations = [migrations.RunPython(check_by_statement, check_by_row)]
