package ai.reigh.gateway.pages;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ai.reigh.gateway.connection.PublicListener;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.DecoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;

/**
 * The gateway serves the one merged OpenAPI document of the public API and a reference page for it,
 * from its own origin and its own jar: nothing is fetched from a service or a CDN at run time (these
 * tests run with every upstream down).
 */
@QuarkusTest
class ApiDocsTest {
    private static final RestAssuredConfig NO_DECODING = RestAssuredConfig.config()
            .decoderConfig(DecoderConfig.decoderConfig().noContentDecoders());

    /** The gateway opens its public port itself (its request-header deadline), not Quarkus' HTTP server. */
    @Inject
    PublicListener listener;

    @BeforeEach
    void publicPort() {
        RestAssured.port = listener.port();
    }

    @Test
    void theMergedDocumentIsServedAsJsonWithCachingHeaders() {
        Response answer = given().get("/openapi.json");
        answer.then().statusCode(200).contentType("application/json")
                .header("Cache-Control", containsString("max-age="))
                .body("info.title", equalTo("Reigh API"))
                .body("openapi", startsWith("3."))
                .body("paths", hasKey("/v1/projects"))
                .body("paths", hasKey("/v1/events"))
                .body("paths", not(hasKey("/internal/v1/charges")))
                .body("paths.'/v1/tasks'.post.x-reigh-service", equalTo("tasks"));
        String etag = answer.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{16,}\"");

        given().header("If-None-Match", etag).get("/openapi.json").then().statusCode(304).header("ETag", etag);
        given().header("If-None-Match", "\"stale\"").get("/openapi.json").then().statusCode(200);
    }

    @Test
    void theSameDocumentIsServedAsYaml() {
        given().get("/openapi.yaml").then().statusCode(200).contentType(containsString("yaml"))
                .header("ETag", startsWith("\"")).body(startsWith("openapi:")).body(containsString("/v1/projects:"));
    }

    @Test
    void aClientThatAcceptsGzipGetsTheDocumentCompressed() throws IOException {
        Response plain = given().get("/openapi.json");
        Response zipped = given().config(NO_DECODING).header("Accept-Encoding", "gzip").get("/openapi.json");
        zipped.then().statusCode(200).header("Content-Encoding", "gzip").header("Vary", containsString("Accept-Encoding"));
        byte[] compressed = zipped.asByteArray();
        assertThat(compressed.length).isLessThan(plain.asByteArray().length / 3);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.asByteArray());
        }
    }

    @Test
    void theReferencePageAndEveryAssetItLoadsComeFromTheGateway() {
        Response page = given().get("/docs");
        page.then().statusCode(200).contentType("text/html")
                .header("Content-Security-Policy", containsString("script-src 'self'"));
        String html = page.asString();
        Matcher references = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
        List<String> assets = new ArrayList<>();
        while (references.find()) {
            assets.add(references.group(1));
        }
        assertThat(assets).as("the page's scripts, styles and links").isNotEmpty()
                .allMatch(url -> url.startsWith("/") && !url.startsWith("//"), "served by the gateway itself (no CDN)")
                .contains("/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/reigh-docs.js");
        for (String asset : assets) {
            given().get(asset).then().statusCode(200).header("Cache-Control", containsString("max-age="))
                    .header("ETag", startsWith("\""));
        }
        given().get("/docs/swagger-ui-bundle.js").then().contentType(containsString("javascript"));
        given().get("/docs/reigh-docs.js").then().body(containsString("/openapi.json"));
        given().redirects().follow(false).get("/docs/").then().statusCode(200).contentType("text/html");
    }

    @Test
    void anythingElseUnderDocsIsANotFoundProblem() {
        given().urlEncodingEnabled(false).get("/docs/..%2fapplication.properties").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/docs/secret.properties").then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("not_found"));
    }
}
