package ai.reigh.projects;

import ai.reigh.common.testing.ReighTestEnvironment;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The module's one test environment (one application boot for all its tests): PostgreSQL, an S3
 * server, and storage-service started from its jar (object checks and deletions go to it for real).
 */
@WithTestResource(value = ReighTestEnvironment.class, scope = TestResourceScope.GLOBAL,
        initArgs = { @ResourceArg(name = "self", value = "projects"), @ResourceArg(name = "s3", value = "true"),
                @ResourceArg(name = "siblings", value = "storage") })
public final class ProjectsTestEnvironment {
    private ProjectsTestEnvironment() {
    }
}
