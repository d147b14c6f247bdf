package ai.reigh.common.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.json.StorableJson;
import io.quarkus.security.AuthenticationFailedException;

/**
 * The claims the platform reads from a verified JWT, each of the JSON type it must have: the one
 * place that decides who a token speaks for.
 *
 * <p>The caller is {@code sub}, always. The JWT library names its principal after {@code upn}, then
 * {@code preferred_username}, then {@code sub}, so a token issued to one subject that names someone
 * else in those claims would act as that someone; nothing here (or anywhere: {@link CurrentCaller}
 * reads only what {@link RoleAugmentor} derived from this record) looks at the principal's name.
 *
 * <p>The claims are read from the token's own payload (whose signature the library has verified),
 * not through the library's accessors, which coerce or silently drop a claim of the wrong type
 * ({@code "groups": 5} read as no groups, that is a plain user). Refused (401), for every kind of
 * token:
 * <ul>
 * <li>{@code sub} that is not a string, is empty or blank, has a space at either end or a control
 * character, or is longer than {@link #MAX_SUBJECT_LENGTH};</li>
 * <li>{@code groups} that is not a string or an array of strings, or names an empty group;</li>
 * <li>{@code email} that is not a string, is longer than the column that stores it
 * ({@link #MAX_EMAIL_LENGTH}) or could not be stored ({@link StorableJson#textProblem});</li>
 * <li>{@code reigh_owner} that is not a string holding a user id;</li>
 * <li>any of these given as {@code null}, and a payload with a member given twice (two parsers may
 * disagree on which one counts).</li>
 * </ul>
 */
public record TokenClaims(String subject, List<String> groups, Optional<String> email, Optional<UUID> workerOwner,
        Optional<String> workerId, Instant expiresAt) {
    /** A worker id's bound, as the worker protocol's. */
    public static final int MAX_WORKER_ID_LENGTH = 128;
    public static final int MAX_SUBJECT_LENGTH = 255;
    /** {@code users.email}'s bound. */
    public static final int MAX_EMAIL_LENGTH = 320;
    public static final String SUBJECT_CLAIM = "sub";
    public static final String GROUPS_CLAIM = "groups";
    public static final String EMAIL_CLAIM = "email";

    private static final ObjectMapper PAYLOAD = payloadReader();

    /** The claims of a verified token, or {@link AuthenticationFailedException} naming what is wrong. */
    public static TokenClaims of(JsonWebToken jwt) {
        JsonNode payload = payload(jwt.getRawToken());
        String subject = subject(payload.get(SUBJECT_CLAIM));
        List<String> groups = groups(payload.get(GROUPS_CLAIM));
        Optional<String> email = payload.has(EMAIL_CLAIM) ? Optional.of(email(payload.get(EMAIL_CLAIM)))
                : Optional.empty();
        Optional<UUID> owner = payload.has(TokenAttributes.WORKER_OWNER_CLAIM)
                ? Optional.of(owner(payload.get(TokenAttributes.WORKER_OWNER_CLAIM)))
                : Optional.empty();
        Optional<String> workerId = payload.has(TokenAttributes.WORKER_ID_CLAIM)
                ? Optional.of(workerId(payload.get(TokenAttributes.WORKER_ID_CLAIM)))
                : Optional.empty();
        // exp is required and checked by the library (smallrye.jwt.required.claims); read here as it verified it.
        return new TokenClaims(subject, groups, email, owner, workerId, Instant.ofEpochSecond(jwt.getExpirationTime()));
    }

    private static JsonNode payload(String rawToken) {
        String[] parts = rawToken == null ? new String[0] : rawToken.split("\\.", -1);
        if (parts.length != 3) {
            throw refused("the token is not a signed JWT");
        }
        try {
            JsonNode payload = PAYLOAD.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (payload == null || !payload.isObject()) {
                throw refused("the token's payload is not a JSON object");
            }
            return payload;
        } catch (IOException | IllegalArgumentException e) {
            throw refused("the token's payload is not valid JSON (or gives a claim twice)");
        }
    }

    private static String subject(JsonNode value) {
        if (value == null || !value.isTextual()) {
            throw refused("sub must be a string");
        }
        String subject = value.textValue();
        if (subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH) {
            throw refused("sub must have 1.." + MAX_SUBJECT_LENGTH + " characters");
        }
        if (isSpace(subject.charAt(0)) || isSpace(subject.charAt(subject.length() - 1))) {
            throw refused("sub must not be blank or start or end with a space");
        }
        for (int i = 0; i < subject.length(); i++) {
            if (Character.isISOControl(subject.charAt(i))) {
                throw refused("sub must not contain control characters");
            }
        }
        if (StorableJson.textProblem(subject) != null) {
            throw refused("sub must be valid Unicode");
        }
        return subject;
    }

    /** Absent: no groups. A string is one group per space-separated word, as the library reads it. */
    private static List<String> groups(JsonNode value) {
        if (value == null) {
            return List.of();
        }
        List<String> groups = new ArrayList<>();
        if (value.isTextual()) {
            for (String group : value.textValue().split(" ")) {
                groups.add(group);
            }
        } else if (value.isArray()) {
            for (JsonNode group : value) {
                if (!group.isTextual()) {
                    throw refused("groups must be strings");
                }
                groups.add(group.textValue());
            }
        } else {
            throw refused("groups must be a string or an array of strings");
        }
        for (String group : groups) {
            if (group.isBlank()) {
                throw refused("groups must not name an empty group");
            }
        }
        return List.copyOf(groups);
    }

    private static String email(JsonNode value) {
        if (!value.isTextual() || value.textValue().length() > MAX_EMAIL_LENGTH
                || StorableJson.textProblem(value.textValue()) != null) {
            throw refused("email must be a string of at most " + MAX_EMAIL_LENGTH + " characters");
        }
        return value.textValue();
    }

    private static UUID owner(JsonNode value) {
        UUID owner = value.isTextual() ? parseUuid(value.textValue()) : null;
        if (owner == null) {
            throw refused(TokenAttributes.WORKER_OWNER_CLAIM + " must be a user id");
        }
        return owner;
    }

    private static String workerId(JsonNode value) {
        String id = value.isTextual() ? value.textValue() : "";
        if (id.isBlank() || id.length() > MAX_WORKER_ID_LENGTH || id.chars().anyMatch(Character::isISOControl)
                || StorableJson.textProblem(id) != null) {
            throw refused(TokenAttributes.WORKER_ID_CLAIM + " must be a worker id of 1 to " + MAX_WORKER_ID_LENGTH
                    + " printable characters");
        }
        return id;
    }

    /** A UUID in its canonical 36-character form, or null. */
    public static UUID parseUuid(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            UUID parsed = UUID.fromString(value);
            return parsed.toString().equalsIgnoreCase(value) ? parsed : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static AuthenticationFailedException refused(String why) {
        return new AuthenticationFailedException(why);
    }

    private static ObjectMapper payloadReader() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
                .maxNumberLength(100).maxStringLength(64 * 1024).build());
        return mapper;
    }
}
