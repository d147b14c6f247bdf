package ai.reigh.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.vertx.pgclient.PgException;

/**
 * Which failures mean "the database (or a dependency) is gone, retry" (503) rather than a bug (500):
 * the shapes a crashed PostgreSQL produces on a pooled connection, as the fault tests met them.
 */
class PgErrorsTest {

    @Test
    void aConnectionDroppedMidRequestIsAConnectionFailure() {
        assertThat(PgErrors.isConnectionFailure(new IOException("Broken pipe"))).isTrue();
        assertThat(PgErrors.isConnectionFailure(new SocketException("Connection reset"))).isTrue();
        assertThat(PgErrors.isConnectionFailure(new IOException("Connection reset by peer"))).isTrue();
        assertThat(PgErrors.isConnectionFailure(new CompletionException(new IOException("Broken pipe")))).isTrue();
        assertThat(PgErrors.isConnectionFailure(new java.net.ConnectException("Connection refused"))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(PgErrors.isConnectionFailure(new IllegalStateException("boom"))).isFalse();
        assertThat(PgErrors.isConnectionFailure(new IOException("No space left on device"))).isFalse();
        assertThat(PgErrors.isConnectionFailure(new NullPointerException())).isFalse();
    }

    @Test
    void aStatementOrLockWaitCutShortByItsBackstopIsRetryable() {
        assertThat(PgErrors.isTransient(PgErrors.QUERY_CANCELED)).isTrue();
        assertThat(PgErrors.isTransient(PgErrors.LOCK_NOT_AVAILABLE)).isTrue();
        assertThat(PgErrors.isConnectionFailure(new PgException("canceling statement due to statement timeout", "ERROR",
                PgErrors.QUERY_CANCELED, null))).isTrue();
        assertThat(PgErrors.isTransient(PgErrors.UNIQUE_VIOLATION)).isFalse();
    }
}
