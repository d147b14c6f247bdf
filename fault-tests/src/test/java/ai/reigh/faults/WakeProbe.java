package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.testing.Api;
import ai.reigh.devtools.http.PlatformClient;

/**
 * How fast a long poll parked on one tasks-service instance is woken by a task created on another: a
 * claim with {@code wait_seconds} is sent to instance P; once its first attempt has found nothing (its
 * worker row is there) a task is created on instance C; the time from the task's creation (its
 * {@code created_at}, same machine clock) to the claim's answer carrying it is one sample. The probe has
 * its own tenant and local worker, so no other worker can take its tasks; each probe task is then
 * completed, so that it ends like any other.
 */
final class WakeProbe {
    static final int WAIT_SECONDS = 20;

    /** One measurement: where the claim was parked, where the task was created, and the latency. */
    record Sample(String parkedOn, String createdOn, double seconds) {
    }

    private final Platform.Tenant tenant = Platform.newTenant("wake-probe", new BigDecimal("100"));
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());

    /** Parks a claim on {@code parkOn} (a tasks-service URL), creates a task on {@code createOn}. */
    Sample measure(String parkName, String parkOn, String createName, String createOn) throws Exception {
        String workerId = "wake-probe-" + samples.size() + "-" + System.nanoTime();
        CompletableFuture<Long> answeredAt = new CompletableFuture<>();
        CompletableFuture<HttpResponse<byte[]>> claim = Platform.HTTP.sendAsync(
                post(parkOn + "/v1/workers/claim", tenant.workerToken(),
                        Map.of("worker_id", workerId, "limit", 1, "wait_seconds", WAIT_SECONDS)),
                HttpResponse.BodyHandlers.ofByteArray()).whenComplete((answer, failure) ->
                        answeredAt.complete(System.currentTimeMillis()));
        // The claim's first attempt registers its worker in the same statement: once the row is there,
        // the attempt found nothing and the claim is parked (a notification in between wakes it at once).
        Await.until("the probe's claim parked on " + parkName, Duration.ofSeconds(20), () ->
                Platform.count("SELECT count(*) FROM workers WHERE id = ?", workerId) == 1);
        assertThat(claim).as("nothing to claim yet: the probe's claim waits").isNotDone();

        HttpResponse<byte[]> created = Platform.HTTP.send(post(createOn + "/v1/tasks", tenant.token(),
                Map.of("project_id", tenant.projectId(), "task_type", "single_image",
                        "params", Map.of("prompt", "wake probe " + workerId))), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(created.statusCode()).as("probe task created on %s", createName).isEqualTo(201);
        String taskId = PlatformClient.JSON.readTree(created.body()).get("id").asText();

        HttpResponse<byte[]> answer = claim.get(WAIT_SECONDS + 20L, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as("the parked claim on %s got the task created on %s", parkName, createName)
                .isEqualTo(200);
        JsonNode task = PlatformClient.JSON.readTree(answer.body()).get("tasks").get(0);
        assertThat(task.get("id").asText()).isEqualTo(taskId);
        double createdAtMillis = ((Number) Platform.sql(sql -> sql.value(
                "SELECT extract(epoch FROM created_at) * 1000 FROM tasks WHERE id = ?::uuid", taskId))).doubleValue();
        Sample sample = new Sample(parkName, createName, Math.max(0, answeredAt.get() - createdAtMillis) / 1000.0);
        samples.add(sample);

        String lease = task.get("lease_token").asText();
        Api.as(tenant.workerToken()).body(Map.of("lease_token", lease)).post("/v1/workers/tasks/" + taskId + "/start")
                .then().statusCode(200);
        Api.as(tenant.workerToken()).body(Map.of("lease_token", lease, "output_location",
                "https://cdn.example.test/wake-probe.png")).post("/v1/workers/tasks/" + taskId + "/complete")
                .then().statusCode(200);
        return sample;
    }

    private static HttpRequest post(String url, String token, Object body) throws IOException {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(WAIT_SECONDS + 15L))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(PlatformClient.JSON.writeValueAsBytes(body))).build();
    }

    /** The samples of one direction (parked on {@code parkName}), in seconds, sorted. */
    List<Double> seconds(String parkName) {
        synchronized (samples) {
            return samples.stream().filter(sample -> sample.parkedOn().equals(parkName)).map(Sample::seconds).sorted()
                    .toList();
        }
    }

    Platform.Tenant tenant() {
        return tenant;
    }

    static double median(List<Double> sorted) {
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    static double max(List<Double> sorted) {
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1);
    }
}
