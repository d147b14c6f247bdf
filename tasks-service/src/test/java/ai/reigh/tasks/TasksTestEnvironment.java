package ai.reigh.tasks;

import ai.reigh.common.testing.ReighTestEnvironment;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The module's one test environment (one application boot for all its tests): PostgreSQL, the S3
 * server, and the real receivers of the completion pipeline (projects-service, credits-service) and
 * storage-service (worker uploads), started from their jars.
 */
@WithTestResource(value = ReighTestEnvironment.class, scope = TestResourceScope.GLOBAL,
        initArgs = { @ResourceArg(name = "self", value = "tasks"), @ResourceArg(name = "s3", value = "true"),
                @ResourceArg(name = "siblings", value = "projects,credits,storage") })
public final class TasksTestEnvironment {
    private TasksTestEnvironment() {
    }
}
