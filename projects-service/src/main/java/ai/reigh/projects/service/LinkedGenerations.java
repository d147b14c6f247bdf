package ai.reigh.projects.service;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ShotLinkRepository;
import ai.reigh.projects.repository.ShotLinkRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** The generations on the other end of shot links: checked before linking, embedded when listing. */
@ApplicationScoped
public class LinkedGenerations {
    private final ShotLinkRepository links;

    public LinkedGenerations(ShotLinkRepository links) {
        this.links = links;
    }

    /**
     * Every generation must be the user's (else 404, like any foreign resource: its existence is not
     * revealed) and in {@code projectId} (else 422 {@code generation_not_in_project}: the user owns
     * both, so saying why reveals nothing).
     */
    public Uni<Void> requireInProject(SqlConnection connection, List<UUID> generationIds, UUID projectId, UUID userId) {
        Set<UUID> wanted = new HashSet<>(generationIds);
        return links.projectsOfGenerations(connection, wanted.toArray(UUID[]::new), userId).invoke(projects -> {
            if (projects.size() != wanted.size()) {
                throw ProblemException.notFound("Generation");
            }
            if (projects.values().stream().anyMatch(project -> !project.equals(projectId))) {
                throw ProblemException.unprocessable(ProjectErrors.GENERATION_NOT_IN_PROJECT,
                        "A generation belongs to another project than the shot.");
            }
        }).replaceWithVoid();
    }

    /** The generations of these links (all in {@code projectId}), by id; none when not asked for. */
    public Uni<Map<UUID, GenerationRow>> of(SqlConnection connection, UUID projectId, List<ShotLinkRow> linked,
            boolean embed) {
        if (!embed || linked.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        UUID[] ids = linked.stream().map(ShotLinkRow::generationId).distinct().toArray(UUID[]::new);
        return links.generationsInProject(connection, projectId, ids)
                .map(rows -> rows.stream().collect(Collectors.toMap(GenerationRow::id, Function.identity())));
    }
}
