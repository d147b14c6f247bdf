package ai.reigh.tasks.service;

import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.tasks.repository.Ended;
import ai.reigh.tasks.repository.ExpiredLease;
import io.smallrye.mutiny.Uni;

/**
 * The reaper's seam: code run between its read of expired leases and its compare-and-set, and
 * between that write and the commit. Production leaves both empty; tests use them to interleave a
 * worker's completion with the reaper deterministically, in either order.
 */
@ApplicationScoped
public class ReaperHooks {
    private static final Function<List<ExpiredLease>, Uni<Void>> NOTHING_BEFORE = seen -> Uni.createFrom().voidItem();
    private static final Function<List<Ended>, Uni<Void>> NOTHING_AFTER = ended -> Uni.createFrom().voidItem();

    private volatile Function<List<ExpiredLease>, Uni<Void>> beforeTakeBack = NOTHING_BEFORE;
    private volatile Function<List<Ended>, Uni<Void>> afterTakeBack = NOTHING_AFTER;

    public void beforeTakeBack(Function<List<ExpiredLease>, Uni<Void>> hook) {
        beforeTakeBack = hook == null ? NOTHING_BEFORE : hook;
    }

    public void afterTakeBack(Function<List<Ended>, Uni<Void>> hook) {
        afterTakeBack = hook == null ? NOTHING_AFTER : hook;
    }

    public void clear() {
        beforeTakeBack = NOTHING_BEFORE;
        afterTakeBack = NOTHING_AFTER;
    }

    Uni<Void> runBefore(List<ExpiredLease> seen) {
        return beforeTakeBack.apply(seen);
    }

    Uni<Void> runAfter(List<Ended> ended) {
        return afterTakeBack.apply(ended);
    }
}
