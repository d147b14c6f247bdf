package ai.reigh.credits.service;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.credits.repository.LedgerRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The money invariant, checked on the live database and exported for alerting: how many users' balance
 * differs from the sum of their ledger ({@code reigh_credits_ledger_mismatched_users}, 0 when all is
 * well; -1 until the first check, so a check that never ran is not mistaken for a clean one). A full
 * aggregation of the ledger: every 5 minutes by default, on one replica at a time being harmless (it
 * only reads). docs/operations.md says what to do when it is not 0.
 */
@ApplicationScoped
public class LedgerInvariantCheck {
    private static final Logger LOG = Logger.getLogger(LedgerInvariantCheck.class);

    private final Db db;
    private final LedgerRepository ledger;
    private final AtomicLong mismatched = new AtomicLong(-1);

    public LedgerInvariantCheck(Db db, LedgerRepository ledger, MeterRegistry registry) {
        this.db = db;
        this.ledger = ledger;
        Gauge.builder("reigh.credits.ledger.mismatched.users", mismatched, AtomicLong::get)
                .description("Users whose balance differs from the sum of their ledger entries (-1: not checked yet)")
                .register(registry);
    }

    @Scheduled(identity = "ledger-invariant-check", every = "${reigh.credits.invariant-check.interval:5m}",
            delayed = "${reigh.credits.invariant-check.delay:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> check() {
        return db.inTransaction(Actor.service(), ledger::mismatchedUsers)
                .invoke(count -> {
                    if (count > 0) {
                        LOG.errorf("%d user(s) have a balance that differs from the sum of their ledger", count);
                    }
                    mismatched.set(count);
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("the ledger invariant check failed: %s", failure.toString());
                    return null;
                });
    }

    /** The last check's count (-1 before the first). */
    public long lastCount() {
        return mismatched.get();
    }
}
