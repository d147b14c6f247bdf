package ai.reigh.tasks.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.ClaimRepository;
import ai.reigh.tasks.repository.ClaimRequestRow;
import ai.reigh.tasks.repository.ClaimedTask;
import io.smallrye.mutiny.Uni;

/**
 * Claims, with the long poll: try the claim statement; when nothing is claimable and the worker is
 * willing to wait, park (no database connection held) until a notification, the poll tick or the
 * deadline, then try again. An empty list at the deadline is the resource's 204.
 */
@ApplicationScoped
public class ClaimService {
    private final Db db;
    private final ClaimRepository claims;
    private final ClaimWaiters waiters;
    private final TaskMetrics metrics;

    public ClaimService(Db db, ClaimRepository claims, ClaimWaiters waiters, TaskMetrics metrics) {
        this.db = db;
        this.claims = claims;
        this.waiters = waiters;
        this.metrics = metrics;
    }

    /** What a worker asks for, validated by the resource; {@code leaseDuration}: each claimed task's lease. */
    public record Claim(String workerId, String runType, boolean sameModelOnly, BigDecimal maxTaskWaitMinutes, int limit,
            int waitSeconds, Duration leaseDuration) {
    }

    public Uni<List<ClaimedTask>> claim(Caller caller, Claim claim) {
        ClaimRequestRow request = new ClaimRequestRow(claim.workerId(), caller.workerOwnerId().orElse(null),
                claim.runType(), claim.sameModelOnly(), claim.maxTaskWaitMinutes(), claim.limit(),
                claim.leaseDuration());
        String lane = ClaimWaiters.lane(claim.runType(), request.ownerId());
        long deadline = System.nanoTime() + Duration.ofSeconds(claim.waitSeconds()).toNanos();
        return attemptUntil(caller, request, lane, deadline);
    }

    private Uni<List<ClaimedTask>> attemptUntil(Caller caller, ClaimRequestRow request, String lane, long deadline) {
        long seenEpoch = waiters.epoch();
        return attempt(caller, request).chain(tasks -> {
            if (!tasks.isEmpty()) {
                waiters.wakeNext(lane);
                return Uni.createFrom().item(tasks);
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Uni.createFrom().item(tasks);
            }
            return waiters.park(lane, Duration.ofNanos(remaining), seenEpoch)
                    .chain(() -> attemptUntil(caller, request, lane, deadline));
        });
    }

    private Uni<List<ClaimedTask>> attempt(Caller caller, ClaimRequestRow request) {
        metrics.claimAttempted();
        return claims.claim(db, caller.asWorker(), request).map(tasks -> {
            metrics.claimed(tasks.size());
            return tasks;
        });
    }
}
