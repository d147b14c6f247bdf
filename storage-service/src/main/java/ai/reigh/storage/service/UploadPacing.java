package ai.reigh.storage.service;

import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.storage.client.PacedInputStream;
import ai.reigh.storage.config.StorageConfig;

/**
 * The watchdog of direct-upload bodies (sized and unsized): every body being read is looked at a few
 * times per idle timeout and cut when it stalls for {@code direct-upload-idle-timeout} or arrives below
 * {@code direct-upload-min-bytes-per-second} after {@code direct-upload-rate-grace} of waiting (see
 * {@link PacedInputStream}). A cut body fails its upload with 408 {@code upload_too_slow}; what it stored
 * is discarded and its slot freed like after any failed upload. One daemon thread for all bodies.
 */
@ApplicationScoped
public class UploadPacing {
    private static final Logger LOG = Logger.getLogger(UploadPacing.class);
    private final PacedInputStream.Pace pace;
    private final Set<PacedInputStream> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final StorageMetrics metrics;

    public UploadPacing(StorageConfig config, StorageMetrics metrics) {
        this.pace = new PacedInputStream.Pace(config.directUploadIdleTimeout(), config.directUploadMinBytesPerSecond(),
                config.directUploadRateGrace());
        this.metrics = metrics;
        Duration shortest = min(pace.idleTimeout(), pace.rateGrace());
        long tickMillis = Math.max(25, Math.min(1000, shortest.toMillis() / 8));
        this.ticker = Executors.newSingleThreadScheduledExecutor(work -> {
            Thread thread = new Thread(work, "upload-pacing");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(this::checkAll, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void close() {
        ticker.shutdownNow();
    }

    /** The body, watched until {@link #release}. */
    public PacedInputStream watch(InputStream body) {
        PacedInputStream paced = new PacedInputStream(body, pace);
        watched.add(paced);
        return paced;
    }

    public void release(PacedInputStream body) {
        watched.remove(body);
    }

    private void checkAll() {
        long now = System.nanoTime();
        try {
            watched.removeIf(body -> {
                boolean cut = body.check(now);
                if (cut) {
                    metrics.uploadCut();
                }
                return cut;
            });
        } catch (RuntimeException unexpected) {
            // A failing tick must not end the schedule (the executor would silently stop running it).
            LOG.errorf(unexpected, "upload pacing check failed");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
