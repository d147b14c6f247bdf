package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/**
 * What must hold whatever the load: checked after each scenario that drives the platform, read from the
 * database (not from the platform's answers). Nothing lost: every task a bench worker took is Complete
 * and charged, and no outbox row is left undelivered or parked. Nothing twice: no task charged twice.
 * Balances equal the ledger for every user. A violation fails the bench run (exit status 1).
 */
final class Invariants {
    /** One check after one scenario: how many rows break it (0 when it holds). */
    record Check(String scenario, String invariant, long violations) {
        JsonObject toJson() {
            return new JsonObject().put("scenario", scenario).put("invariant", invariant).put("violations", violations)
                    .put("holds", violations == 0);
        }
    }

    private record Invariant(String name, String violationsSql) {
    }

    /** Each invariant as the count of the bench's rows breaking it ($1, $2: the bench users' id range). */
    private static final List<Invariant> INVARIANTS = List.of(
            new Invariant("a task a bench worker took is not Complete", """
                    SELECT count(*) FROM tasks t WHERE t.user_id BETWEEN $1::uuid AND $2::uuid
                      AND t.worker_id LIKE 'bench-w-%' AND t.status <> 'Complete'
                    """),
            new Invariant("a Complete task a bench worker did is not charged exactly once", """
                    SELECT count(*) FROM tasks t WHERE t.user_id BETWEEN $1::uuid AND $2::uuid
                      AND t.worker_id LIKE 'bench-w-%' AND t.status = 'Complete'
                      AND (SELECT count(*) FROM credits_ledger l WHERE l.task_id = t.id AND l.type = 'spend') <> 1
                    """),
            new Invariant("an outbox row of a bench task is undelivered or parked", """
                    SELECT count(*) FROM task_outbox o JOIN tasks t ON t.id = o.task_id
                    WHERE t.user_id BETWEEN $1::uuid AND $2::uuid AND o.delivered_at IS NULL
                    """),
            new Invariant("a task is charged twice", """
                    SELECT count(*) FROM (SELECT l.task_id FROM credits_ledger l
                      WHERE l.user_id BETWEEN $1::uuid AND $2::uuid AND l.type = 'spend' AND l.task_id IS NOT NULL
                      GROUP BY l.task_id HAVING count(*) > 1) twice
                    """),
            new Invariant("a user's balance is not the sum of their ledger", """
                    SELECT count(*) FROM users u
                    LEFT JOIN (SELECT user_id, sum(amount) AS total FROM credits_ledger
                               WHERE user_id BETWEEN $1::uuid AND $2::uuid GROUP BY user_id) l ON l.user_id = u.id
                    WHERE u.id BETWEEN $1::uuid AND $2::uuid AND u.total_credits <> coalesce(l.total, 0)
                    """));

    private final List<Check> checks = new ArrayList<>();

    /** Runs every check now (the scenario has drained the outbox) and records the results. */
    void check(Context context, String scenario) {
        for (Invariant invariant : INVARIANTS) {
            long violations = context.db().count(invariant.violationsSql(),
                    Tuple.of(Fixtures.FIRST_USER, Fixtures.LAST_USER));
            checks.add(new Check(scenario, invariant.name(), violations));
            if (violations > 0) {
                Context.log("INVARIANT VIOLATED after %s: %s (%d rows)", scenario, invariant.name(), violations);
            }
        }
    }

    boolean allHold() {
        return checks.stream().allMatch(check -> check.violations() == 0);
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    JsonArray toJson() {
        JsonArray all = new JsonArray();
        checks.forEach(check -> all.add(check.toJson()));
        return all;
    }
}
