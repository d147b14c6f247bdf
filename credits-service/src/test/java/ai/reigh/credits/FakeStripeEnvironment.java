package ai.reigh.credits;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points credits-service at {@link FakeStripe} (started once per test run) with its secret key. */
public class FakeStripeEnvironment implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("reigh.credits.stripe.api-base", FakeStripe.shared().url(),
                "reigh.credits.stripe.secret-key", FakeStripe.SECRET_KEY);
    }

    @Override
    public void stop() {
        // The fake lives as long as the test JVM (one boot of the service for all tests).
    }
}
