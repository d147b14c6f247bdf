package ai.reigh.storage;

import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.PlatformEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PlatformEndpointsTest extends PlatformEndpointsContract {

    @Test
    void readinessAlsoReflectsTheObjectStore() {
        Api.management().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Object store' }.status", equalTo("UP"));
    }
}
