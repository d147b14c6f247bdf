package ai.reigh.tasks.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every duration and limit of the task queue ({@code reigh.tasks.*}, overridable as environment
 * variables, e.g. {@code REIGH_TASKS_LEASE_DURATION=90s}). Defaults are the production values.
 */
@ConfigMapping(prefix = "reigh.tasks")
public interface TasksConfig {

    /** How long a claim (and each renewal) holds a task before the reaper may take it back. */
    @WithDefault("60s")
    Duration leaseDuration();

    /** The heartbeat period workers are told to keep (renewals must come well within a lease). */
    @WithDefault("20s")
    Duration heartbeatInterval();

    /** Claims a task may take before a failure or an expired lease makes it Failed. */
    @WithDefault("3")
    int maxAttempts();

    /** Retry backoff after a retryable failure: base × 2^(attempt-1), capped, with ±25 % jitter. */
    @WithDefault("5s")
    Duration retryBackoffBase();

    @WithDefault("5m")
    Duration retryBackoffMax();

    /** Largest accepted {@code params} document (serialised bytes). */
    @WithDefault("65536")
    int maxParamsBytes();

    /** Largest accepted {@code result_data} document (serialised bytes). */
    @WithDefault("262144")
    int maxResultBytes();

    /** Sub-tasks one orchestrator may create. */
    @WithDefault("1000")
    int maxChildrenPerTask();

    /**
     * How deep orchestrators may nest: a top-level task is at depth 0, its children at 1; a sub-task
     * that would be deeper than this is refused ({@code nesting_too_deep}).
     */
    @WithDefault("2")
    int maxNestingDepth();

    /**
     * The task types each orchestration type may spawn, keyed by the orchestrator's type
     * ({@code reigh.tasks.families."travel_orchestrator"=travel_segment,travel_stitch,...}; the defaults,
     * the deployed GPU worker's families, are in application.properties). A task whose type is not an
     * orchestration type with a family here has no children.
     */
    Map<String, List<String>> families();

    Claim claim();

    Reaper reaper();

    Relay relay();

    Events events();

    Creation creation();

    /** The deployed fleet's protocol (docs/worker-compat.md). */
    Compat compat();

    Metrics metrics();

    interface Metrics {
        /**
         * The most tasks a queue gauge ({@code reigh_tasks_queue_depth}) counts per state and run type;
         * a deeper queue reads this. Each sample reads every row it counts, and scaling (eight workers at
         * most) and the alerts (over 1 000 queued) never ask beyond a few thousand. The operator's queue
         * view counts exactly, on demand.
         */
        @WithDefault("10000")
        int queueDepthCap();
    }

    interface Claim {
        /** Parked long polls per instance; beyond it a claim that would wait is answered 429. */
        @WithDefault("2000")
        int maxParked();

        /** Parked claimers woken per notification (the one that finds work wakes the next). */
        @WithDefault("4")
        int wakeBatch();

        /** The fallback: parked claimers are retried this often even without a notification. */
        @WithDefault("1s")
        Duration pollInterval();
    }

    interface Reaper {
        @WithDefault("5s")
        Duration interval();

        /** Expired leases handled per run. */
        @WithDefault("500")
        int batchSize();

        /** A worker without a heartbeat for this long is marked inactive. */
        @WithDefault("60s")
        Duration workerInactiveAfter();

        /** Delivered outbox rows are kept this long (then pruned, in bounded batches). */
        @WithDefault("7d")
        Duration deliveredOutboxRetention();

        /** Rows deleted per prune statement (events, delivered outbox rows). */
        @WithDefault("5000")
        int pruneBatchSize();
    }

    interface Relay {
        /** The fallback poll of the outbox (completions also wake it at once). */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * How long a wake-up waits for more completions before it reserves a batch. Woken at once by every
         * completion, the relay at a few hundred completions a second made one batch, one receiver call
         * and one settlement per one or two rows; a few milliseconds later they share them
         * (docs/performance.md). Zero: at once.
         */
        @WithDefault("20ms")
        Duration gather();

        /**
         * Rows reserved per batch. Charges go in calls of up to 100, and one batch is out at a time per
         * instance: at 50 the relay fell behind 16 workers' completions (docs/performance.md).
         */
        @WithDefault("200")
        int batchSize();

        /** Deliveries in flight at once per instance. */
        @WithDefault("8")
        int concurrency();

        /** A reserved row not settled by then (the instance died mid-delivery) becomes due again. */
        @WithDefault("60s")
        Duration inFlightTimeout();

        /** Redelivery backoff: base × 2^(attempts-1), capped, with ±25 % jitter. */
        @WithDefault("1s")
        Duration backoffBase();

        @WithDefault("60s")
        Duration backoffMax();
    }

    interface Events {
        /** How long realtime events are kept (what Last-Event-ID can resume from). */
        @WithDefault("1h")
        Duration retention();

        @WithDefault("15s")
        Duration keepAlive();

        /** Events replayed at most on a resume; older ones must be re-read through the API. */
        @WithDefault("1000")
        int backlogLimit();

        /** Events buffered per subscriber; a subscriber that falls further behind is disconnected. */
        @WithDefault("1000")
        int subscriberBuffer();

        @WithDefault("10000")
        int maxSubscribers();

        @WithDefault("20")
        int maxSubscribersPerUser();

        /** Rows read per feed query. */
        @WithDefault("500")
        int readBatch();

        /** How long the feed waits for an event id that was allocated but not yet committed. */
        @WithDefault("3s")
        Duration gapTimeout();

        /** How often the feed reads new events while anyone is subscribed on this instance. */
        @WithDefault("100ms")
        Duration liveInterval();

        /** The backstop poll of the feed (and the sweep of subscriptions whose stream never started). */
        @WithDefault("2s")
        Duration pollInterval();
    }

    interface Compat {
        /**
         * The lease of a task claimed through the fleet's protocol, and of each renewal: its heartbeats
         * come every 20 s and name no task, so the lease must outlast a few of them comfortably.
         */
        @WithDefault("90s")
        Duration leaseDuration();

        /**
         * How long claim-next-task waits for work before its 204 (the fleet's claim times out at 15 s and
         * then polls every 10 s): a task queued meanwhile is handed out at once.
         */
        @WithDefault("10s")
        Duration claimWait();

        /** Largest body of complete_task (inline outputs: about 4/3 of the file); every other route keeps 1 MiB. */
        @WithDefault("5242880")
        long maxBodyBytes();

        /** Largest inline file, decoded (the fleet sends files under 2 MB inline). */
        @WithDefault("3145728")
        long maxInlineFileBytes();

        /** Inline completions decoded at once per instance (each holds its body and file); beyond: 503. */
        @WithDefault("16")
        int maxConcurrentInlineCompletions();
    }

    interface Creation {
        /** Sustained task creations per user per second (per instance), and the burst allowed. */
        @WithDefault("50")
        double ratePerSecond();

        @WithDefault("200")
        int burst();
    }
}
