package ai.reigh.devtools.worker;

import java.io.PrintStream;

/** The live one-line summary: totals and per-second rates over the last second. */
final class Progress {
    private final WorkerStats stats;
    private final PrintStream out;
    private final boolean quiet;
    private final boolean terminal = System.console() != null;
    private long lastClaimed;
    private long lastCompleted;
    private long lastFailed;
    private int ticks;

    Progress(WorkerStats stats, PrintStream out, boolean quiet) {
        this.stats = stats;
        this.out = out;
        this.quiet = quiet;
    }

    synchronized void tick() {
        long claimed = stats.claimed();
        long completed = stats.completed();
        long failed = stats.failedReported();
        String line = String.format("claimed %d (%d/s)  completed %d (%d/s)  failed %d (%d/s)  crashed %d  lost %d  errors %d",
                claimed, claimed - lastClaimed, completed, completed - lastCompleted, failed, failed - lastFailed,
                stats.crashes(), stats.leasesLost(), stats.errors());
        lastClaimed = claimed;
        lastCompleted = completed;
        lastFailed = failed;
        ticks++;
        if (quiet) {
            return;
        }
        if (terminal) {
            out.print("\r" + line + "   ");
            out.flush();
        } else if (ticks % 5 == 0) {
            out.println(line);
        }
    }

    synchronized void finish() {
        if (terminal && !quiet) {
            out.println();
        }
    }
}
