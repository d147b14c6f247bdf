package ai.reigh.projects.service;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.GenerationBatch;
import ai.reigh.common.internal.GenerationFromTask;
import ai.reigh.common.internal.GenerationOutcome;
import ai.reigh.common.internal.GenerationRef;
import ai.reigh.common.json.BatchDocuments;
import ai.reigh.common.tracing.TraceContinuations;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.GenerationRepository;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ShotLinkRepository;
import ai.reigh.projects.repository.ShotRepository;
import ai.reigh.projects.repository.ShotRow;
import ai.reigh.projects.repository.VariantRepository;
import ai.reigh.projects.repository.VariantRepository.NewVariant;
import ai.reigh.projects.repository.VariantRow;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The output of a completed task, delivered (at least once) by tasks-service's completion relay.
 * Exactly once per task, in one of two shapes:
 *
 * <ul>
 * <li>a task whose params name a source generation ({@code based_on}, a generation of the task's
 * project; upscales, edits) adds a <b>variant</b> to it (primary when {@code is_primary} is true or
 * when the source has none), unless {@code create_as_generation} is true;</li>
 * <li>otherwise a new <b>generation</b> (its {@code based_on} kept when it names a generation of the
 * project), with its original variant, linked to {@code shot_id} as before.</li>
 * </ul>
 *
 * Both carry the task id under a unique index ({@code generation_variants.task_id}, and
 * {@code generations.task_id} for the second shape): a delivery finds what an earlier one made, and
 * concurrent deliveries wait on the index and find the same row. A source that is gone, in another
 * project or full ({@code variants-per-generation}) does not lose the output: it becomes a new
 * generation instead.
 */
@ApplicationScoped
public class TaskGenerationService {
    private static final Logger LOG = Logger.getLogger(TaskGenerationService.class);
    /** The label of a task's variant when its params do not name one. */
    public static final String DEFAULT_VARIANT_TYPE = "generated";
    private static final Pattern VARIANT_TYPE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");

    private final Db db;
    private final GenerationRepository generations;
    private final VariantRepository variants;
    private final GenerationMedia media;
    private final ShotRepository shots;
    private final ShotLinkRepository links;
    private final ProjectsConfig config;
    private final BatchDocuments batchDocuments;
    private final TraceContinuations continuations;
    private final Tracer tracer;

    public TaskGenerationService(Db db, GenerationRepository generations, VariantRepository variants,
            GenerationMedia media, ShotRepository shots, ShotLinkRepository links, ProjectsConfig config,
            BatchDocuments batchDocuments, TraceContinuations continuations, OpenTelemetry openTelemetry) {
        this.db = db;
        this.generations = generations;
        this.variants = variants;
        this.media = media;
        this.shots = shots;
        this.links = links;
        this.config = config;
        this.batchDocuments = batchDocuments;
        this.continuations = continuations;
        this.tracer = openTelemetry.getTracer("ai.reigh.projects.generations");
    }

    /** The generation that holds the task's output and whether this call made it (201) or found it (200). */
    public record Outcome(GenerationRow generation, boolean created) {
    }

    /** What the task's params say about where its output goes (see the class comment). */
    record Destination(UUID basedOn, boolean asGeneration, boolean primary, String variantType) {
        static Destination of(JsonNode params) {
            if (params == null || !params.isObject()) {
                return new Destination(null, true, false, DEFAULT_VARIANT_TYPE);
            }
            UUID basedOn = uuid(params.get("based_on"));
            JsonNode type = params.get("variant_type");
            String variantType = type != null && type.isTextual() && VARIANT_TYPE.matcher(type.asText()).matches()
                    && !VariantRow.ORIGINAL.equals(type.asText()) ? type.asText() : DEFAULT_VARIANT_TYPE;
            boolean asGeneration = basedOn == null || isTrue(params.get("create_as_generation"));
            return new Destination(basedOn, asGeneration, isTrue(params.get("is_primary")), variantType);
        }

        private static boolean isTrue(JsonNode value) {
            return value != null && value.isBoolean() && value.booleanValue();
        }

        private static UUID uuid(JsonNode value) {
            if (value == null || !value.isTextual() || value.asText().length() != 36) {
                return null;
            }
            try {
                return UUID.fromString(value.asText());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /**
     * The relay's batch: each stored document read and delivered as the single call would, one after
     * the other, each in its own transaction (so that a shot's links are positioned in delivery order)
     * and in a span continuing the trace its completion stored (its statements and log lines are in the
     * worker's completion trace), and answered on its own. A failure that is not the receiver's word on
     * the item (the database unreachable, a deadlock) is that item's 503: the relay tries it again and
     * delivers the others.
     */
    public Uni<List<GenerationOutcome>> createAllFromTasks(GenerationBatch batch) {
        List<JsonNode> documents = batch.generations();
        return Multi.createFrom().range(0, documents.size()).onItem()
                .transformToUniAndConcatenate(index -> inCompletionTrace(documents.get(index),
                        batch.traceparentOf(index)))
                .collect().asList();
    }

    private Uni<GenerationOutcome> inCompletionTrace(JsonNode document, String traceparent) {
        UUID taskId = BatchDocuments.taskId(document);
        Context completion = continuations.stored(traceparent);
        Span span = tracer.spanBuilder("deliver generation").setParent(completion)
                .setAttribute("reigh.task_id", String.valueOf(taskId)).startSpan();
        return continuations.runIn(completion.with(span), span, () -> createFromDocument(taskId, document));
    }

    private Uni<GenerationOutcome> createFromDocument(UUID taskId, JsonNode document) {
        return Uni.createFrom().deferred(() -> createFromTask(batchDocuments.read(document, GenerationFromTask.class,
                "generations")))
                .map(outcome -> new GenerationOutcome(taskId, outcome.created() ? 201 : 200,
                        new GenerationRef(outcome.generation().id(), outcome.generation().taskId(),
                                outcome.generation().projectId()), null))
                .onFailure().recoverWithItem(failure -> {
                    if (failure instanceof ProblemException refused) {
                        return new GenerationOutcome(taskId, refused.status(), null, refused.toProblem());
                    }
                    LOG.warnf(failure, "task %s: its generation could not be delivered now; the relay will try again",
                            taskId);
                    ProblemException unavailable = ProblemException.unavailable(
                            "The generation could not be written now: " + failure.getClass().getSimpleName());
                    return new GenerationOutcome(taskId, unavailable.status(), null, unavailable.toProblem());
                });
    }

    public Uni<Outcome> createFromTask(GenerationFromTask request) {
        Inputs.requireMediaUrl("url", request.url());
        if (request.thumbnailUrl() != null) {
            Inputs.requireMediaUrl("thumbnail_url", request.thumbnailUrl());
        }
        Inputs.requireObjectOrAbsent("metadata", request.metadata(), config.limits().jsonDocumentBytes());
        Destination destination = Destination.of(request.metadata());
        // Acting for the platform: the caller is tasks-service, which checked the task's owner; every
        // row named by the params is looked up inside the task's project only.
        return db.inTransaction(Actor.service(), connection -> variants.findByTask(connection, request.taskId())
                .chain(earlier -> earlier != null ? delivered(connection, earlier, request)
                        : destination.asGeneration() ? newGeneration(connection, request, destination.basedOn())
                                : variantOfSource(connection, request, destination)));
    }

    /** A replay: the task's variant exists (its own generation's original, or one added to a source). */
    private Uni<Outcome> delivered(SqlConnection connection, VariantRow earlier, GenerationFromTask request) {
        if (!earlier.projectId().equals(request.projectId())) {
            throw ProblemException.conflict(ProjectErrors.TASK_GENERATION_CONFLICT,
                    "This task already has a generation in another project.");
        }
        return generations.findInProject(connection, earlier.generationId(), request.projectId())
                .map(generation -> new Outcome(GenerationService.found(generation), false));
    }

    private Uni<Outcome> variantOfSource(SqlConnection connection, GenerationFromTask request, Destination destination) {
        return generations.lockInProject(connection, destination.basedOn(), request.projectId()).chain(source -> {
            if (source == null) {
                LOG.infof("task %s: source generation %s is not in project %s; its output becomes a new generation",
                        request.taskId(), destination.basedOn(), request.projectId());
                return newGeneration(connection, request, null);
            }
            if (source.variantCount() >= config.limits().variantsPerGeneration()) {
                LOG.warnf("task %s: source generation %s is full (%d variants); its output becomes a new generation",
                        request.taskId(), source.id(), source.variantCount());
                return newGeneration(connection, request, source.id());
            }
            return variants.insertFromTask(connection, new NewVariant(source.id(), source.projectId(), request.url(),
                    request.thumbnailUrl(), request.objectId(), request.metadata(), destination.variantType(), null,
                    false, null, null, null), request.taskId())
                    .chain(added -> {
                        if (added == null) {
                            // A concurrent delivery added it first (we waited on the index).
                            return variants.findByTask(connection, request.taskId())
                                    .chain(earlier -> delivered(connection, earlier, request));
                        }
                        Uni<GenerationRow> shown = destination.primary() || !source.hasVariants()
                                ? media.makePrimary(connection, source.id(), added.id())
                                : Uni.createFrom().item(source);
                        return shown.chain(() -> generations.addTask(connection, source.id(), request.taskId()))
                                .chain(() -> generations.findInProject(connection, source.id(), source.projectId()))
                                .map(generation -> new Outcome(generation, true));
                    });
        });
    }

    private Uni<Outcome> newGeneration(SqlConnection connection, GenerationFromTask request, UUID candidateBasedOn) {
        Uni<UUID> basedOn = candidateBasedOn == null ? Uni.createFrom().nullItem()
                : generations.findInProject(connection, candidateBasedOn, request.projectId())
                        .map(found -> found == null ? null : found.id());
        // The task's output is the new generation's original variant (primary), carrying the task id.
        return basedOn.chain(lineage -> generations.insertWithOriginalFromTask(connection, request.projectId(),
                request.taskId(), request.type(), request.url(), request.thumbnailUrl(), request.objectId(),
                request.metadata(), lineage))
                .chain(inserted -> inserted != null
                        ? linkToShot(connection, inserted, request).replaceWith(new Outcome(inserted, true))
                        : existing(connection, request));
    }

    private Uni<Outcome> existing(SqlConnection connection, GenerationFromTask request) {
        return generations.findByTask(connection, request.taskId()).map(found -> {
            if (found == null) {
                // Nothing inserted and nothing there: the project does not exist (deleted meanwhile).
                throw ProblemException.notFound("Project");
            }
            if (!found.projectId().equals(request.projectId())) {
                throw ProblemException.conflict(ProjectErrors.TASK_GENERATION_CONFLICT,
                        "This task already has a generation in another project.");
            }
            return new Outcome(found, false);
        });
    }

    /**
     * Links the new generation to {@code shot_id} when that shot is in the generation's project:
     * after the last positioned item with {@code add_in_position}, else unpositioned. A shot that is
     * not there (deleted since the task was queued, or never in this project) is not an error: the
     * generation is kept, unlinked.
     */
    private Uni<Void> linkToShot(SqlConnection connection, GenerationRow generation, GenerationFromTask request) {
        if (request.shotId() == null) {
            return Uni.createFrom().voidItem();
        }
        return shots.lockInProject(connection, request.shotId(), request.projectId()).chain(shot -> {
            if (shot == null) {
                LOG.infof("task %s: shot %s is not in project %s; generation %s left unlinked", request.taskId(),
                        request.shotId(), request.projectId(), generation.id());
                return Uni.createFrom().voidItem();
            }
            return links.countInShot(connection, shot.id()).chain(count -> {
                if (count >= config.limits().linksPerShot()) {
                    LOG.warnf("task %s: shot %s is full (%d links); generation %s left unlinked", request.taskId(),
                            shot.id(), count, generation.id());
                    return Uni.createFrom().voidItem();
                }
                return link(connection, shot, generation, Boolean.TRUE.equals(request.addInPosition()));
            });
        });
    }

    private Uni<Void> link(SqlConnection connection, ShotRow shot, GenerationRow generation, boolean positioned) {
        return (positioned ? links.insertAfterLastPosition(connection, shot.id(), generation.id())
                : links.insert(connection, shot.id(), generation.id(), null)).replaceWithVoid();
    }
}
