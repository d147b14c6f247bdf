package ai.reigh.credits.service;

import java.math.BigDecimal;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.LedgerFilter;
import ai.reigh.credits.repository.LedgerRepository;
import ai.reigh.credits.repository.UserRepository;
import io.smallrye.mutiny.Uni;

/** A signed-in user's own money: balance, ledger, welcome bonus. Always acting as that user (RLS). */
@ApplicationScoped
public class AccountService {
    public static final BigDecimal WELCOME_BONUS_CREDITS = new BigDecimal("500");
    static final String MANUAL = "manual";

    private final Db db;
    private final UserRepository users;
    private final LedgerRepository ledger;

    public AccountService(Db db, UserRepository users, LedgerRepository ledger) {
        this.db = db;
        this.users = users;
        this.ledger = ledger;
    }

    /** A user without a row yet has no entries, so 0 (a read never provisions). */
    public Uni<BigDecimal> balance(Caller caller) {
        return db.inTransaction(caller.asUser(), connection -> users.balance(connection, caller.requireUserId()))
                .map(balance -> balance != null ? balance : BigDecimal.ZERO.setScale(TaskPricing.CREDIT_SCALE));
    }

    /** The caller's entries the filter keeps, newest first; with {@code includeTotal}, how many there are. */
    public Uni<Page<LedgerEntryView>> ledger(Caller caller, LedgerFilter filter, PageRequest page) {
        var userId = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> ledger.pageOfUser(connection, userId, filter,
                page.afterCreatedAt(), page.afterId(), page.fetchSize())
                .map(rows -> Page.of(rows.stream().map(LedgerViews::of).toList(), page, LedgerEntryView::createdAt,
                        LedgerEntryView::id))
                .chain(rows -> !page.includeTotal() ? Uni.createFrom().item(rows)
                        : ledger.countOfUser(connection, userId, filter).map(rows::withTotal)));
    }

    /**
     * +500 once per user, whoever asks how often: the key {@code welcome_bonus:{user}} is unique in the
     * ledger, so of concurrent calls exactly one inserts. Provisions the user's row first (the bonus
     * may come before {@code /v1/me}).
     */
    public Uni<LedgerEntryView> welcomeBonus(Caller caller) {
        var userId = caller.requireUserId();
        ObjectNode metadata = CreditsJson.object().put("reason", "welcome_bonus");
        return db.inTransaction(caller.asUser(), connection -> users
                .ensure(connection, userId, caller.email().orElse(null))
                .chain(() -> ledger.insertKeyed(connection, userId, WELCOME_BONUS_CREDITS, MANUAL,
                        "welcome_bonus:" + userId, null, metadata)))
                .map(inserted -> {
                    if (inserted == null) {
                        throw ProblemException.conflict(CreditsErrors.WELCOME_BONUS_ALREADY_GRANTED,
                                "The welcome bonus was already granted.");
                    }
                    return LedgerViews.of(inserted);
                });
    }
}
