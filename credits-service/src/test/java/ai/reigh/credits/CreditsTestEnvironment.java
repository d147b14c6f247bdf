package ai.reigh.credits;

import ai.reigh.common.testing.ReighTestEnvironment;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The module's one test environment (one application boot for all its tests): the real PostgreSQL,
 * and the local fake of Stripe's API (Stripe is outside the system).
 */
@WithTestResource(value = ReighTestEnvironment.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "self", value = "credits"))
@WithTestResource(value = FakeStripeEnvironment.class, scope = TestResourceScope.GLOBAL)
public final class CreditsTestEnvironment {
    private CreditsTestEnvironment() {
    }
}
