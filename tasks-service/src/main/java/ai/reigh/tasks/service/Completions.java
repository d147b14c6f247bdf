package ai.reigh.tasks.service;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.client.Downstream;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.CanonicalJson;
import ai.reigh.tasks.client.StorageConfirmations;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.Completion;
import ai.reigh.tasks.repository.LeaseRepository;
import ai.reigh.tasks.repository.TaskRepository;
import ai.reigh.tasks.repository.TaskRow;
import ai.reigh.tasks.repository.TaskStatus;
import io.smallrye.mutiny.Uni;

/**
 * Completions, of one task or of several in one request. Each goes through the same steps: its fields
 * are checked; an upload it names is confirmed with storage-service (only while the caller still holds
 * the lease, and not for a replay; no transaction waits on storage); then every completion of the
 * request is recorded by one statement, in one transaction (each task's transition and its outbox rows,
 * {@link LeaseRepository#complete}). A completion the statement did not record is explained by a fresh
 * read: the same completion was recorded earlier (a replay: the task as it was recorded), the lease is
 * no longer the caller's (409 {@code lease_lost}), or the task is not the caller's to see (404).
 *
 * <p>Each completion has its own outcome, so one refused never holds back the others. A failure that is
 * nobody's answer (the database or storage-service down) fails the whole request with a 503: repeating
 * it is safe, since what was recorded replays.
 */
@ApplicationScoped
public class Completions {
    private static final Logger LOG = Logger.getLogger(Completions.class);

    /**
     * A completion as the resource validated it: exactly one of {@code outputLocation}, {@code objectId}.
     * {@code replayKey} names what the completion says when its body is not the whole story (the fleet's
     * inline file is stored under a new object for every attempt): a replay is recognised by it; null:
     * by the body itself. {@code mediaOutput} false: {@code outputLocation} is a result, not a URL (the
     * fleet's JSON outputs), and makes no generation.
     */
    public record Finish(UUID leaseToken, String outputLocation, UUID objectId, String thumbnailUrl, JsonNode resultData,
            String replayKey, boolean mediaOutput) {
    }

    /** One task's completion in a request. */
    public record Completing(UUID taskId, Finish finish) {
    }

    /**
     * What became of one completion: {@code task} as completed (by this request or, replayed, by an
     * earlier identical one), or the {@code refusal} that says why not.
     */
    public record Outcome(UUID taskId, TaskRow task, ProblemException refusal) {
        TaskRow orThrow() {
            if (refusal != null) {
                throw refusal;
            }
            return task;
        }
    }

    /** A completion after its checks: to be recorded ({@code completion}), or already decided ({@code outcome}). */
    private record Checked(Completing request, Completion completion, Outcome outcome) {
        static Checked decided(Completing request, TaskRow task, ProblemException refusal) {
            return new Checked(request, null, new Outcome(request.taskId(), task, refusal));
        }
    }

    private final Db db;
    private final LeaseRepository leases;
    private final TaskRepository tasks;
    private final StorageConfirmations storage;
    private final OutboxRelay relay;
    private final Orchestrations orchestrations;
    private final TaskMetrics metrics;
    private final TasksConfig config;

    public Completions(Db db, LeaseRepository leases, TaskRepository tasks, StorageConfirmations storage,
            OutboxRelay relay, Orchestrations orchestrations, TaskMetrics metrics, TasksConfig config) {
        this.db = db;
        this.leases = leases;
        this.tasks = tasks;
        this.storage = storage;
        this.relay = relay;
        this.orchestrations = orchestrations;
        this.metrics = metrics;
        this.config = config;
    }

    /** One task's completion: the task as completed, or the failure that says why not. */
    public Uni<TaskRow> complete(Caller caller, UUID taskId, Finish finish) {
        return completeAll(caller, List.of(new Completing(taskId, finish))).map(outcomes -> outcomes.get(0).orThrow());
    }

    /** Several tasks' completions (distinct tasks): one outcome each, in the order given. */
    public Uni<List<Outcome>> completeAll(Caller caller, List<Completing> requests) {
        List<Uni<Checked>> checks = requests.stream().map(request -> check(caller, request)).toList();
        return Uni.join().all(checks).andFailFast().chain(checked -> record(caller, checked));
    }

    // ---- before the transaction ------------------------------------------------------------------------

    private Uni<Checked> check(Caller caller, Completing request) {
        Finish finish = request.finish();
        String hash;
        try {
            validate(finish);
            hash = completionHash(finish);
        } catch (ProblemException refused) {
            return Uni.createFrom().item(Checked.decided(request, null, refused));
        }
        if (finish.objectId() == null) {
            return Uni.createFrom().item(toRecord(request, finish.outputLocation(), hash));
        }
        UUID taskId = request.taskId();
        return tasks.find(db, caller.asWorker(), taskId).chain(current -> {
            TaskRow settled = settledCompletion(current, finish, hash);
            if (settled != null) {
                return Uni.createFrom().item(Checked.decided(request, settled, null));
            }
            return Downstream.call("storage-service", () -> storage.confirm(finish.objectId(), taskId))
                    .map(object -> toRecord(request, object.url(), hash));
        }).onFailure(Completions::isLeaseLost).call(lost -> releaseUnusedOutput(finish.objectId(), taskId))
                .onFailure(Completions::isRefusal)
                .recoverWithItem(refused -> Checked.decided(request, null, (ProblemException) refused));
    }

    private void validate(Finish finish) {
        if ((finish.outputLocation() == null) == (finish.objectId() == null)) {
            throw ProblemException.validation("output_location", "give exactly one of output_location and object_id");
        }
        TaskInput.validateResult(finish.resultData(), config.maxResultBytes());
        if (finish.mediaOutput()) {
            TaskInput.requireMediaUrl("output_location", finish.outputLocation());
        }
        TaskInput.requireMediaUrl("thumbnail_url", finish.thumbnailUrl());
    }

    private static Checked toRecord(Completing request, String outputLocation, String hash) {
        Finish finish = request.finish();
        return new Checked(request, new Completion(request.taskId(), finish.leaseToken(), outputLocation,
                finish.objectId(), finish.thumbnailUrl(), finish.resultData(), hash), null);
    }

    // ---- the transaction and after -----------------------------------------------------------------------

    private Uni<List<Outcome>> record(Caller caller, List<Checked> checked) {
        List<Completion> toRecord = checked.stream().map(Checked::completion).filter(Objects::nonNull).toList();
        if (toRecord.isEmpty()) {
            return afterwards(checked.stream().map(Checked::outcome).toList(), 0);
        }
        return leases.complete(db, caller.asWorker(), toRecord).chain(done -> {
            Map<UUID, TaskRow> recorded = byId(done);
            List<UUID> unexplained = toRecord.stream().map(Completion::taskId).filter(id -> !recorded.containsKey(id))
                    .toList();
            // A fresh read (a new snapshot): sees a concurrent identical completion that won.
            Uni<Map<UUID, TaskRow>> current = unexplained.isEmpty() ? Uni.createFrom().item(Map.of())
                    : tasks.findAll(db, caller.asWorker(), unexplained).map(Completions::byId);
            return current.chain(now -> {
                List<Outcome> outcomes = new ArrayList<>(checked.size());
                Uni<Void> released = Uni.createFrom().voidItem();
                for (Checked one : checked) {
                    UUID taskId = one.request().taskId();
                    Outcome outcome = one.outcome() != null ? one.outcome()
                            : recorded.containsKey(taskId) ? new Outcome(taskId, recorded.get(taskId), null)
                                    : explain(one, now.get(taskId));
                    UUID upload = one.request().finish().objectId();
                    if (one.completion() != null && upload != null && isLeaseLost(outcome.refusal())) {
                        released = released.call(() -> releaseUnusedOutput(upload, taskId));
                    }
                    outcomes.add(outcome);
                }
                return released.chain(() -> afterwards(outcomes, done.size()));
            });
        });
    }

    /** Why a completion the statement did not record was not recorded (or that an earlier one was). */
    private static Outcome explain(Checked one, TaskRow current) {
        UUID taskId = one.request().taskId();
        try {
            TaskRow settled = settledCompletion(current, one.request().finish(), one.completion().completionHash());
            if (settled == null) {
                throw ProblemException.conflict(ErrorCode.LEASE_LOST,
                        "This worker no longer holds the task's lease; nothing was written.");
            }
            return new Outcome(taskId, settled, null);
        } catch (ProblemException refused) {
            return new Outcome(taskId, null, refused);
        }
    }

    /**
     * Committed: the relay can see the new outbox rows; an orchestrator may be waiting for exactly the
     * children that completed (settling one never fails).
     */
    private Uni<List<Outcome>> afterwards(List<Outcome> outcomes, int completedNow) {
        if (completedNow > 0) {
            metrics.completed(completedNow);
            relay.wake();
        }
        Set<UUID> parents = outcomes.stream().map(Outcome::task).filter(task -> task != null && task.parentTaskId() != null)
                .map(TaskRow::parentTaskId).collect(Collectors.toCollection(LinkedHashSet::new));
        Uni<Void> settled = Uni.createFrom().voidItem();
        for (UUID parent : parents) {
            settled = settled.call(() -> orchestrations.settleAfterChild(parent));
        }
        return settled.replaceWith(outcomes);
    }

    /**
     * A completion that lost its lease will never be recorded, so its upload (perhaps confirmed just
     * before the lease went, or by an attempt that died with the service) would stay in the owner's
     * storage, used by nothing. The worker gets its 409 whether or not the release succeeds; a failed
     * release is logged with the object's id.
     */
    private Uni<Void> releaseUnusedOutput(UUID objectId, UUID taskId) {
        return storage.release(objectId, taskId).onFailure().recoverWithUni(failure -> {
            LOG.warnf("Could not release the unused upload %s of task %s: %s", objectId, taskId, failure.toString());
            return Uni.createFrom().voidItem();
        });
    }

    private static Map<UUID, TaskRow> byId(List<TaskRow> rows) {
        return rows.stream().collect(Collectors.toMap(TaskRow::id, Function.identity()));
    }

    private static boolean isLeaseLost(Throwable failure) {
        return failure instanceof ProblemException problem && ErrorCode.LEASE_LOST.equals(problem.code());
    }

    /** The caller's own answer (4xx): this completion's outcome. Anything else fails the request. */
    private static boolean isRefusal(Throwable failure) {
        return failure instanceof ProblemException problem && problem.status() < 500;
    }

    /**
     * The task as an earlier identical completion left it (a replay: 200), or null when the caller's
     * lease is still current (go on). 404 when the caller cannot see the task; 409 otherwise.
     */
    private static TaskRow settledCompletion(TaskRow current, Finish finish, String hash) {
        if (current == null) {
            throw ProblemException.notFound("Task");
        }
        if (TaskStatus.IN_PROGRESS.equals(current.status()) && finish.leaseToken().equals(current.leaseToken())) {
            return null;
        }
        if (TaskStatus.COMPLETE.equals(current.status()) && current.completionHash() != null) {
            if (current.completionHash().equals(hash)) {
                return current;
            }
            if (current.completionHash().startsWith(finish.leaseToken() + ":")) {
                throw ProblemException.conflict(ErrorCode.CONFLICT,
                        "This lease already completed the task with a different result.");
            }
        }
        throw ProblemException.conflict(ErrorCode.LEASE_LOST,
                "This worker no longer holds the task's lease; nothing was written.");
    }

    /** The lease, then a hash of what the completion says: a replay must say the same thing. */
    static String completionHash(Finish finish) {
        if (finish.replayKey() != null) {
            return finish.leaseToken() + ":" + finish.replayKey();
        }
        ObjectNode body = CanonicalJson.object();
        body.put("output_location", finish.outputLocation());
        body.put("object_id", finish.objectId() == null ? null : finish.objectId().toString());
        body.put("thumbnail_url", finish.thumbnailUrl());
        body.set("result_data", finish.resultData());
        return finish.leaseToken() + ":" + CanonicalJson.sha256(body);
    }
}
