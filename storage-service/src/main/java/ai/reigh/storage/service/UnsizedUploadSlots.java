package ai.reigh.storage.service;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.error.ProblemException;
import ai.reigh.storage.config.StorageConfig;

/**
 * Who may run a direct upload without a Content-Length now. Each holds one multipart part (5 MiB) in
 * memory, so this instance runs at most {@code max-concurrent-unsized-uploads} of them, and at most
 * {@code max-concurrent-unsized-uploads-per-user} of one caller: a caller at its own limit is refused
 * (429) before it can take a shared slot, so one user's slow uploads never lock everyone else out.
 */
@ApplicationScoped
public class UnsizedUploadSlots {
    private final Semaphore shared;
    private final int perUser;
    private final ConcurrentHashMap<UUID, Integer> heldByUser = new ConcurrentHashMap<>();
    private final StorageConfig config;
    private final StorageMetrics metrics;

    public UnsizedUploadSlots(StorageConfig config, StorageMetrics metrics) {
        if (config.maxConcurrentUnsizedUploads() < 1 || config.maxConcurrentUnsizedUploadsPerUser() < 1) {
            throw new IllegalStateException("reigh.storage.max-concurrent-unsized-uploads(-per-user) must be positive");
        }
        this.shared = new Semaphore(config.maxConcurrentUnsizedUploads());
        this.perUser = config.maxConcurrentUnsizedUploadsPerUser();
        this.config = config;
        this.metrics = metrics;
    }

    /** A slot for {@code caller}, to be released once; 429 at the caller's limit, 503 when all are taken. */
    public Slot take(UUID caller) {
        boolean[] admitted = { false };
        heldByUser.compute(caller, (id, held) -> {
            int count = held == null ? 0 : held;
            if (count >= perUser) {
                return held;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            metrics.uploadRefusedPerUser();
            // A slot of the caller's frees at the latest when one of its bodies has stalled that long.
            throw StorageErrors.tooManyUploads(perUser, config.directUploadIdleTimeout());
        }
        if (!shared.tryAcquire()) {
            releaseOf(caller);
            throw ProblemException.unavailable("Too many uploads without a Content-Length at once; retry shortly"
                    + " or send a Content-Length.");
        }
        return new Slot(caller);
    }

    private void releaseOf(UUID caller) {
        heldByUser.computeIfPresent(caller, (id, held) -> held <= 1 ? null : held - 1);
    }

    /** One running unsized upload; {@link #release()} frees it (more calls do nothing). */
    public final class Slot {
        private final UUID caller;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(UUID caller) {
            this.caller = caller;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                shared.release();
                releaseOf(caller);
            }
        }
    }
}
