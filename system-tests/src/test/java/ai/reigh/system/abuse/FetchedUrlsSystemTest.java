package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * URLs: the platform never fetches a URL a client gives it — a listener on a private address is given
 * as a generation's, a resource's and a completed task's output and thumbnail URL, the completion is
 * delivered to projects-service, and the listener is never called. Workers do fetch what they find in
 * a task's params, so a task whose params point into a private network (loopback, private ranges,
 * cloud metadata, internal names, non-http schemes, odd IP notations) is refused with a 400 naming
 * the parameter; public URLs pass.
 */
class FetchedUrlsSystemTest {
    private static HttpServer listener;
    private static final List<String> HITS = new CopyOnWriteArrayList<>();
    private static TenantWorld alice;

    @BeforeAll
    static void start() throws Exception {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
        listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listener.createContext("/", exchange -> {
            HITS.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        listener.start();
        alice = TenantWorld.create("urls");
    }

    @AfterAll
    static void stop() {
        listener.stop(0);
    }

    private static String listenerUrl(String path) {
        return "http://127.0.0.1:" + listener.getAddress().getPort() + path;
    }

    @Test
    void thePlatformNeverFetchesAUrlItIsGiven() throws Exception {
        Api.as(alice.token()).body(Map.of("type", "image", "url", listenerUrl("/generation.png")))
                .post("/v1/projects/" + alice.project() + "/generations").then().statusCode(201);
        // A resource's URL is fetched by GPU workers: one on a private network is refused outright.
        Api.as(alice.token()).body(Map.of("type", "lora", "name", "probe", "url", listenerUrl("/lora.safetensors")))
                .post("/v1/resources").then().statusCode(400).body("errors.field", hasItem("url"));
        Api.as(alice.workerToken()).body(Map.of("lease_token", alice.lease(), "output_location",
                listenerUrl("/output.png"), "thumbnail_url", listenerUrl("/thumbnail.png")))
                .post("/v1/workers/tasks/" + alice.claimedTask() + "/complete").then().statusCode(200);
        // The completion's generation is created by projects-service from the outbox: wait for it.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<String> urls = List.of();
        while (Instant.now().isBefore(deadline) && !urls.contains(listenerUrl("/output.png"))) {
            urls = Api.as(alice.token()).get("/v1/projects/" + alice.project() + "/generations").then().statusCode(200)
                    .extract().path("items.url");
            Thread.sleep(200);
        }
        assertThat(urls).contains(listenerUrl("/output.png"), listenerUrl("/generation.png"));
        Api.as(alice.token()).get("/v1/resources?scope=mine").then().statusCode(200);
        Thread.sleep(1000);
        assertThat(HITS).as("requests the platform made to URLs it was given").isEmpty();
    }

    @Test
    void taskParamsThatWouldSendAWorkerIntoAPrivateNetworkAreRefused() {
        List<String> refused = List.of("http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://127.0.0.1:8081/internal/v1/generations", "http://[::1]/", "http://10.1.2.3/x.png",
                "http://192.168.0.10/x.png", "http://172.20.0.5/x.png", "http://2130706433/", "http://0x7f.1/",
                "http://localhost:9000/", "http://metadata.google.internal/computeMetadata/v1/",
                "http://storage-service:8084/v1/storage/objects", "http://minio.reigh.svc.cluster.local/reigh-training-data/x",
                "file:///etc/passwd", "gopher://127.0.0.1:6379/_FLUSHALL", "http://[fe80::1%25eth0]/",
                "http://[::ffff:169.254.169.254]/", "//10.0.0.1/x.png", listenerUrl("/task-input.png"));
        for (String url : refused) {
            Response answer = Api.as(alice.token()).body(Map.of("project_id", alice.project(), "task_type", "single_image",
                    "params", Map.of("prompt", "x", "loras", List.of(Map.of("path", url)))))
                    .post("/v1/tasks");
            Problems.assertProblem(answer, 400, "validation_failed", "params with " + url);
            assertThat(answer.jsonPath().getString("errors[0].field")).as(url).isEqualTo("params.loras[0].path");
        }
        Response child = Api.as(alice.workerToken()).body(Map.of("parent_task_id", alice.claimedTask(), "lease_token",
                alice.lease(), "task_type", "single_image", "params", Map.of("image", "http://10.0.0.1/a.png")))
                .post("/v1/workers/tasks");
        Problems.assertProblem(child, 400, "validation_failed", "sub-task with a private URL");
        assertThat(child.jsonPath().getString("errors[0].field")).isEqualTo("params.image");
        for (String url : List.of("https://cdn.example.com/in.png", "https://huggingface.co/x/y/resolve/main/l.safetensors",
                "http://8.8.8.8/x.png")) {
            Api.as(alice.token()).body(Map.of("project_id", alice.project(), "task_type", "single_image", "params",
                    Map.of("image_url", url, "prompt", "see http://10.0.0.1 for details")))
                    .post("/v1/tasks").then().statusCode(201);
        }
        assertThat(HITS).isEmpty();
    }
}
