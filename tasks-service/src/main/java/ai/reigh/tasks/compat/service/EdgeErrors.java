package ai.reigh.tasks.compat.service;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;

/**
 * The problems of the fleet's protocol that the rest of the API does not have. Every refusal is a
 * problem+json like everywhere else; the fleet reads only the status (it requires exactly 200, retries
 * 5xx and a 404 that says "not found"), so a lost lease is a 409, never a 404.
 */
public final class EdgeErrors {
    /** A worker token without {@code reigh_worker_id}: it cannot be fenced, so it may not act. */
    public static final String WORKER_IDENTITY_REQUIRED = "worker_identity_required";
    /** A body's worker id that is not the credential's. */
    public static final String WORKER_ID_MISMATCH = "worker_id_mismatch";
    /** "orchestrating" reported by a task that is not an orchestrator, or one without children. */
    public static final String NOT_AN_ORCHESTRATOR = "not_an_orchestrator";
    public static final String NO_CHILDREN = "no_children";

    private EdgeErrors() {
    }

    public static ProblemException identityRequired() {
        return new ProblemException(403, WORKER_IDENTITY_REQUIRED, "Worker identity required",
                "This credential names no worker: use a worker token minted for one worker (claim reigh_worker_id,"
                        + " ./reigh token --worker --worker-id <id>) or a personal access token.");
    }

    public static ProblemException workerIdMismatch(String given) {
        return new ProblemException(403, WORKER_ID_MISMATCH, "Not this credential's worker",
                "worker_id " + printable(given) + " is not the worker this credential was issued to (or bound to):"
                        + " one credential per worker.");
    }

    public static ProblemException leaseLost() {
        return ProblemException.conflict(ErrorCode.LEASE_LOST,
                "This worker does not hold the task (its lease was taken back, or the task went to another worker);"
                        + " nothing was written.");
    }

    private static String printable(String value) {
        String shown = value.length() > 128 ? value.substring(0, 128) : value;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
