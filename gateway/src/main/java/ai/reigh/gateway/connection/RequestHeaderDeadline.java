package ai.reigh.gateway.connection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import ai.reigh.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * How long a client may take to deliver the complete headers of its next request: counted from the
 * moment its connection opens, and again from the end of each response (a kept-alive connection is
 * waiting for its next request's headers too). A connection still without complete headers at the
 * deadline is closed, whatever it trickles meanwhile: an idle timeout alone is reset by every byte, so
 * a client sending one header byte every few seconds (slowloris) would hold its connection forever.
 *
 * <p>The timer is per connection, on the connection's own event loop, so it needs no locking: armed
 * when the connection opens ({@link PublicListener} hands every new connection here), cancelled when a
 * request's headers are complete (the first route of the router, where the request becomes visible),
 * armed again when the last response on the connection has ended.
 */
@ApplicationScoped
public class RequestHeaderDeadline {
    private final Vertx vertx;
    private final long deadlineMillis;
    private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();

    public RequestHeaderDeadline(Vertx vertx, GatewayConfig config) {
        this.vertx = vertx;
        this.deadlineMillis = config.requestHeaderTimeout().toMillis();
    }

    /** Before every other route: a request has arrived, so its headers are complete. */
    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::requestArrived);
    }

    /** A new connection (on its event loop): its first request's headers are due within the deadline. */
    void opened(HttpConnection connection) {
        Watch watch = new Watch(connection);
        watches.put(connection, watch);
        connection.closeHandler(closed -> {
            watches.remove(connection);
            watch.cancel();
        });
        watch.awaitHeaders();
    }

    void requestArrived(RoutingContext context) {
        Watch watch = watches.get(context.request().connection());
        if (watch != null) {
            watch.requestStarted();
            context.addEndHandler(ended -> watch.requestEnded());
        }
        context.next();
    }

    /** One connection's state; touched only on its event loop. */
    private final class Watch {
        private final HttpConnection connection;
        private int requestsInFlight;
        private long timer = -1;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        void awaitHeaders() {
            cancel();
            timer = vertx.setTimer(deadlineMillis, fired -> {
                timer = -1;
                if (requestsInFlight == 0) {
                    connection.close();
                }
            });
        }

        void requestStarted() {
            requestsInFlight++;
            cancel();
        }

        void requestEnded() {
            requestsInFlight = Math.max(0, requestsInFlight - 1);
            if (requestsInFlight == 0) {
                awaitHeaders();
            }
        }

        void cancel() {
            if (timer != -1) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
