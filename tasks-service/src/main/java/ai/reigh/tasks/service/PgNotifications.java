package ai.reigh.tasks.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * The instance's one listening connection ({@code LISTEN reigh_task_ready}: work may be claimable), separate
 * from the pool so that no request ever holds a connection while it waits. It reconnects on its
 * own, with a capped backoff; after every (re)connection the listeners are told that notifications
 * may have been missed ({@link #onConnected}), and every consumer also polls, so a lost notification
 * only delays.
 */
@ApplicationScoped
public class PgNotifications {
    public static final String TASK_READY = "reigh_task_ready";
    private static final Logger LOG = Logger.getLogger(PgNotifications.class);
    private static final long MAX_RECONNECT_DELAY_MILLIS = 5_000;

    private final Vertx vertx;
    private final String url;
    private final String user;
    private final String password;
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private volatile PgSubscriber subscriber;
    private volatile boolean stopping;

    public PgNotifications(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") java.util.Optional<String> password) {
        this.vertx = vertx;
        this.url = url;
        this.user = user;
        this.password = password.orElse("");
    }

    /** Runs {@code listener} (on an event loop: keep it short) for every notification on {@code channel}. */
    public void onNotification(String channel, Runnable listener) {
        listeners.computeIfAbsent(channel, name -> new CopyOnWriteArrayList<>()).add(listener);
    }

    /** Runs {@code listener} after each (re)connection: whatever was notified meanwhile is lost. */
    public void onConnected(Runnable listener) {
        connectedListeners.add(listener);
    }

    void start(@Observes StartupEvent startup) {
        PgConnectOptions options = PgConnectOptions.fromUri(url).setUser(user);
        if (!password.isEmpty()) {
            options.setPassword(password);
        }
        options.setConnectTimeout(5_000);
        PgSubscriber listening = PgSubscriber.subscriber(vertx, options);
        listening.reconnectPolicy(retries -> stopping ? -1L : Math.min(MAX_RECONNECT_DELAY_MILLIS, 100L << Math.min(retries, 6)));
        listening.channel(TASK_READY)
                .handler(payload -> listeners.getOrDefault(TASK_READY, List.of()).forEach(PgNotifications::runSafely))
                .subscribeHandler(() -> connectedListeners.forEach(PgNotifications::runSafely));
        subscriber = listening;
        connect(listening);
    }

    /** The first connection is retried here (the reconnect policy covers the ones after it). */
    private void connect(PgSubscriber listening) {
        listening.connect().onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofMillis(MAX_RECONNECT_DELAY_MILLIS))
                .until(failure -> !stopping)
                .subscribe().with(ok -> LOG.debug("listening for task notifications"),
                        failure -> LOG.warnf("notification listener not connected: %s", failure.toString()));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
        PgSubscriber listening = subscriber;
        if (listening != null) {
            listening.closeAndAwait();
        }
    }

    private static void runSafely(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.warnf("notification listener failed: %s", e.toString());
        }
    }
}
