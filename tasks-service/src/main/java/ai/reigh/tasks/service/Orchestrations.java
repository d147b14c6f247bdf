package ai.reigh.tasks.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.json.CanonicalJson;
import ai.reigh.tasks.repository.Completion;
import ai.reigh.tasks.repository.OrchestratorRepository;
import ai.reigh.tasks.repository.OrchestratorRepository.Children;
import ai.reigh.tasks.repository.TaskRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Orchestrators that the platform finishes. An orchestrator's worker creates the children, then hands
 * the orchestrator over ({@link #awaitChildren}): from then on no worker holds it, no lease can expire
 * and no attempt is spent, and it is <em>settled</em> — completed when its last child completes (its
 * output is the final child's, e.g. the stitch), failed when a child ends Failed or Cancelled — exactly
 * once, through the completing statement every task uses (so its outbox rows and billing are the
 * ordinary ones).
 *
 * <p>Settling takes the orchestrator's row lock first, then reads its children in a new statement, so
 * it sees every child that committed before it: two last children completing at once settle it once
 * (the second finds it Complete), and a child completing while its orchestrator is being handed over
 * is seen by one of the two. A settlement is attempted right after a child completes (its own
 * transaction: a failure there is logged, the child's completion stands), when the orchestrator is
 * handed over, and by the reaper for any waiting orchestrator whose children have all ended (the
 * backstop for a settlement lost with an instance). A child ending badly fails a waiting parent in the
 * same transaction ({@link EndingCascade}).
 */
@ApplicationScoped
public class Orchestrations {
    private static final Logger LOG = Logger.getLogger(Orchestrations.class);

    private final Db db;
    private final OrchestratorRepository orchestrators;
    private final EndingCascade cascade;
    private final OutboxRelay relay;
    private final TaskMetrics metrics;

    public Orchestrations(Db db, OrchestratorRepository orchestrators, EndingCascade cascade, OutboxRelay relay,
            TaskMetrics metrics) {
        this.db = db;
        this.orchestrators = orchestrators;
        this.cascade = cascade;
        this.relay = relay;
        this.metrics = metrics;
    }

    /** What a settlement did. */
    public enum Outcome {
        /** Not waiting (any more): settled by someone else, or never handed over. */
        NOT_WAITING,
        /** Children still to run. */
        WAITING,
        COMPLETED,
        FAILED
    }

    /**
     * The holder of {@code taskId}'s lease hands the orchestrator over to wait for its children, and it
     * is settled at once if they have all ended already. Null when the caller did not hold it.
     */
    public Uni<Handed> awaitChildren(SqlConnection connection, UUID taskId, UUID leaseToken) {
        return orchestrators.awaitChildren(connection, taskId, leaseToken).chain(task -> task == null
                ? Uni.createFrom().nullItem()
                : settle(connection, taskId).map(outcome -> new Handed(task, outcome)));
    }

    /** The orchestrator as it was handed over, and what the immediate settlement did. */
    public record Handed(TaskRow task, Outcome outcome) {
    }

    /** Settles {@code parentId} in its own transaction, after one of its children completed. Never fails. */
    public Uni<Outcome> settleAfterChild(UUID parentId) {
        return db.inTransaction(Actor.service(), connection -> settle(connection, parentId))
                .invoke(outcome -> {
                    if (outcome == Outcome.COMPLETED) {
                        relay.wake();
                    }
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("could not settle orchestrator %s now (the reaper will): %s", parentId, failure.toString());
                    return Outcome.WAITING;
                });
    }

    /** The reaper's backstop: settles waiting orchestrators whose children have all ended; returns how many it ended. */
    public Uni<Integer> settleStalled(SqlConnection connection, int limit) {
        return orchestrators.settleable(connection, limit).chain(ids -> settleEach(connection, ids, 0, 0));
    }

    private Uni<Integer> settleEach(SqlConnection connection, List<UUID> ids, int index, int ended) {
        if (index == ids.size()) {
            // Not committed yet: the relay's own poll picks the outbox rows up.
            return Uni.createFrom().item(ended);
        }
        return settle(connection, ids.get(index)).chain(outcome -> settleEach(connection, ids, index + 1,
                outcome == Outcome.COMPLETED || outcome == Outcome.FAILED ? ended + 1 : ended));
    }

    /** In the caller's transaction: lock, read the children, complete or fail or leave waiting. */
    Uni<Outcome> settle(SqlConnection connection, UUID parentId) {
        return orchestrators.lockAwaiting(connection, parentId).chain(waiting -> {
            if (!waiting) {
                return Uni.createFrom().item(Outcome.NOT_WAITING);
            }
            return orchestrators.children(connection, parentId).chain(children -> {
                if (children.endedBadly() != null) {
                    return fail(connection, parentId, children);
                }
                if (!children.allComplete()) {
                    return Uni.createFrom().item(Outcome.WAITING);
                }
                return complete(connection, parentId, children);
            });
        });
    }

    private Uni<Outcome> fail(SqlConnection connection, UUID parentId, Children children) {
        return orchestrators.outputOf(connection, children.endedBadly()).chain(child -> {
            String error = "child task " + children.endedBadly() + " ended " + child.getString("status");
            return orchestrators.failAwaiting(connection, parentId, error).chain(failed -> {
                if (!failed) {
                    return Uni.createFrom().item(Outcome.NOT_WAITING);
                }
                metrics.failed(1);
                return cascade.afterFailure(connection, List.of(parentId)).replaceWith(Outcome.FAILED);
            });
        });
    }

    private Uni<Outcome> complete(SqlConnection connection, UUID parentId, Children children) {
        return orchestrators.outputOf(connection, children.finalChild()).chain(finalChild -> {
            ObjectNode result = CanonicalJson.object();
            result.put("completed_by", "platform");
            result.put("children", children.total());
            result.put("final_child_id", children.finalChild().toString());
            // Settled once: the hash names the settlement, not a lease (there is none).
            Completion completion = new Completion(parentId, null, finalChild.getString("output_location"), null, null,
                    result, "children:" + children.finalChild());
            return orchestrators.completeAwaiting(connection, completion).map(done -> {
                if (done == null) {
                    return Outcome.NOT_WAITING;
                }
                metrics.completed(1);
                return Outcome.COMPLETED;
            });
        });
    }
}
