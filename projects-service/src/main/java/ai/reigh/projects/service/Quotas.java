package ai.reigh.projects.service;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;

/** The caps of {@code ProjectsConfig.Limits}: reaching one is a 422 {@code quota_exceeded}. */
final class Quotas {
    private Quotas() {
    }

    static void requireRoom(long current, int limit, String what) {
        if (current >= limit) {
            throw ProblemException.unprocessable(ErrorCode.QUOTA_EXCEEDED,
                    "At most " + limit + " " + what + " are allowed; delete some first.");
        }
    }
}
