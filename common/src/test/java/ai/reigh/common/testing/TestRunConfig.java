package ai.reigh.common.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * The configuration every process of a test run shares: the run's PostgreSQL, its signing keys and,
 * when asked, its S3 server. Keys are the services' own property names (see the shared
 * microprofile-config.properties); processes get them as environment variables.
 */
public final class TestRunConfig {
    private TestRunConfig() {
    }

    public static Map<String, String> base(boolean withS3) {
        EmbeddedPostgres pg = EmbeddedPostgres.shared();
        TestKeys keys = TestKeys.shared();
        Map<String, String> config = new HashMap<>();
        config.put("reigh.db.host", "127.0.0.1");
        config.put("reigh.db.port", String.valueOf(pg.port()));
        config.put("reigh.auth.public-key-location", "file:" + keys.publicKeyFile());
        config.put("reigh.auth.service-signing-key-location", keys.privateKeyFile().toString());
        if (withS3) {
            EmbeddedS3 s3 = EmbeddedS3.shared();
            config.put("reigh.s3.endpoint", s3.endpoint());
            config.put("reigh.s3.access-key", EmbeddedS3.ACCESS_KEY);
            config.put("reigh.s3.secret-key", EmbeddedS3.SECRET_KEY);
            config.put("reigh.s3.region", EmbeddedS3.REGION);
        }
        return config;
    }
}
