package ai.reigh.devtools.worker;

/** {@code ./reigh worker}: the reference GPU worker (simulated). */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkerOptions options;
        try {
            options = WorkerOptions.parse(args);
        } catch (WorkerOptions.UsageException | NumberFormatException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        WorkerStats stats = new ReferenceWorker(options, System.out).run();
        System.exit(stats.errors() > 0 && stats.completed() == 0 ? 1 : 0);
    }
}
