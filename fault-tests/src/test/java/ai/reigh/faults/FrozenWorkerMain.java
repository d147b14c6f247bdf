package ai.reigh.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.devtools.http.PlatformClient;

/**
 * A worker as its own process, so that a test can freeze it with SIGSTOP: it claims one task, starts
 * it, "generates" for a few seconds while heartbeating, then completes it with the lease it was given
 * — whatever happened meanwhile (a naive worker: it does not look at the heartbeat's answer). Prints
 * one line per step ({@code CLAIMED <id> <lease>}, {@code STARTED <status>},
 * {@code COMPLETED <status> <code>}) for the test to follow.
 *
 * <p>Arguments: gateway URL, worker token, worker id, output URL.
 */
public final class FrozenWorkerMain {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final int WORK_SLICES = 6;
    private static final long SLICE_MILLIS = 500;

    private FrozenWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        String gateway = args[0];
        String token = args[1];
        String workerId = args[2];
        String output = args[3];
        JsonNode claimed = post(gateway, token, "/v1/workers/claim",
                Map.of("worker_id", workerId, "limit", 1, "wait_seconds", 10)).body();
        if (claimed == null || claimed.get("tasks").isEmpty()) {
            System.out.println("NOTHING");
            System.exit(2);
        }
        JsonNode task = claimed.get("tasks").get(0);
        String id = task.get("id").asText();
        String lease = task.get("lease_token").asText();
        System.out.println("CLAIMED " + id + " " + lease);
        Answer started = post(gateway, token, "/v1/workers/tasks/" + id + "/start", Map.of("lease_token", lease));
        System.out.println("STARTED " + started.status());
        for (int slice = 0; slice < WORK_SLICES; slice++) {
            Thread.sleep(SLICE_MILLIS);
            post(gateway, token, "/v1/workers/heartbeat", Map.of("worker_id", workerId, "task_ids", List.of(id)));
        }
        Answer completed = post(gateway, token, "/v1/workers/tasks/" + id + "/complete", Map.of("lease_token", lease,
                "output_location", output, "result_data", Map.of("worker", workerId)));
        JsonNode code = completed.body() == null ? null : completed.body().get("code");
        System.out.println("COMPLETED " + completed.status() + " " + (code == null ? "-" : code.asText()));
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer post(String gateway, String token, String path, Object body)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(PlatformClient.JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] raw = answer.body();
        return new Answer(answer.statusCode(), raw == null || raw.length == 0 ? null : PlatformClient.JSON.readTree(raw));
    }
}
