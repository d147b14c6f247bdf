package ai.reigh.tasks.repository;

/** Tasks per status (of a project, of several, or of all of a user's projects), and their sum. */
public record TaskCounts(long queued, long inProgress, long complete, long failed, long cancelled, long total) {

    public TaskCounts(long queued, long inProgress, long complete, long failed, long cancelled) {
        this(queued, inProgress, complete, failed, cancelled, queued + inProgress + complete + failed + cancelled);
    }
}
