package ai.reigh.storage;

import ai.reigh.common.testing.ReighTestEnvironment;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** The module's one test environment (one application boot for all its tests). */
@WithTestResource(value = ReighTestEnvironment.class, scope = TestResourceScope.GLOBAL,
        initArgs = { @ResourceArg(name = "self", value = "storage"), @ResourceArg(name = "s3", value = "true") })
public final class StorageTestEnvironment {
    private StorageTestEnvironment() {
    }
}
