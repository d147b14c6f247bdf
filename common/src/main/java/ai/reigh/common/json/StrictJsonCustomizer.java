package ai.reigh.common.json;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * One JSON dialect for every service: snake_case names, RFC 3339 timestamps, decimals as BigDecimal
 * (money never passes through a double), and strict reading: unknown fields, numbers in strings,
 * floats into integers, trailing garbage and absurd nesting are all refused (400), and so are values
 * PostgreSQL could not store or give back ({@link StorableJson}). Unknown fields are ignored only in
 * the contracts between services and in problems ({@link ToleratesUnknownFields}).
 */
@Singleton
public class StrictJsonCustomizer implements ObjectMapperCustomizer {
    /** Deep enough for any real params document, far from what a stack can be attacked with. */
    public static final int MAX_NESTING_DEPTH = 32;
    public static final int MAX_STRING_LENGTH = 1_000_000;
    /**
     * Longest number a request may hold, written without an exponent (its plain form): what a stored
     * document may print, and what any decimal field may be (see {@link StorableJson}).
     */
    public static final int MAX_NUMBER_LENGTH = 100;
    /**
     * Longest number literal the parser reads (Jackson's default). Longer than {@link #MAX_NUMBER_LENGTH}
     * on purpose: a literal of 101..1000 characters is read (cheap) and then refused by StorableJson with
     * the field named, rather than by the parser as an unreadable body.
     */
    public static final int MAX_NUMBER_LITERAL_LENGTH = 1000;

    @Override
    public void customize(ObjectMapper mapper) {
        apply(mapper);
    }

    public static ObjectMapper apply(ObjectMapper mapper) {
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        mapper.configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
        mapper.configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        mapper.configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);
        mapper.configure(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, true);
        mapper.configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);
        mapper.configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        mapper.getFactory().configure(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature(), false);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxStringLength(MAX_STRING_LENGTH)
                .maxNumberLength(MAX_NUMBER_LITERAL_LENGTH)
                .build());
        // "12.5" is not a number and 1.5 is not an integer.
        for (LogicalType type : new LogicalType[] { LogicalType.Integer, LogicalType.Float, LogicalType.Boolean }) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        // No NUL characters, no numbers a stored document could not print back (400, not a poisoned row).
        mapper.registerModule(StorableJson.module());
        // Except where a newer release may add fields: the internal contracts and problems.
        mapper.registerModule(TolerantContracts.module());
        return mapper;
    }
}
