package ai.reigh.tasks.repository;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;

/**
 * One claim: who asks ({@code ownerId} set for a local worker, which may take only its owner's
 * tasks), for which run type, how many, with which model preference, and how long the leases last.
 */
public record ClaimRequestRow(String workerId, UUID ownerId, String runType, boolean sameModelOnly,
        BigDecimal maxTaskWaitMinutes, int limit, Duration leaseDuration) {
}
