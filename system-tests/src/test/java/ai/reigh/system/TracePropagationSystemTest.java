package ai.reigh.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.TraceCollector;
import ai.reigh.common.testing.TraceCollector.CollectedSpan;
import ai.reigh.common.testing.Tokens;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * One trace across the platform: a worker's completion, sent through the gateway with a traceparent of
 * the test's own, is one trace from the gateway to tasks-service and its database, and — through the
 * outbox, delivered later by the relay in a batch call with other completions' generations — into
 * projects-service's writing of its generation, which continues the trace the completion stored. Each
 * batch call (generations, charges) is a trace of its own that the completion's trace is linked from.
 * Every span comes from the services' real OTLP export, read by a collector of the test's.
 */
class TracePropagationSystemTest {
    private static final Duration EXPORT_WAIT = Duration.ofSeconds(30);
    private static final Random RANDOM = new Random();

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    /** A new sampled W3C traceparent (a fresh trace id) and its trace id. */
    private record Traceparent(String header, String traceId) {
        static Traceparent fresh() {
            HexFormat hex = HexFormat.of();
            byte[] trace = new byte[16];
            byte[] span = new byte[8];
            RANDOM.nextBytes(trace);
            RANDOM.nextBytes(span);
            String traceId = hex.formatHex(trace);
            return new Traceparent("00-" + traceId + "-" + hex.formatHex(span) + "-01", traceId);
        }
    }

    @Test
    void aCompletionIsOneTraceFromTheGatewayThroughTheOutboxIntoTheGenerationAndLinkedFromItsBatchCalls() throws Exception {
        UUID user = UUID.randomUUID();
        String token = Tokens.user(user);
        Api.as(token).get("/v1/me").then().statusCode(200);
        Api.as(token).post("/v1/credits/welcome-bonus").then().statusCode(201);
        String project = Api.as(token).body(Map.of("name", "Traced")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        // A variant of a source generation that is not in the project: projects-service makes a new
        // generation instead, and says so in its log (a line the test looks for with the trace id).
        UUID missingSource = UUID.randomUUID();
        String task = Api.as(token).body(Map.of("project_id", project, "task_type", "single_image", "params",
                Map.of("prompt", "a lighthouse", "based_on", missingSource.toString()))).post("/v1/tasks").then()
                .statusCode(201).extract().path("id");
        String worker = Tokens.localWorker(user);
        JsonPath claim = Api.as(worker).body(Map.of("worker_id", "traced-" + user, "wait_seconds", 10))
                .post("/v1/workers/claim").then().statusCode(200).extract().jsonPath();
        assertThat(claim.getList("tasks.id")).containsExactly(task);
        String lease = claim.getString("tasks[0].lease_token");

        Traceparent completion = Traceparent.fresh();
        Api.as(worker).header("traceparent", completion.header())
                .body(Map.of("lease_token", lease, "output_location", "https://cdn.example.com/" + task + ".png"))
                .post("/v1/workers/tasks/" + task + "/complete").then().statusCode(200);

        TraceCollector collector = SystemUnderTest.shared().traces();
        List<CollectedSpan> trace = awaitSpans(collector, completion.traceId(), spans -> spans.stream()
                .anyMatch(span -> span.service().equals("projects-service") && span.name().equals("deliver generation")));

        Set<String> services = trace.stream().map(CollectedSpan::service).collect(Collectors.toSet());
        assertThat(services).as("services in the completion's trace")
                .contains("gateway", "tasks-service", "projects-service");
        // The gateway forwarded the request in a span of its own: tasks-service's request is its child.
        CollectedSpan completing = serverSpanOf(trace, "tasks-service");
        Set<String> gatewaySpans = spanIds(trace, "gateway");
        assertThat(gatewaySpans).contains(completing.parentSpanId());
        // tasks-service's database work is in the trace: the completing statement, which writes the outbox rows.
        assertThat(trace).anySatisfy(span -> {
            assertThat(span.service()).isEqualTo("tasks-service");
            assertThat(span.parentSpanId()).isEqualTo(completing.spanId());
            assertThat(span.attributes().get("db.statement")).contains("UPDATE tasks").contains("INSERT INTO task_outbox");
        });
        // The relay delivers the generation in a batch call (a trace of its own, linked from this one), and
        // projects-service writes it in a span continuing the trace stored with its outbox row: the span and
        // the statement that inserts the generation are in this trace.
        CollectedSpan generationCall = awaitLinkedSpan(collector, "outbox deliver generations", completion.traceId());
        assertThat(Long.parseLong(generationCall.attributes().get("reigh.outbox.count"))).isPositive();
        CollectedSpan written = trace.stream().filter(span -> span.name().equals("deliver generation")).findFirst()
                .orElseThrow();
        assertThat(written.service()).isEqualTo("projects-service");
        assertThat(written.attributes()).containsEntry("reigh.task_id", task);
        assertThat(trace).anySatisfy(span -> {
            assertThat(span.service()).isEqualTo("projects-service");
            assertThat(span.attributes().get("db.statement")).contains("INSERT INTO generations");
            assertThat(ancestors(trace, span)).extracting(CollectedSpan::spanId).contains(written.spanId());
        });
        // The charge goes in a batch call, which serves many completions: a trace of its own whose delivery
        // span links to this completion's trace, and credits-service's request and ledger insert in it.
        CollectedSpan chargeCall = awaitLinkedSpan(collector, "outbox deliver charges", completion.traceId());
        List<CollectedSpan> batch = awaitSpans(collector, chargeCall.traceId(), spans ->
                serverSpanOf(spans, "credits-service") != null);
        assertThat(Long.parseLong(chargeCall.attributes().get("reigh.outbox.count"))).isPositive();
        assertThat(ancestors(batch, serverSpanOf(batch, "credits-service"))).extracting(CollectedSpan::spanId)
                .contains(chargeCall.spanId());
        assertThat(batch).anySatisfy(span -> {
            assertThat(span.service()).isEqualTo("credits-service");
            assertThat(span.attributes().get("db.statement")).contains("INSERT INTO credits_ledger");
        });
        // Log lines name the trace: projects-service's, written while it received the delivered generation.
        Path log = SystemUnderTest.shared().service("projects").log();
        assertThat(Files.readAllLines(log)).anySatisfy(line -> assertThat(line)
                .contains(completion.traceId()).contains("source generation " + missingSource));
    }

    @Test
    void problemBodiesNameTheTraceNextToTheRequestId() {
        Traceparent fromService = Traceparent.fresh();
        Api.as(Tokens.user(UUID.randomUUID())).header("traceparent", fromService.header())
                .get("/v1/tasks/" + UUID.randomUUID()).then().statusCode(404)
                .body("code", equalTo("not_found")).body("trace_id", equalTo(fromService.traceId()))
                .header("X-Request-Id", notNullValue());

        Traceparent fromGateway = Traceparent.fresh();
        Api.given().header("traceparent", fromGateway.header()).get("/v1/no-such-route").then().statusCode(404)
                .body("trace_id", equalTo(fromGateway.traceId()));

        Api.given().get("/v1/no-such-route").then().statusCode(404)
                .body("trace_id", matchesPattern("[0-9a-f]{32}"));
    }

    private static CollectedSpan serverSpanOf(List<CollectedSpan> spans, String service) {
        return spans.stream().filter(span -> span.service().equals(service) && span.kind() == CollectedSpan.KIND_SERVER)
                .findFirst().orElse(null);
    }

    private static Set<String> spanIds(List<CollectedSpan> spans, String service) {
        return spans.stream().filter(span -> span.service().equals(service)).map(CollectedSpan::spanId)
                .collect(Collectors.toSet());
    }

    /** The span's parent, its parent's parent, ... as far as the trace has them. */
    private static List<CollectedSpan> ancestors(List<CollectedSpan> trace, CollectedSpan span) {
        Map<String, CollectedSpan> byId = trace.stream().collect(Collectors.toMap(CollectedSpan::spanId, s -> s, (a, b) -> a));
        List<CollectedSpan> ancestors = new ArrayList<>();
        CollectedSpan current = byId.get(span.parentSpanId());
        while (current != null && ancestors.size() < 50) {
            ancestors.add(current);
            current = byId.get(current.parentSpanId());
        }
        return ancestors;
    }

    private static CollectedSpan awaitLinkedSpan(TraceCollector collector, String name, String linkedTraceId)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(EXPORT_WAIT);
        while (Instant.now().isBefore(deadline)) {
            for (CollectedSpan span : collector.spans()) {
                if (span.name().equals(name) && span.linkedTraceIds().contains(linkedTraceId)) {
                    return span;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no span " + name + " linked to trace " + linkedTraceId + " after "
                + EXPORT_WAIT.toSeconds() + " s");
    }

    private static List<CollectedSpan> awaitSpans(TraceCollector collector, String traceId,
            Predicate<List<CollectedSpan>> complete) throws InterruptedException {
        Instant deadline = Instant.now().plus(EXPORT_WAIT);
        while (Instant.now().isBefore(deadline)) {
            List<CollectedSpan> trace = collector.trace(traceId);
            if (complete.test(trace)) {
                Thread.sleep(500); // the last batches of the other services
                return collector.trace(traceId);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("trace " + traceId + " incomplete after " + EXPORT_WAIT.toSeconds() + " s: "
                + collector.trace(traceId).stream().map(s -> s.service() + " " + s.name()).toList());
    }
}
