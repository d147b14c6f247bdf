package ai.reigh.tasks.repository;

/** Tasks per status (of a project, or of all of a user's projects). */
public record TaskCounts(long queued, long inProgress, long complete, long failed, long cancelled) {
}
