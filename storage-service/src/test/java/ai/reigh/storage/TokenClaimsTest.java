package ai.reigh.storage;

import ai.reigh.common.testing.TokenClaimsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class TokenClaimsTest extends TokenClaimsContract {
    @Override
    protected String userRoute() {
        return "/v1/storage/objects";
    }
}
