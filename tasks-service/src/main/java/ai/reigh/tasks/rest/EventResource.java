package ai.reigh.tasks.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.RealtimeEvent;
import ai.reigh.tasks.service.RealtimeFeed;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;

/**
 * {@code GET /v1/events?project_id=}: server-sent events of the project's tasks, generations, their
 * variants and shot links (owner only; 404 otherwise). Each event is named as in API.md, carries its
 * id (resume with Last-Event-ID, or {@code ?last_event_id=} on a new connection) and
 * {@code data: {table, op, id, project_id, status?, new?, old?}}; a comment line keeps idle
 * connections open every 15 s.
 *
 * <p>Blocking on purpose, for the few milliseconds of the ownership check and the backlog read:
 * once a server-sent event stream starts its status is 200, so a 404 must be decided before.
 *
 * <p>A stream lives no longer than the token that opened it: it ends at the token's {@code exp}
 * (nothing is sent on it after that), and a token already past its {@code exp} (the verifier tolerates
 * a little clock skew) is a 401 before the stream starts. The client reconnects with a fresh token
 * and {@code Last-Event-ID}, and misses nothing that is still retained. Only users open streams, so
 * the credential always is a JWT with an expiry (a personal access token is a worker's).
 */
@Path("/v1/events")
@RolesAllowed(Roles.USER)
public class EventResource {
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);

    private final RealtimeFeed feed;
    private final CurrentCaller caller;
    private final ObjectMapper json;
    private final Duration keepAlive;

    public EventResource(RealtimeFeed feed, CurrentCaller caller, ObjectMapper json, TasksConfig config) {
        this.feed = feed;
        this.caller = caller;
        this.json = json;
        this.keepAlive = config.events().keepAlive();
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@QueryParam("project_id") String projectId,
            @HeaderParam("Last-Event-ID") String lastEventId, @QueryParam("last_event_id") String lastEventIdParam,
            @Context Sse sse) {
        UUID project = Params.uuid("project_id", projectId, true);
        // The header when present: an EventSource sends it on its own reconnections, and it is newer than
        // the URL's. The parameter is how a browser resumes on a new EventSource (after its token expired).
        Long resumeAfter = lastEventId != null && !lastEventId.isBlank() ? parseEventId(lastEventId, "Last-Event-ID")
                : parseEventId(lastEventIdParam, "last_event_id");
        Caller me = caller.get();
        Instant tokenExpiresAt = me.expiresAt().orElseThrow(() -> ProblemException.unauthorized(
                "An event stream needs a token that expires; sign in again."));
        if (!Instant.now().isBefore(tokenExpiresAt)) {
            throw ProblemException.unauthorized("The token has expired; reconnect with a fresh one and Last-Event-ID.");
        }
        RealtimeFeed.Subscribed subscribed = await(feed.subscribe(me, project, resumeAfter)
                .subscribeAsCompletionStage());
        Multi<OutboundSseEvent> events = subscribed.subscription().events(subscribed.backlog())
                .map(event -> toSse(sse, event));
        // The ticks end with the subscription, so that the stream ends when its events do.
        Multi<OutboundSseEvent> keepAlives = Multi.createFrom().ticks().every(keepAlive).onOverflow().drop()
                .select().first(tick -> !subscribed.subscription().isClosed())
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        // Ends (and unsubscribes, by cancelling both sources) when the token expires.
        Duration lifetime = Duration.between(Instant.now(), tokenExpiresAt);
        return Multi.createBy().merging().streams(events, keepAlives).select().first(lifetime.isNegative()
                ? Duration.ZERO : lifetime);
    }

    /** The subscription, or a problem; one that arrives after the timeout is closed, not leaked. */
    private static RealtimeFeed.Subscribed await(CompletableFuture<RealtimeFeed.Subscribed> pending) {
        try {
            return pending.get(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.thenAccept(late -> late.subscription().close());
            throw ProblemException.unavailable("The event stream could not be started; retry.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("The event stream could not be started; retry.");
        }
    }

    private OutboundSseEvent toSse(Sse sse, RealtimeEvent event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("table", event.tableName());
        data.put("op", event.op());
        data.put("id", event.rowId());
        data.put("project_id", event.projectId());
        if (event.status() != null) {
            data.put("status", event.status());
        }
        // The row after (and before) the change, as the project's owner may see it; see README
        // "Realtime events" for which columns, and what a client refetches instead.
        if (event.newRow() != null) {
            data.put("new", event.newRow());
        }
        if (event.oldRow() != null) {
            data.put("old", event.oldRow());
        }
        try {
            return sse.newEventBuilder().id(Long.toString(event.id())).name(event.event())
                    .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, json.writeValueAsString(data)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event is always serialisable", e);
        }
    }

    private static Long parseEventId(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ProblemException.validation(name, "must be an event id this stream sent");
        }
    }
}
