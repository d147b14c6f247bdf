package ai.reigh.credits.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.credits.repository.LedgerEntryRow;
import ai.reigh.credits.repository.LedgerFilter;
import ai.reigh.credits.repository.LedgerRepository;
import ai.reigh.credits.repository.TaskCostConfigRepository;
import ai.reigh.credits.repository.TaskCostConfigRow;
import io.smallrye.mutiny.Uni;

/**
 * What the operator console reads of the money: a user's balance checked against their ledger, any
 * user's (or everyone's) ledger, spends per minute, and a task type's price history. Read acting as
 * the admin, so row-level security lets the operator see every user's rows and nothing else changes.
 */
@ApplicationScoped
public class OperatorCredits {
    private final Db db;
    private final LedgerRepository ledger;
    private final TaskCostConfigRepository configs;

    public OperatorCredits(Db db, LedgerRepository ledger, TaskCostConfigRepository configs) {
        this.db = db;
        this.ledger = ledger;
        this.configs = configs;
    }

    /** Balance, Σ ledger and whether they agree; 404 for an unknown user. */
    public Uni<LedgerRepository.AccountCheck> account(UUID adminId, UUID userId) {
        return db.inTransaction(Actor.admin(adminId), connection -> ledger.account(connection, userId)).map(found -> {
            if (found == null) {
                throw ProblemException.notFound("User");
            }
            return found;
        });
    }

    /** Entries of {@code userId} (null: everyone's) the filter keeps, newest first. */
    public Uni<Page<LedgerEntryRow>> ledger(UUID adminId, UUID userId, LedgerFilter filter, PageRequest page) {
        return db.inTransaction(Actor.admin(adminId), connection -> ledger.page(connection, userId, filter,
                page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Page.of(rows, page, LedgerEntryRow::createdAt, LedgerEntryRow::id));
    }

    public Uni<List<LedgerRepository.ChargesInMinute>> chargesPerMinute(UUID adminId, int minutes) {
        return db.inTransaction(Actor.admin(adminId), connection -> ledger.chargesPerMinute(connection, minutes));
    }

    /** Every version of a type's price, newest first; 404 for an unknown type. */
    public Uni<List<TaskCostConfigRow>> versions(UUID adminId, String taskType) {
        return db.inTransaction(Actor.admin(adminId), connection -> configs.versions(connection, taskType)).map(found -> {
            if (found.isEmpty()) {
                throw ProblemException.notFound("Task type");
            }
            return found;
        });
    }
}
