package ai.reigh.credits.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.PgErrors;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ChargeOutcome;
import ai.reigh.common.internal.ChargeRequest;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.common.json.BatchDocuments;
import ai.reigh.credits.repository.ChargeContextRepository;
import ai.reigh.credits.repository.LedgerEntryRow;
import ai.reigh.credits.repository.LedgerRepository;
import ai.reigh.credits.repository.LedgerRepository.NewSpend;
import ai.reigh.credits.service.ChargeRules.Decision;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;

/**
 * Charges Complete tasks, one per call or the relay's batch, each once (tasks-service's outbox relay
 * delivers at least once): one spend per task is the unique index's guarantee, and a replay answers
 * the existing entry. What each charge comes to is {@link ChargeRules}' decision.
 *
 * <p>A batch is one transaction of three statements whatever its size: the contexts of all its
 * charges, one multi-row INSERT of the spends (the ledger trigger moves each balance), one auto
 * top-up decision for all their users. A charge the rules refuse is refused alone. A batch the database
 * refuses as a whole (a charge of a user who does not exist, a deadlock with another batch) is charged
 * again one charge per transaction, so that only the charge at fault is refused.
 */
@ApplicationScoped
public class ChargeService {
    private static final Logger LOG = Logger.getLogger(ChargeService.class);

    private final Db db;
    private final ChargeContextRepository contexts;
    private final LedgerRepository ledger;
    private final AutoTopUpCharger autoTopUps;
    private final BatchDocuments documents;

    public ChargeService(Db db, ChargeContextRepository contexts, LedgerRepository ledger, AutoTopUpCharger autoTopUps,
            BatchDocuments documents) {
        this.db = db;
        this.contexts = contexts;
        this.ledger = ledger;
        this.autoTopUps = autoTopUps;
        this.documents = documents;
    }

    /** One charge: 201 with the new spend, 200 with the existing one or a free task's, or the problem thrown. */
    public Uni<Written<LedgerEntryView>> charge(ChargeRequest request) {
        ChargeRules.validate(request);
        return chargeTogether(List.of(request)).onFailure(ChargeService::isUnknownUser).transform(failure -> unknownUser())
                .map(charged -> charged.get(request.taskId()).orThrow());
    }

    /**
     * A batch of stored charge documents: one outcome each, in order. A document that cannot be read is
     * refused alone; a task twice in one batch is charged once, its repeat answered as a replay.
     */
    public Uni<List<ChargeOutcome>> chargeAll(List<JsonNode> documents) {
        List<Item> items = documents.stream().map(this::read).toList();
        Map<UUID, ChargeRequest> firstOfTask = new LinkedHashMap<>();
        items.stream().filter(item -> item.request() != null)
                .forEach(item -> firstOfTask.putIfAbsent(item.request().taskId(), item.request()));
        List<ChargeRequest> distinct = List.copyOf(firstOfTask.values());
        Uni<Map<UUID, Charged>> charged = distinct.isEmpty() ? Uni.createFrom().item(Map.of())
                : chargeTogether(distinct).onFailure(PgException.class).recoverWithUni(failure -> {
                    LOG.infof("a batch of %d charges was refused as one (%s): charging each on its own", distinct.size(),
                            failure.getMessage());
                    return oneByOne(distinct);
                });
        return charged.map(byTask -> items.stream().map(item -> item.outcome(firstOfTask, byTask)).toList());
    }

    /**
     * One transaction: the charges' contexts, their spends in one INSERT, their users' top-up decisions.
     * Planned once per connection: the contexts' read was planned again on every call (costing several
     * times its run), and its generic plan is the probe per task that {@code ChargeContextPlanTest} pins.
     */
    private Uni<Map<UUID, Charged>> chargeTogether(List<ChargeRequest> requests) {
        Map<UUID, Charged> charged = new HashMap<>();
        List<UUID> topUps = new ArrayList<>();
        return db.inTransactionPlannedOnce(Actor.service(), connection -> contexts.load(connection, requests).chain(loaded -> {
            Map<UUID, ChargeRequest> spending = new LinkedHashMap<>();
            List<NewSpend> spends = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                ChargeRequest request = requests.get(i);
                try {
                    Decision decision = ChargeRules.decide(request, loaded.get(i));
                    if (decision.answer() != null) {
                        charged.put(request.taskId(), Charged.answered(decision.answer()));
                    } else {
                        spends.add(decision.spend());
                        spending.put(request.taskId(), request);
                    }
                } catch (ProblemException refused) {
                    charged.put(request.taskId(), Charged.refused(refused));
                }
            }
            // A spend that takes a balance under its user's auto top-up threshold decides a charge of their
            // card in this transaction (an outbox row); the card is charged after the commit, never inside.
            return spends.isEmpty() ? Uni.createFrom().voidItem()
                    : insertSpends(connection, spends, spending, charged).chain(users -> autoTopUps
                            .decideAfterSpends(connection, users).invoke(topUps::addAll).replaceWithVoid());
        })).invoke(() -> autoTopUps.afterDecisions(topUps)).map(done -> charged);
    }

    /** Inserts the spends and records each outcome; answers the users charged (ordered, as locked). */
    private Uni<Set<UUID>> insertSpends(SqlConnection connection, List<NewSpend> spends, Map<UUID, ChargeRequest> spending,
            Map<UUID, Charged> charged) {
        return ledger.insertSpends(connection, spends).chain(inserted -> {
            Set<UUID> users = new TreeSet<>();
            for (LedgerEntryRow row : inserted) {
                charged.put(row.taskId(), Charged.answered(Written.created(LedgerViews.of(row))));
                users.add(row.userId());
            }
            // A concurrent charge of the same task committed first: answer its entry.
            List<ChargeRequest> raced = spending.values().stream()
                    .filter(request -> !charged.containsKey(request.taskId())).toList();
            return Multi.createFrom().iterable(raced).onItem()
                    .transformToUniAndConcatenate(request -> ledger.spendOfTask(connection, request.taskId())
                            .invoke(existing -> charged.put(request.taskId(), Charged.replayed(request, existing))))
                    .collect().asList().replaceWith(users);
        });
    }

    private Uni<Map<UUID, Charged>> oneByOne(List<ChargeRequest> requests) {
        Map<UUID, Charged> charged = new HashMap<>();
        return Multi.createFrom().iterable(requests).onItem()
                .transformToUniAndConcatenate(request -> chargeTogether(List.of(request))
                        .onFailure(ChargeService::isUnknownUser)
                        .recoverWithItem(() -> Map.of(request.taskId(), Charged.refused(unknownUser())))
                        .invoke(charged::putAll))
                .collect().asList().replaceWith(charged);
    }

    private Item read(JsonNode document) {
        UUID taskId = BatchDocuments.taskId(document);
        try {
            ChargeRequest request = documents.read(document, ChargeRequest.class, "charges");
            ChargeRules.validate(request);
            return new Item(request, null);
        } catch (ProblemException refused) {
            return Item.refused(taskId, refused);
        }
    }

    private static boolean isUnknownUser(Throwable failure) {
        return PgErrors.isForeignKeyViolation(failure, CreditsErrors.LEDGER_USER_FK);
    }

    private static ProblemException unknownUser() {
        return ProblemException.unprocessable(CreditsErrors.UNKNOWN_USER, "The charged user does not exist.");
    }

    /** What became of one charge: its answer, or its refusal. */
    private record Charged(Written<LedgerEntryView> written, ProblemException refusal) {
        static Charged answered(Written<LedgerEntryView> written) {
            return new Charged(written, null);
        }

        static Charged refused(ProblemException refusal) {
            return new Charged(null, refusal);
        }

        static Charged replayed(ChargeRequest request, LedgerEntryRow existing) {
            try {
                return answered(ChargeRules.replay(request, existing));
            } catch (ProblemException conflict) {
                return refused(conflict);
            }
        }

        Written<LedgerEntryView> orThrow() {
            if (refusal != null) {
                throw refusal;
            }
            return written;
        }

        ChargeOutcome outcome(UUID taskId) {
            return refusal != null ? new ChargeOutcome(taskId, refusal.status(), null, refusal.toProblem())
                    : new ChargeOutcome(taskId, written.created() ? 201 : 200, written.value(), null);
        }
    }

    /** One document of a batch: its request, or the outcome of a document that could not be read. */
    private record Item(ChargeRequest request, ChargeOutcome unread) {
        static Item refused(UUID taskId, ProblemException refusal) {
            return new Item(null, Charged.refused(refusal).outcome(taskId));
        }

        ChargeOutcome outcome(Map<UUID, ChargeRequest> firstOfTask, Map<UUID, Charged> byTask) {
            if (unread != null) {
                return unread;
            }
            ChargeRequest first = firstOfTask.get(request.taskId());
            Charged charged = byTask.get(request.taskId());
            if (first == request) {
                return charged.outcome(request.taskId());
            }
            // The task's repeat in the same batch: what a replay of the first would have answered.
            if (!first.userId().equals(request.userId())) {
                return Charged.refused(ChargeRules.chargedToAnotherUser()).outcome(request.taskId());
            }
            return charged.refusal() != null ? charged.outcome(request.taskId())
                    : Charged.answered(Written.existing(charged.written().value())).outcome(request.taskId());
        }
    }
}
