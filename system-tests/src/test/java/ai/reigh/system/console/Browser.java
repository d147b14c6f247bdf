package ai.reigh.system.console;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real headless Chromium, driven over the W3C WebDriver protocol by Debian's chromedriver (both
 * installed by {@code ./reigh setup}): a few dozen lines of HTTP instead of a Selenium dependency.
 * It finds elements by CSS selector, clicks, types, reads text, runs a script and takes screenshots;
 * every wait polls a condition with a deadline, never sleeps blindly.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final String session;
    private final HttpClient http = HttpClient.newHttpClient();

    private Browser(Process driver, String base) throws IOException, InterruptedException {
        this.driver = driver;
        JsonNode created = send("POST", base + "/session", Map.of("capabilities", Map.of("alwaysMatch", Map.of(
                "browserName", "chrome",
                "goog:chromeOptions", Map.of("binary", CHROMIUM.toString(), "args", List.of("--headless=new",
                        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1360,1000"))))));
        this.session = base + "/session/" + created.path("value").path("sessionId").asText();
    }

    /** Starts chromedriver on a free port and opens a browser session; fails clearly when either is missing. */
    static Browser start() throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need Chromium and chromedriver (" + CHROMIUM + ", "
                    + CHROMEDRIVER + "): run ./reigh setup, which installs Debian's chromium and chromium-driver");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String base = "http://127.0.0.1:" + port;
        HttpClient probe = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            try {
                HttpResponse<String> status = probe.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (JSON.readTree(status.body()).path("value").path("ready").asBoolean()) {
                    break;
                }
            } catch (IOException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    driver.destroyForcibly();
                    throw new IllegalStateException("chromedriver did not start on port " + port, notYet);
                }
            }
            Thread.sleep(100);
        }
        return new Browser(driver, base);
    }

    void open(String url) {
        command("POST", "/url", Map.of("url", url));
    }

    /**
     * The rendered text of the first element matching {@code css}, once there is one: read in the page
     * in one step, so a page that re-renders (the live overview) never leaves a stale reference.
     */
    String text(String css) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            JsonNode text = script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
            if (!text.isNull()) {
                return text.asText();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no element " + css + " after " + WAIT.toSeconds() + " s");
            }
            pause();
        }
    }

    void click(String css) {
        onFreshElement(css, element -> command("POST", "/element/" + element + "/click", Map.of()));
    }

    void type(String css, String text) {
        onFreshElement(css, element -> {
            command("POST", "/element/" + element + "/clear", Map.of());
            command("POST", "/element/" + element + "/value", Map.of("text", text));
        });
    }

    /** Finds the element and acts on it, finding it again if the page replaced it in between. */
    private void onFreshElement(String css, java.util.function.Consumer<String> action) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            try {
                action.accept(find(css));
                return;
            } catch (IllegalStateException e) {
                if (!String.valueOf(e.getMessage()).contains("stale element") || Instant.now().isAfter(deadline)) {
                    throw e;
                }
            }
        }
    }

    JsonNode script(String body, Object... arguments) {
        return command("POST", "/execute/sync", Map.of("script", body, "args", List.of(arguments))).path("value");
    }

    /** Waits until {@code condition} holds of the text of {@code css}; the text it held. */
    String awaitText(String css, Predicate<String> condition, String what) {
        Instant deadline = Instant.now().plus(WAIT);
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            JsonNode text = script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
            if (!text.isNull()) {
                last = text.asText();
                if (condition.test(last)) {
                    return last;
                }
            }
            pause();
        }
        throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + " (" + css + "); last text: " + last);
    }

    void await(String css, String what) {
        awaitText(css, text -> true, what);
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(command("GET", "/screenshot", null).path("value").asText()));
    }

    private String find(String css) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            JsonNode found = script("return document.querySelector(arguments[0]);", css);
            if (found.has(ELEMENT)) {
                return found.get(ELEMENT).asText();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no element " + css + " after " + WAIT.toSeconds() + " s on " + script(
                        "return location.href;").asText());
            }
            pause();
        }
    }

    private JsonNode command(String method, String path, Object body) {
        try {
            return send(method, session + path, body);
        } catch (IOException e) {
            throw new IllegalStateException("WebDriver " + method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(String method, String url, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + url + ": " + response.statusCode() + " "
                    + answer.path("value").path("message").asText());
        }
        return answer;
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            command("DELETE", "", null);
        } finally {
            driver.destroy();
        }
    }
}
