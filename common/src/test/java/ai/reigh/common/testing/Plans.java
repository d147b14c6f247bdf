package ai.reigh.common.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.reigh.common.db.Db.PageRead;

/**
 * The plan tests' view of a statement as a service runs it: the acting user of the transaction, and the
 * executed plan of a prepared statement, one stripped line per plan node (so a test can ask what the
 * plan starts with or contains).
 */
public final class Plans {
    private static final Pattern ROOT_BUFFERS = Pattern.compile("^Buffers: shared(?: hit=(\\d+))?(?: read=(\\d+))?",
            Pattern.MULTILINE);
    private static final Pattern LOOPS = Pattern.compile("loops=(\\d+)");

    private Plans() {
    }

    /** A plan test's work in its transaction. */
    @FunctionalInterface
    public interface Work {
        void run(Statement sql) throws Exception;
    }

    /**
     * Runs {@code work} as the superuser in one transaction that is rolled back, triggers off to start with
     * (fixtures without their side effects: {@link #asService} turns them back on).
     */
    public static void inRolledBackTransaction(Work work) throws Exception {
        try (SqlSession admin = SqlSession.as("postgres")) {
            Connection connection = admin.connection();
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute("SET LOCAL session_replication_role = replica");
                work.run(sql);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * The rest of the transaction runs as a service does its planned-once statements: triggers back on,
     * the service's database role, generic plans.
     */
    public static void asService(Statement sql, String role) throws SQLException {
        sql.execute("SET LOCAL session_replication_role = DEFAULT");
        sql.execute("SET LOCAL ROLE " + role);
        sql.execute("SET LOCAL plan_cache_mode = force_generic_plan");
    }

    /** {@link #asService}, as a service reads a list's page ({@link ai.reigh.common.db.Db#inPageTransaction}). */
    public static void asServiceReadingAPage(Statement sql, String role, PageRead read) throws SQLException {
        asService(sql, role);
        if (read == PageRead.IN_ORDER) {
            sql.execute("SET LOCAL enable_sort = off");
        }
    }

    /** The rest of the transaction acts as {@code user}, a plain user (row-level security applies). */
    public static void actAs(Statement sql, UUID user) throws SQLException {
        sql.execute("SELECT set_config('reigh.user_id', '" + user + "', true), set_config('reigh.role', 'user', true)");
    }

    /** The rest of the transaction acts as a service for all users (row-level security lets every row through). */
    public static void actAsService(Statement sql) throws SQLException {
        sql.execute("SELECT set_config('reigh.user_id', '', true), set_config('reigh.role', 'service', true)");
    }

    /**
     * Prepares {@code statement} as {@code name} for the rest of the transaction, run as the service {@code role}
     * runs it ({@link #asService}), acting for all users ({@link #actAsService}).
     */
    public static void prepareAsService(Statement sql, String role, String name, String statement) throws SQLException {
        asService(sql, role);
        actAsService(sql);
        sql.execute("PREPARE " + name + " AS " + statement);
    }

    /**
     * Fills {@code table} (its {@code inserts}, run as the superuser), analyzes it, then runs {@code statement}
     * once with {@code arguments} (an EXECUTE's list: "(3600, 5000)") as {@link #prepareAsService} prepares it:
     * the executed plan with the pages of each node ({@link #executedWithBuffers}).
     */
    public static String executedAsServiceOver(Statement sql, String table, List<String> inserts, String role,
            String statement, String arguments) throws SQLException {
        for (String insert : inserts) {
            sql.execute(insert);
        }
        sql.execute("ANALYZE " + table);
        prepareAsService(sql, role, "statement", statement);
        return executedWithBuffers(sql, "EXECUTE statement" + arguments);
    }

    /** {@code EXPLAIN (ANALYZE)} of {@code execute} (an {@code EXECUTE name(…)}), without costs or timings. */
    public static String executed(Statement sql, String execute) throws SQLException {
        return explained(sql, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + execute);
    }

    /** {@link #executed}, each node followed by its {@code Buffers:} line (the pages it read). */
    public static String executedWithBuffers(Statement sql, String execute) throws SQLException {
        return explained(sql, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) " + execute);
    }

    /**
     * The pages the whole statement read, found in memory or read in: the root node's {@code Buffers:} line
     * of {@link #executedWithBuffers}.
     */
    public static int pagesRead(String plan) {
        Matcher root = ROOT_BUFFERS.matcher(plan);
        if (!root.find()) {
            throw new AssertionError("no Buffers line in the plan: " + plan);
        }
        return count(root.group(1)) + count(root.group(2));
    }

    /** The most times any node of the plan ran: 1 when nothing runs once per row of another node. */
    public static int mostLoops(String plan) {
        Matcher loops = LOOPS.matcher(plan);
        int most = 0;
        while (loops.find()) {
            most = Math.max(most, Integer.parseInt(loops.group(1)));
        }
        return most;
    }

    private static int count(String pages) {
        return pages == null ? 0 : Integer.parseInt(pages);
    }

    private static String explained(Statement sql, String explain) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = sql.executeQuery(explain)) {
            while (rows.next()) {
                plan.append(rows.getString(1).strip()).append('\n');
            }
        }
        return plan.toString();
    }
}
