package ai.reigh.common.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * docs/schema.md, written from a live database (the migrations applied to an empty one): a Mermaid ER
 * diagram of every table and foreign key, then each table's columns, keys, row-level security and the
 * service roles that may write it, then the migration history. Everything is read from the catalogues
 * and sorted, so the same schema always gives the same text.
 */
final class SchemaDocument {
    /** The service roles (docs/conventions.md, "Data ownership"). */
    static final List<String> SERVICE_ROLES = List.of("reigh_projects", "reigh_tasks", "reigh_credits", "reigh_storage");

    private static final String TABLES = """
            SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity, obj_description(c.oid, 'pg_class') AS comment
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'flyway_schema_history'
            ORDER BY c.relname""";
    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS full_type,
                   CASE WHEN t.typcategory = 'A' THEN et.typname || '[]' ELSE t.typname END AS short_type,
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid) AS default_value
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""";
    /** Primary keys, unique constraints and unique indexes: the column sets that identify a row. */
    private static final String UNIQUE_KEYS = """
            SELECT i.indisprimary, array_to_string(array_agg(a.attname ORDER BY k.ord), ',') AS columns
            FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = ? AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
            GROUP BY i.indexrelid, i.indisprimary
            ORDER BY i.indisprimary DESC, columns""";
    private static final String FOREIGN_KEYS = """
            SELECT con.conname, child.relname AS child, parent.relname AS parent, con.confdeltype,
                   (SELECT array_to_string(array_agg(a.attname ORDER BY k.ord), ',')
                      FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
                   (SELECT bool_and(a.attnotnull)
                      FROM unnest(con.conkey) AS k(attnum)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS required
            FROM pg_constraint con
            JOIN pg_class child ON child.oid = con.conrelid
            JOIN pg_class parent ON parent.oid = con.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            WHERE con.contype = 'f' AND n.nspname = 'public'
            ORDER BY child.relname, columns, con.conname""";
    private static final String WRITERS = """
            SELECT r.role FROM unnest(?::text[]) AS r(role)
            WHERE has_any_column_privilege(r.role, ?::oid, 'INSERT') OR has_any_column_privilege(r.role, ?::oid, 'UPDATE')
               OR has_table_privilege(r.role, ?::oid, 'DELETE')
            ORDER BY r.role""";
    private static final String HISTORY = """
            SELECT version, description FROM flyway_schema_history WHERE success AND version IS NOT NULL
            ORDER BY installed_rank""";

    private record Column(String name, String fullType, String shortType, boolean notNull, String defaultValue) {
    }

    private record Table(String name, boolean rls, boolean forced, String comment, List<Column> columns,
            String primaryKey, List<String> uniqueKeys, List<String> writers) {
    }

    private record ForeignKey(String name, String child, String parent, String columns, boolean required,
            boolean unique, String onDelete) {
    }

    private SchemaDocument() {
    }

    static String render(Connection connection) throws SQLException {
        List<Table> tables = tables(connection);
        Map<String, Table> byName = new LinkedHashMap<>();
        tables.forEach(table -> byName.put(table.name(), table));
        List<ForeignKey> foreignKeys = foreignKeys(connection, byName);

        StringBuilder out = new StringBuilder();
        out.append("""
                # The database schema

                Generated from a live database, by applying every migration of \
                `common/src/main/resources/db/migration` to an empty one: **do not edit**. \
                `./reigh db doc` regenerates it; `SchemaDocTest` (module common, part of `./reigh test`) fails \
                when it no longer matches the migrations. How the schema is owned and changed: \
                [conventions.md](conventions.md) ("Database") and the README ("Data ownership").

                ## Entities and relationships

                ```mermaid
                erDiagram
                """);
        for (Table table : tables) {
            out.append("    ").append(table.name()).append(" {\n");
            for (Column column : table.columns()) {
                out.append("        ").append(column.shortType()).append(' ').append(column.name());
                String keys = keys(table, column, foreignKeys);
                if (!keys.isEmpty()) {
                    out.append(' ').append(keys);
                }
                out.append('\n');
            }
            out.append("    }\n");
        }
        for (ForeignKey key : foreignKeys) {
            out.append("    ").append(key.parent()).append(' ').append(key.required() ? "||" : "|o").append("--")
                    .append(key.unique() ? "o|" : "o{").append(' ').append(key.child()).append(" : \"")
                    .append(key.columns()).append("\"\n");
        }
        out.append("```\n\n");
        out.append("Cardinality: `||` one, `|o` zero or one (a nullable foreign key), `o{` zero or more, "
                + "`o|` zero or one (a unique foreign key); each line is labelled with the referencing columns.\n\n");

        out.append("## Tables\n\n| Table | Written by | Row-level security |\n|---|---|---|\n");
        for (Table table : tables) {
            out.append("| [").append(table.name()).append("](#").append(table.name()).append(") | ")
                    .append(table.writers().isEmpty() ? "—" : "`" + String.join("`, `", table.writers()) + "`")
                    .append(" | ").append(table.rls() ? (table.forced() ? "enabled, forced" : "enabled") : "off")
                    .append(" |\n");
        }
        for (Table table : tables) {
            out.append("\n### ").append(table.name()).append("\n\n");
            if (table.comment() != null && !table.comment().isBlank()) {
                out.append(table.comment().strip()).append("\n\n");
            }
            out.append("| Column | Type | Null | Default | Key |\n|---|---|---|---|---|\n");
            for (Column column : table.columns()) {
                out.append("| `").append(column.name()).append("` | ").append(column.fullType()).append(" | ")
                        .append(column.notNull() ? "not null" : "null").append(" | ")
                        .append(column.defaultValue() == null ? "" : "`" + cell(column.defaultValue()) + "`").append(" | ")
                        .append(keys(table, column, foreignKeys).replace(",", ", ")).append(" |\n");
            }
            if (!table.uniqueKeys().isEmpty()) {
                out.append("\nUnique: ");
                List<String> keys = new ArrayList<>();
                table.uniqueKeys().forEach(key -> keys.add("(" + key.replace(",", ", ") + ")"));
                out.append(String.join(", ", keys)).append('\n');
            }
            List<String> references = new ArrayList<>();
            for (ForeignKey key : foreignKeys) {
                if (key.child().equals(table.name())) {
                    references.add("(" + key.columns().replace(",", ", ") + ") → " + key.parent() + ", on delete "
                            + key.onDelete());
                }
            }
            if (!references.isEmpty()) {
                out.append("\nReferences: ").append(String.join("; ", references)).append('\n');
            }
        }

        out.append("\n## Migration history\n\n| Version | Description |\n|---|---|\n");
        try (PreparedStatement sql = connection.prepareStatement(HISTORY); ResultSet rows = sql.executeQuery()) {
            while (rows.next()) {
                out.append("| ").append(rows.getString("version")).append(" | ").append(rows.getString("description"))
                        .append(" |\n");
            }
        }
        return out.toString();
    }

    private static List<Table> tables(Connection connection) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (PreparedStatement sql = connection.prepareStatement(TABLES); ResultSet rows = sql.executeQuery()) {
            while (rows.next()) {
                long oid = rows.getLong("oid");
                List<String> unique = new ArrayList<>();
                String primaryKey = "";
                try (PreparedStatement keys = connection.prepareStatement(UNIQUE_KEYS)) {
                    keys.setLong(1, oid);
                    try (ResultSet keyRows = keys.executeQuery()) {
                        while (keyRows.next()) {
                            if (keyRows.getBoolean("indisprimary")) {
                                primaryKey = keyRows.getString("columns");
                            } else {
                                unique.add(keyRows.getString("columns"));
                            }
                        }
                    }
                }
                tables.add(new Table(rows.getString("relname"), rows.getBoolean("relrowsecurity"),
                        rows.getBoolean("relforcerowsecurity"), rows.getString("comment"), columns(connection, oid),
                        primaryKey, unique, writers(connection, oid)));
            }
        }
        return tables;
    }

    private static List<Column> columns(Connection connection, long oid) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement sql = connection.prepareStatement(COLUMNS)) {
            sql.setLong(1, oid);
            try (ResultSet rows = sql.executeQuery()) {
                while (rows.next()) {
                    columns.add(new Column(rows.getString("attname"), rows.getString("full_type"),
                            rows.getString("short_type"), rows.getBoolean("attnotnull"), rows.getString("default_value")));
                }
            }
        }
        return columns;
    }

    private static List<String> writers(Connection connection, long oid) throws SQLException {
        List<String> writers = new ArrayList<>();
        try (PreparedStatement sql = connection.prepareStatement(WRITERS)) {
            sql.setArray(1, connection.createArrayOf("text", SERVICE_ROLES.toArray()));
            sql.setLong(2, oid);
            sql.setLong(3, oid);
            sql.setLong(4, oid);
            try (ResultSet rows = sql.executeQuery()) {
                while (rows.next()) {
                    writers.add(rows.getString(1));
                }
            }
        }
        return writers;
    }

    private static List<ForeignKey> foreignKeys(Connection connection, Map<String, Table> tables) throws SQLException {
        List<ForeignKey> keys = new ArrayList<>();
        try (PreparedStatement sql = connection.prepareStatement(FOREIGN_KEYS); ResultSet rows = sql.executeQuery()) {
            while (rows.next()) {
                String child = rows.getString("child");
                String columns = rows.getString("columns");
                Table table = tables.get(child);
                boolean unique = table != null && (columns.equals(table.primaryKey()) || table.uniqueKeys().contains(columns));
                keys.add(new ForeignKey(rows.getString("conname"), child, rows.getString("parent"), columns,
                        rows.getBoolean("required"), unique, onDelete(rows.getString("confdeltype"))));
            }
        }
        return keys;
    }

    private static String onDelete(String code) {
        return switch (code) {
            case "c" -> "cascade";
            case "n" -> "set null";
            case "d" -> "set default";
            case "r" -> "restrict";
            default -> "no action";
        };
    }

    /** PK, FK, UK marks of a column (Mermaid's attribute keys). */
    private static String keys(Table table, Column column, List<ForeignKey> foreignKeys) {
        List<String> marks = new ArrayList<>();
        if (List.of(table.primaryKey().split(",")).contains(column.name())) {
            marks.add("PK");
        }
        for (ForeignKey key : foreignKeys) {
            if (key.child().equals(table.name()) && List.of(key.columns().split(",")).contains(column.name())) {
                marks.add("FK");
                break;
            }
        }
        for (String unique : table.uniqueKeys()) {
            if (unique.equals(column.name())) {
                marks.add("UK");
                break;
            }
        }
        return String.join(",", marks);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
