package ai.reigh.devtools.worker;

/** One simulated worker, whichever protocol it speaks: its loop, its heartbeat, whether it has been idle. */
interface GpuWorker extends Runnable {
    /** Sends this worker's heartbeat now (the reference worker's heartbeat thread calls it). */
    void beat();

    /** How long it has had nothing to do (0 while it holds a task). */
    long idleNanos();
}
