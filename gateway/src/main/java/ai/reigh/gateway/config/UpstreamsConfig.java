package ai.reigh.gateway.config;

import java.net.URI;

import io.smallrye.config.ConfigMapping;

/** Where each service answers: the same {@code reigh.services.*.url} keys the services use. */
@ConfigMapping(prefix = "reigh.services")
public interface UpstreamsConfig {
    Upstream projects();

    Upstream tasks();

    Upstream credits();

    Upstream storage();

    interface Upstream {
        URI url();
    }
}
