package ai.reigh.common.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A JDBC session as one database role, with an acting context, for SQL-level assertions (grants,
 * row-level security, invariants). Tests close it (try-with-resources).
 */
public final class SqlSession implements AutoCloseable {
    private final Connection connection;

    private SqlSession(Connection connection) {
        this.connection = connection;
    }

    /** Connects as {@code role} (reigh_owner, reigh_projects, reigh_tasks, reigh_credits, reigh_storage). */
    public static SqlSession as(String role) {
        try {
            Connection connection = EmbeddedPostgres.shared().connectAs(role);
            connection.setAutoCommit(true);
            return new SqlSession(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect as " + role, e);
        }
    }

    /** States who acts for the rest of the session (role: user, worker, admin, service; user may be null). */
    public SqlSession acting(String actorRole, UUID userId) {
        update("SELECT set_config('reigh.user_id', ?, false), set_config('reigh.role', ?, false)",
                userId == null ? "" : userId.toString(), actorRole == null ? "" : actorRole);
        return this;
    }

    public SqlSession actingAsService() {
        return acting("service", null);
    }

    public SqlSession actingAsUser(UUID userId) {
        return acting("user", userId);
    }

    /** Clears the acting context: the session acts for nobody. */
    public SqlSession actingAsNobody() {
        return acting(null, null);
    }

    public int update(String sql, Object... params) {
        try (PreparedStatement statement = prepare(sql, params)) {
            if (statement.execute()) {
                return -1;
            }
            return statement.getUpdateCount();
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    public List<List<Object>> query(String sql, Object... params) {
        try (PreparedStatement statement = prepare(sql, params); ResultSet rows = statement.executeQuery()) {
            List<List<Object>> out = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rows.getObject(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    /** The first column of the first row (null when there is no row). */
    public Object value(String sql, Object... params) {
        List<List<Object>> rows = query(sql, params);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    public long count(String sql, Object... params) {
        Object value = value(sql, params);
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** The SQLSTATE the statement fails with, or null if it succeeds. */
    public String failureOf(String sql, Object... params) {
        try {
            update(sql, params);
            return null;
        } catch (SqlFailure failure) {
            return failure.sqlState();
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing a test connection cannot fail a test.
        }
    }

    /** An SQL failure with its SQLSTATE, unchecked so that tests read plainly. */
    public static final class SqlFailure extends RuntimeException {
        private final String sqlState;

        SqlFailure(SQLException cause) {
            super(cause.getMessage(), cause);
            this.sqlState = cause.getSQLState();
        }

        public String sqlState() {
            return sqlState;
        }
    }
}
