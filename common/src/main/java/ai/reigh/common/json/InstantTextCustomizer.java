package ai.reigh.common.json;

import java.time.Instant;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Every service writes timestamps with {@link IsoInstantSerializer} (the same text as before, made
 * without a formatter). Last of all customizers: Quarkus registers the Java time module after the
 * ones of default priority, and of two serializers for a type the one registered last is used.
 */
@Singleton
public class InstantTextCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        apply(mapper);
    }

    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    /** For mappers made outside Quarkus: after their Java time module. */
    public static ObjectMapper apply(ObjectMapper mapper) {
        return mapper.registerModule(new SimpleModule("reigh-instant-text").addSerializer(Instant.class,
                new IsoInstantSerializer()));
    }
}
