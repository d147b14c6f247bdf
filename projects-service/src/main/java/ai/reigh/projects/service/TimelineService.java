package ai.reigh.projects.service;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.ShotLinkRepository;
import ai.reigh.projects.repository.ShotLinkRow;
import ai.reigh.projects.repository.ShotRepository;
import ai.reigh.projects.repository.ShotRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The timeline operations of a shot. Each is one transaction that locks the shot's row first (the
 * same discipline as every link change), reads its links, plans the new frames in memory and writes
 * them in one statement, then answers the shot's whole timeline as it now is. Two clients changing
 * one shot therefore take turns, and each sees the other's result; the unique (shot, position)
 * constraint, checked at the end of each statement, is the last word on shared frames.
 */
@ApplicationScoped
public class TimelineService {
    private final Db db;
    private final ShotRepository shots;
    private final ShotLinkRepository links;
    private final LinkedGenerations generations;
    private final ProjectsConfig config;

    public TimelineService(Db db, ShotRepository shots, ShotLinkRepository links, LinkedGenerations generations,
            ProjectsConfig config) {
        this.db = db;
        this.shots = shots;
        this.links = links;
        this.generations = generations;
        this.config = config;
    }

    /** The shot's links after an operation, and the links it created (append only). */
    public record Outcome(List<ShotLinkRow> links, List<ShotLinkRow> added) {
    }

    /** A frame for one link; {@code metadataPatch} (may be null) is a JSON merge patch of its metadata. */
    public record PositionChange(UUID id, Integer position, JsonNode metadataPatch) {
    }

    /**
     * The generations (the caller's, in the shot's project), in order, after the last frame:
     * {@code spacing} apart (default 50), the first one {@code spacing} after the last frame (0 on an
     * empty timeline). Duplicates are links too (the same generation may be in a shot twice).
     */
    public Uni<Outcome> append(Caller caller, UUID shotId, List<UUID> generationIds, Integer spacing, JsonNode metadata) {
        int step = spacing == null ? TimelinePlan.DEFAULT_SPACING : spacing;
        TimelinePlan.requireSpacing("spacing", step);
        Inputs.requireObjectOrAbsent("metadata", metadata, config.limits().jsonDocumentBytes());
        UUID me = caller.requireUserId();
        return changeWithShot(caller, shotId, (connection, shot) -> generations
                .requireInProject(connection, generationIds, shot.projectId(), me)
                .chain(() -> links.countInShot(connection, shotId))
                .invoke(count -> Quotas.requireRoom(count + generationIds.size() - 1, config.limits().linksPerShot(),
                        "generations per shot"))
                .chain(() -> links.lastPosition(connection, shotId))
                .chain(last -> {
                    int first = last == null ? 0 : last + step;
                    long end = first + (long) (generationIds.size() - 1) * step;
                    if (end > ShotLinkRepository.MAX_POSITION) {
                        throw ProblemException.unprocessable(ProjectErrors.POSITION_OUT_OF_RANGE, "The timeline would end"
                                + " at frame " + end + ", past " + ShotLinkRepository.MAX_POSITION
                                + "; normalize the shot or remove frames first.");
                    }
                    return links.append(connection, shotId, generationIds.toArray(UUID[]::new), first, step, metadata);
                }));
    }

    /**
     * Many frames in one call: swaps, rotations and moves off the timeline (position null) included.
     * Every id must be a link of this shot, once; the end state may not put two links on one frame
     * (409 {@code position_taken}, nothing changed).
     */
    public Uni<Outcome> setPositions(Caller caller, UUID shotId, List<PositionChange> changes) {
        for (int i = 0; i < changes.size(); i++) {
            PositionChange change = changes.get(i);
            ShotLinkService.requirePosition("positions[" + i + "].position", change.position());
            Inputs.requireObjectOrAbsent("positions[" + i + "].metadata", change.metadataPatch(),
                    config.limits().jsonDocumentBytes());
        }
        List<UUID> ids = changes.stream().map(PositionChange::id).toList();
        return change(caller, shotId, (connection, current) -> {
            Map<UUID, ShotLinkRow> byId = new HashMap<>();
            current.forEach(link -> byId.put(link.id(), link));
            TimelinePlan.requireLinksOfShot(ids, byId.keySet(), i -> "positions[" + i + "].id");
            Map<UUID, Integer> frames = new LinkedHashMap<>();
            changes.forEach(change -> frames.put(change.id(), change.position()));
            TimelinePlan.requireDistinctFrames(current, frames);
            ArrayNode rows = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < changes.size(); i++) {
                PositionChange change = changes.get(i);
                ObjectNode row = row(change.id(), change.position());
                if (change.metadataPatch() != null) {
                    JsonNode merged = JsonMergePatch.apply(byId.get(change.id()).metadata(), change.metadataPatch());
                    Inputs.requireObjectOrAbsent("positions[" + i + "].metadata", merged, config.limits().jsonDocumentBytes());
                    row.set("metadata", merged);
                }
                rows.add(row);
            }
            return links.apply(connection, shotId, rows);
        });
    }

    /**
     * The given order, evenly {@code spacing} apart from frame 0. It must name every link now on the
     * timeline, once; links off the timeline may be named too (they are placed) or left off.
     */
    public Uni<Outcome> reorder(Caller caller, UUID shotId, List<UUID> linkIds, Integer spacing) {
        int step = spacing == null ? TimelinePlan.DEFAULT_SPACING : spacing;
        TimelinePlan.requireSpacing("spacing", step);
        return change(caller, shotId, (connection, current) -> {
            TimelinePlan.requireLinksOfShot(linkIds, TimelinePlan.ids(current), i -> "link_ids");
            Set<UUID> named = Set.copyOf(linkIds);
            long left = current.stream().filter(link -> link.position() != null && !named.contains(link.id())).count();
            if (left > 0) {
                throw ProblemException.validation("link_ids", "must name every link on the timeline (" + left
                        + " left out); links off the timeline may be left out");
            }
            return write(connection, shotId, current, TimelinePlan.evenly(linkIds, step, "spacing"));
        });
    }

    /** The timeline's links in their order, re-spaced (see {@link Normalization}). */
    public Uni<Outcome> normalize(Caller caller, UUID shotId, Normalization normalization) {
        return change(caller, shotId, (connection, current) -> write(connection, shotId, current,
                normalization.plan(TimelinePlan.positioned(current))));
    }

    /** Takes the links off the timeline (they stay in the shot); then re-spaces it if asked. */
    public Uni<Outcome> unposition(Caller caller, UUID shotId, List<UUID> linkIds, Normalization normalization) {
        return change(caller, shotId, (connection, current) -> {
            TimelinePlan.requireLinksOfShot(linkIds, TimelinePlan.ids(current), i -> "link_ids");
            Set<UUID> named = Set.copyOf(linkIds);
            Map<UUID, Integer> plan = new LinkedHashMap<>();
            linkIds.forEach(id -> plan.put(id, null));
            if (normalization != null) {
                plan.putAll(normalization.plan(TimelinePlan.positioned(current.stream()
                        .filter(link -> !named.contains(link.id())).toList())));
            }
            return write(connection, shotId, current, plan);
        });
    }

    /** Removes the links from the shot (the generations stay in the project); then re-spaces if asked. */
    public Uni<Outcome> remove(Caller caller, UUID shotId, List<UUID> linkIds, Normalization normalization) {
        return change(caller, shotId, (connection, current) -> {
            TimelinePlan.requireLinksOfShot(linkIds, TimelinePlan.ids(current), i -> "link_ids");
            Set<UUID> named = Set.copyOf(linkIds);
            List<ShotLinkRow> remaining = current.stream().filter(link -> !named.contains(link.id())).toList();
            return links.deleteMany(connection, shotId, linkIds.toArray(UUID[]::new))
                    .chain(() -> normalization == null ? Uni.createFrom().item(0)
                            : write(connection, shotId, remaining, normalization.plan(TimelinePlan.positioned(remaining))));
        });
    }

    /** Writes the links that move, in one statement; a plan that moves nothing writes nothing. */
    private Uni<Integer> write(SqlConnection connection, UUID shotId, List<ShotLinkRow> current, Map<UUID, Integer> plan) {
        Map<UUID, Integer> moves = TimelinePlan.moves(current, plan);
        if (moves.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        TimelinePlan.requireDistinctFrames(current, moves);
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        moves.forEach((id, position) -> rows.add(row(id, position)));
        return links.apply(connection, shotId, rows);
    }

    private static ObjectNode row(UUID id, Integer position) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("id", id.toString());
        if (position == null) {
            row.putNull("position");
        } else {
            row.put("position", position);
        }
        return row;
    }

    /** Locks the shot, hands its links to {@code work}, answers the links afterwards. */
    private Uni<Outcome> change(Caller caller, UUID shotId,
            BiFunction<SqlConnection, List<ShotLinkRow>, Uni<?>> work) {
        return changeOf(caller, shotId, (connection, shot, current) -> work.apply(connection, current)
                .replaceWith((List<ShotLinkRow>) null));
    }

    /** The append's form: the work sees the shot and says which links it added. */
    private Uni<Outcome> changeWithShot(Caller caller, UUID shotId, ShotWork work) {
        return changeOf(caller, shotId, (connection, shot, current) -> work.apply(connection, shot));
    }

    private Uni<Outcome> changeOf(Caller caller, UUID shotId, Work work) {
        int cap = config.limits().linksPerShot();
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, shotId, caller.requireUserId())
                .map(ShotService::found)
                .chain(shot -> links.listInShot(connection, shotId, null, cap)
                        .chain(current -> work.apply(connection, shot, current))
                        .chain(added -> links.listInShot(connection, shotId, null, cap)
                                .map(after -> new Outcome(after, added)))))
                .onFailure(ShotLinkService::isPositionTaken).transform(failure -> ShotLinkService.positionTaken(null));
    }

    @FunctionalInterface
    private interface Work {
        Uni<List<ShotLinkRow>> apply(SqlConnection connection, ShotRow shot, List<ShotLinkRow> current);
    }

    @FunctionalInterface
    private interface ShotWork {
        Uni<List<ShotLinkRow>> apply(SqlConnection connection, ShotRow shot);
    }
}
