package ai.reigh.common.error;

import java.util.Set;

import io.vertx.pgclient.PgException;

/** What a PostgreSQL failure means, by SQLSTATE and constraint name, without parsing messages. */
public final class PgErrors {
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String FOREIGN_KEY_VIOLATION = "23503";
    public static final String CHECK_VIOLATION = "23514";
    public static final String NOT_NULL_VIOLATION = "23502";
    public static final String INVALID_TEXT_REPRESENTATION = "22P02";
    public static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
    public static final String STRING_DATA_RIGHT_TRUNCATION = "22001";
    /** A NUL character (U+0000) in text or jsonb: PostgreSQL cannot store it. */
    public static final String UNTRANSLATABLE_CHARACTER = "22P05";
    public static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";
    public static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** A statement cancelled: it ran past {@code statement_timeout}, or an operator cancelled it. */
    public static final String QUERY_CANCELED = "57014";
    /** A lock not granted within {@code lock_timeout}. */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    /**
     * Serialization failures, deadlocks, shutdowns, too many connections, and the pool's backstops (a
     * statement or a lock wait cut short): retrying may succeed.
     */
    private static final Set<String> TRANSIENT = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "53300",
            "08000", "08003", "08006", "08001", "08004", QUERY_CANCELED, LOCK_NOT_AVAILABLE);

    private PgErrors() {
    }

    public static boolean isUniqueViolation(Throwable failure, String constraint) {
        return hasState(failure, UNIQUE_VIOLATION, constraint);
    }

    public static boolean isForeignKeyViolation(Throwable failure, String constraint) {
        return hasState(failure, FOREIGN_KEY_VIOLATION, constraint);
    }

    public static boolean isCheckViolation(Throwable failure, String constraint) {
        return hasState(failure, CHECK_VIOLATION, constraint);
    }

    /** {@code constraint} null matches any constraint. */
    public static boolean hasState(Throwable failure, String sqlState, String constraint) {
        PgException pg = find(failure);
        return pg != null && sqlState.equals(pg.getSqlState())
                && (constraint == null || constraint.equals(pg.getConstraint()));
    }

    public static boolean isTransient(String sqlState) {
        return sqlState != null && TRANSIENT.contains(sqlState);
    }

    /** The database could not be reached or dropped the connection (not a SQL error). */
    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof java.net.SocketException) {
                return true;
            }
            String name = t.getClass().getName();
            String message = String.valueOf(t.getMessage());
            if (name.endsWith("ClosedConnectionException") || name.endsWith("PoolClosedException")
                    || message.contains("Connection refused") || message.contains("Timeout while waiting for a connection")
                    || message.contains("Pool closed") || message.contains("connection is closed")
                    // A server that went away mid-request (crash, immediate shutdown): the pooled socket's
                    // write or read fails. Retryable like a refused connection (the fault tests found 500s).
                    || message.contains("Broken pipe") || message.contains("Connection reset")) {
                return true;
            }
            if (t instanceof PgException pg && isTransient(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    private static PgException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                return pg;
            }
        }
        return null;
    }
}
