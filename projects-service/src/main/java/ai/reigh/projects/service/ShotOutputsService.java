package ai.reigh.projects.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.FinalVideoRow;
import ai.reigh.projects.repository.ProjectRepository;
import ai.reigh.projects.repository.ShotRepository;
import ai.reigh.projects.repository.ShotStatisticsRow;
import io.smallrye.mutiny.Uni;

/**
 * Reads of what shots produced (the web app's {@code shot_final_videos} and {@code shot_statistics}
 * views): a shot's final videos are its parent generation and the travel outputs (videos with
 * orchestrator params or segments) linked to it, top-level videos only.
 */
@ApplicationScoped
public class ShotOutputsService {
    private final Db db;
    private final ProjectRepository projects;
    private final ShotRepository shots;
    private final ProjectsConfig config;

    public ShotOutputsService(Db db, ProjectRepository projects, ShotRepository shots, ProjectsConfig config) {
        this.db = db;
        this.projects = projects;
        this.shots = shots;
        this.config = config;
    }

    /** Newest first; {@code withMedia}: only those whose video exists (not placeholders). */
    public Uni<List<FinalVideoRow>> ofShot(Caller caller, UUID shotId, boolean withMedia) {
        // A shot's candidates are its parent and its links: the cap of one bounds the list.
        int bound = config.limits().linksPerShot() + 1;
        return db.inTransaction(caller.asUser(), connection -> shots.findOwned(connection, shotId, caller.requireUserId())
                .map(ShotService::found)
                .chain(shot -> shots.finalVideosOfShot(connection, shot.projectId(), shotId, withMedia, bound))
                .map(rows -> rows.stream().map(row -> new FinalVideoRow(shotId, row)).toList()));
    }

    /** The project's final videos, newest first in cursor pages, each with its shot. */
    public Uni<Page<FinalVideoRow>> ofProject(Caller caller, UUID projectId, boolean withMedia, PageRequest page) {
        return db.inTransaction(caller.asUser(), connection -> projects
                .findOwned(connection, projectId, caller.requireUserId()).map(ProjectService::found)
                .chain(() -> shots.pageFinalVideos(connection, projectId, withMedia, page))
                .map(rows -> Page.of(rows, page, row -> row.generation().createdAt(), row -> row.generation().id()))
                .chain(result -> page.includeTotal()
                        ? shots.countFinalVideos(connection, projectId, withMedia).map(result::withTotal)
                        : Uni.createFrom().item(result)));
    }

    /** One row per shot of the project, in the shots' order (at most the per-project cap). */
    public Uni<List<ShotStatisticsRow>> statistics(Caller caller, UUID projectId) {
        return db.inTransaction(caller.asUser(), connection -> projects
                .findOwned(connection, projectId, caller.requireUserId()).map(ProjectService::found)
                .chain(() -> shots.statistics(connection, projectId, config.limits().shotsPerProject())));
    }
}
