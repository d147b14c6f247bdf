package ai.reigh.gateway.pages;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ai.reigh.gateway.connection.PublicListener;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * The operator console is served by the gateway from its own jar (every upstream is down in these
 * tests): a page that is revalidated, a script and a stylesheet named by their content and cached for
 * good, a policy that lets the page load nothing from elsewhere; the browser tests (system-tests) use it.
 */
@QuarkusTest
class ConsoleTest {
    private static final Pattern ASSET = Pattern.compile("(/console/console\\.(js|css))\\?v=([0-9a-f]{16,})");

    @Inject
    PublicListener listener;

    @BeforeEach
    void publicPort() {
        RestAssured.port = listener.port();
    }

    @Test
    void thePageLinksItsAssetsByContentAndLoadsNothingFromElsewhere() {
        given().redirects().follow(false).get("/console").then().statusCode(308).header("Location", "/console/");
        Response page = given().get("/console/");
        page.then().statusCode(200).contentType(containsString("text/html")).header("Cache-Control", "no-cache")
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("Content-Security-Policy", containsString("connect-src 'self'"))
                .header("X-Content-Type-Options", "nosniff");
        String html = page.asString();
        assertThat(html).doesNotContain("{{");
        Matcher assets = ASSET.matcher(html);
        int found = 0;
        while (assets.find()) {
            found++;
            Response asset = given().get(assets.group(1) + "?v=" + assets.group(3));
            asset.then().statusCode(200).header("Cache-Control", "public, max-age=31536000, immutable");
            assertThat(asset.header("ETag")).as("the link's version is the asset's content hash")
                    .isEqualTo("\"" + assets.group(3) + "\"");
            given().header("If-None-Match", asset.header("ETag")).get(assets.group(1)).then().statusCode(304);
        }
        assertThat(found).as("the script and the stylesheet").isEqualTo(2);
        given().get("/console/console.js").then().contentType(containsString("javascript"));
    }

    @Test
    void theSignInLinkComesFromConfigurationEscaped() {
        String html = given().get("/console/").asString();
        assertThat(html).contains("content=\"https://idp.example/authorize?client_id=reigh&amp;redirect_uri=&quot;x&quot;\"");
    }

    @Test
    void nothingElseLivesUnderTheConsole() {
        given().get("/console/secrets.txt").then().statusCode(404).contentType(containsString("problem+json"))
                .body("code", equalTo("not_found"));
        given().get("/console/../openapi.json").then().statusCode(200);
    }
}
