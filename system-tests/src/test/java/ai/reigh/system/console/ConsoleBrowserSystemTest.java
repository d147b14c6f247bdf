package ai.reigh.system.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import io.restassured.RestAssured;

/**
 * The operator console as a person uses it: a real headless Chromium against the whole platform,
 * through the gateway. An operator signs in with the link {@code ./reigh up} prints, sees the queue,
 * filters tasks, opens one, cancels it and watches the overview change without a reload, sees the
 * fleet, grants credits and sees the balance and the ledger agree, and looks at storage; a user who is
 * not an operator is refused. A screenshot of each page is written to target/console-screenshots/.
 */
class ConsoleBrowserSystemTest {
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static String gateway;
    private static Browser browser;

    @BeforeAll
    static void platform() throws Exception {
        gateway = SystemUnderTest.shared().gatewayUrl();
        RestAssured.baseURI = gateway;
        browser = Browser.start();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aUserWhoIsNotAnOperatorIsRefused() throws Exception {
        UUID user = UUID.randomUUID();
        browser.open(gateway + "/console/#token=" + Tokens.user(user));
        assertThat(browser.awaitText("#forbidden h1", text -> text.contains("403"), "the 403 page")).contains("not an operator");
        assertThat(browser.text("#forbidden")).contains(user.toString());
        assertThat(browser.script("return location.hash;").asText()).as("the token left the address bar")
                .doesNotContain("token=");
        browser.screenshot(SCREENSHOTS.resolve("403.png"));
    }

    @Test
    void anOperatorSeesTheQueueCancelsATaskGrantsCreditsAndNeverReloads() throws Exception {
        Owner owner = Owner.withTasks("image_upscale", 3);
        UUID adminId = UUID.randomUUID();
        browser.open(gateway + "/console/#token=" + Tokens.admin(adminId));
        browser.awaitText("#overview-live", text -> text.startsWith("live"), "the overview's first live update");
        System.out.printf("[console] first contentful paint %.0f ms, DOM content loaded %.0f ms%n",
                browser.script("const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : -1;").asDouble(),
                browser.script("return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd;").asDouble());
        browser.script("window.consoleDocument = 'the same one';");
        String queued = "[data-key=\"Queued/image_upscale\"]";
        int before = Integer.parseInt(browser.awaitText(queued, text -> Integer.parseInt(text) >= 3, "our queued tasks"));
        browser.screenshot(SCREENSHOTS.resolve("overview.png"));

        // Filter the task list to our owner, open a task, cancel it.
        browser.click("#nav a[data-page=tasks]");
        browser.type("#task-filters input[name=user_id]", owner.id().toString());
        browser.click("#task-filter-submit");
        browser.awaitText("#task-list", text -> text.split("image_upscale", -1).length - 1 == 3, "our three tasks");
        browser.screenshot(SCREENSHOTS.resolve("tasks.png"));
        browser.click("#task-list tbody tr a");
        String history = browser.awaitText("#task-history", text -> text.contains("created"), "the task's history");
        assertThat(history).contains("Queued").contains("user");
        browser.click("#task-cancel");
        browser.click("#task-cancel");
        browser.awaitText("h1", text -> text.contains("Cancelled"), "the cancelled task");
        assertThat(browser.text("#task-history")).contains("admin " + adminId.toString().substring(0, 8));
        browser.screenshot(SCREENSHOTS.resolve("task.png"));

        // Back to the overview: one fewer queued; then a cancel elsewhere shows up live, without navigating.
        browser.click("#nav a[data-page=overview]");
        browser.awaitText(queued, text -> Integer.parseInt(text) == before - 1, "the overview after the cancel");
        Api.as(owner.token()).post("/v1/tasks/" + owner.tasks().get(0) + "/cancel").then().statusCode(200);
        browser.awaitText(queued, text -> Integer.parseInt(text) == before - 2, "a cancel made elsewhere, live");

        // The fleet: a worker that just heartbeated is online.
        String workerId = "console-gpu-" + UUID.randomUUID().toString().substring(0, 8);
        Api.as(Tokens.worker()).body(Map.of("worker_id", workerId, "current_model", "wan-2.2")).post("/v1/workers/heartbeat")
                .then().statusCode(200);
        browser.click("#nav a[data-page=fleet]");
        assertThat(browser.awaitText("#fleet-list", text -> text.contains(workerId), "the new worker"))
                .contains("online").contains("wan-2.2");
        browser.screenshot(SCREENSHOTS.resolve("fleet.png"));

        // Credits: grant, and the balance and the ledger agree.
        browser.script("location.hash = arguments[0];", "#/credits/" + owner.id());
        BigDecimal balance = new BigDecimal(browser.awaitText("#account-balance", text -> !text.isBlank(), "the balance"));
        assertThat(browser.text("#account-consistent")).isEqualTo("balance = Σ ledger");
        browser.type("#grant-amount", "12.5");
        browser.type("#grant-reason", "console browser test");
        browser.click("#grant-submit");
        BigDecimal expected = balance.add(new BigDecimal("12.5"));
        browser.awaitText("#account-balance", text -> new BigDecimal(text).compareTo(expected) == 0, "the granted balance");
        assertThat(new BigDecimal(browser.text("#account-ledger-sum"))).isEqualByComparingTo(expected);
        assertThat(browser.text("#account-consistent")).isEqualTo("balance = Σ ledger");
        assertThat(browser.text("#ledger")).contains("manual").contains("console browser test");
        BigDecimal served = new BigDecimal(Api.as(owner.token()).get("/v1/credits/balance").then().statusCode(200)
                .extract().path("total_credits").toString());
        assertThat(served).isEqualByComparingTo(expected);
        browser.screenshot(SCREENSHOTS.resolve("credits.png"));

        browser.click("#nav a[data-page=storage]");
        browser.await("#buckets table", "the buckets");
        assertThat(browser.text("#buckets")).contains("public");
        browser.screenshot(SCREENSHOTS.resolve("storage.png"));

        assertThat(browser.script("return window.consoleDocument;").asText()).as("no page load since sign-in")
                .isEqualTo("the same one");
    }

    /** A user with a project, credits and queued tasks, through the gateway. */
    private record Owner(UUID id, String token, List<String> tasks) {
        static Owner withTasks(String taskType, int count) {
            UUID id = UUID.randomUUID();
            String token = Tokens.user(id);
            Api.as(token).get("/v1/me").then().statusCode(200);
            Api.as(token).post("/v1/credits/welcome-bonus").then().statusCode(201);
            String project = Api.as(token).body(Map.of("name", "Console")).post("/v1/projects").then().statusCode(201)
                    .extract().path("id");
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                tasks.add(Api.as(token).body(Map.of("project_id", project, "task_type", taskType, "params",
                        Map.of("prompt", "console " + i))).post("/v1/tasks").then().statusCode(201).extract().path("id"));
            }
            return new Owner(id, token, tasks);
        }
    }
}
