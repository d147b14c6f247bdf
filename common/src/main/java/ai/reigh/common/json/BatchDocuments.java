package ai.reigh.common.json;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.error.ProblemException;
import ai.reigh.common.error.ProblemMappers;
import ai.reigh.common.internal.ChargeBatch;
import ai.reigh.common.internal.GenerationBatch;

/**
 * Reads the items of a relay batch ({@link ChargeBatch}, {@link GenerationBatch}) one by one, each as
 * the single route reads its body (the same mapper, the same bean validation, the same problems), so
 * that an item the receiver cannot read is refused alone and never fails the others.
 */
@ApplicationScoped
public class BatchDocuments {
    private final ObjectMapper json;
    private final Validator validator;

    public BatchDocuments(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** The item as {@code type}, valid, or the {@link ProblemException} the single route would answer. */
    public <T> T read(JsonNode document, Class<T> type, String batchField) {
        if (document == null || !document.isObject()) {
            throw ProblemException.validation(batchField, "each item must be a JSON object");
        }
        T value;
        try {
            value = json.treeToValue(document, type);
        } catch (JsonProcessingException unreadable) {
            throw ProblemMappers.unreadable(unreadable);
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw ProblemMappers.invalid(violations);
        }
        return value;
    }

    /** The item's {@code task_id} when it has a readable one (every relay item is keyed on its task), else null. */
    public static UUID taskId(JsonNode document) {
        try {
            return document == null ? null : UUID.fromString(document.path("task_id").asText());
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }
}
