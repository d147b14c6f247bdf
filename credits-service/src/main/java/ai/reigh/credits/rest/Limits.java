package ai.reigh.credits.rest;

import ai.reigh.common.error.ProblemException;

/** Query parameters read as text so that a malformed one is a 400 problem (JAX-RS would answer 404). */
final class Limits {
    private Limits() {
    }

    static Integer parseLimit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return null;
        }
        if (limit.length() > 4 || !limit.chars().allMatch(Character::isDigit)) {
            throw ProblemException.validation("limit", "must be an integer between 1 and 200");
        }
        return Integer.valueOf(limit);
    }
}
