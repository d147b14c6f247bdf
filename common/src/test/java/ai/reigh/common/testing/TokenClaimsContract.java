package ai.reigh.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.restassured.response.Response;

/**
 * Tokens signed with the right key whose claims are of the wrong JSON type or empty: each is a 401
 * problem with {@code WWW-Authenticate: Bearer} (never a 500, never a caller built from a coerced
 * value), for every kind of token (user, admin, cloud worker, local worker, service). Each malformed
 * token has a well-formed twin that is not a 401, so the refusal is the claim's doing. Each service's
 * test extends it under {@code @QuarkusTest} with one of its routes that any signed-in user may call.
 */
public abstract class TokenClaimsContract {
    private static final UUID USER = UUID.randomUUID();

    /** A GET route of the service that a signed-in user may call (200). */
    protected abstract String userRoute();

    /** The token kinds, as claims: each answers {@code expected} on {@link #userRoute()} when well formed. */
    private record Kind(String name, Map<String, Object> claims, int expected) {
    }

    private static List<Kind> kinds() {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("user", Tokens.validClaims(USER.toString()), 200));
        Map<String, Object> admin = Tokens.validClaims(USER.toString());
        admin.put("groups", List.of("admin"));
        kinds.add(new Kind("admin", admin, 200));
        Map<String, Object> worker = Tokens.validClaims("gpu-box-7");
        worker.put("groups", List.of("worker"));
        kinds.add(new Kind("cloud worker", worker, 403));
        Map<String, Object> local = Tokens.validClaims(USER.toString());
        local.put("groups", List.of("worker"));
        local.put("reigh_owner", USER.toString());
        kinds.add(new Kind("local worker", local, 403));
        Map<String, Object> service = Tokens.validClaims("service:test");
        service.put("groups", List.of("service"));
        kinds.add(new Kind("service", service, 403));
        return kinds;
    }

    private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(claims);
        changed.put(name, value);
        return changed;
    }

    private static Map<String, Object> nullValued(Map<String, Object> claims, String name) {
        Map<String, Object> changed = new LinkedHashMap<>(claims);
        changed.put(name, null);
        return changed;
    }

    private Response get(String token) {
        return Api.given().header("Authorization", "Bearer " + token).get(userRoute());
    }

    private void assertRefused(String what, String token) {
        Response answer = get(token);
        assertThat(answer.statusCode()).as(what + ": " + answer.asString()).isEqualTo(401);
        assertThat(answer.contentType()).as(what).startsWith("application/problem+json");
        assertThat(answer.jsonPath().getString("code")).as(what).isEqualTo("unauthorized");
        assertThat(answer.header("WWW-Authenticate")).as(what).startsWith("Bearer");
    }

    @Test
    void wellFormedTokensOfEveryKindAreAccepted() {
        for (Kind kind : kinds()) {
            assertThat(get(Tokens.signRaw(kind.claims())).statusCode()).as(kind.name()).isEqualTo(kind.expected());
        }
    }

    @Test
    void groupsOfTheWrongTypeAre401() {
        List<Object> malformed = List.of(5, 0, true, Map.of("admin", true), Map.of(), List.of(5), List.of("worker", 5),
                List.of(List.of("admin")), List.of(Map.of("name", "admin")), "", List.of(""), List.of(" "));
        for (Kind kind : kinds()) {
            for (Object groups : malformed) {
                assertRefused(kind.name() + " with groups " + groups, Tokens.signRaw(with(kind.claims(), "groups", groups)));
            }
            assertRefused(kind.name() + " with groups null", Tokens.signRaw(nullValued(kind.claims(), "groups")));
        }
    }

    @Test
    void aSubOfTheWrongTypeOrBlankIs401() {
        List<Object> malformed = List.of(5, 1.5, true, Map.of("id", USER.toString()), List.of(USER.toString()), "", " ",
                "\t", "\n", "\u00a0", "x".repeat(257), "gpu\u0000box");
        for (Kind kind : kinds()) {
            for (Object subject : malformed) {
                assertRefused(kind.name() + " with sub " + printable(subject),
                        Tokens.signRaw(with(kind.claims(), "sub", subject)));
            }
            assertRefused(kind.name() + " with sub null", Tokens.signRaw(nullValued(kind.claims(), "sub")));
        }
    }

    @Test
    void anEmailOfTheWrongTypeIs401() {
        for (Kind kind : kinds()) {
            for (Object email : List.of(5, true, Map.of("address", "a@b.test"), List.of("a@b.test"))) {
                assertRefused(kind.name() + " with email " + email, Tokens.signRaw(with(kind.claims(), "email", email)));
            }
            assertRefused(kind.name() + " with email null", Tokens.signRaw(nullValued(kind.claims(), "email")));
            assertThat(get(Tokens.signRaw(with(kind.claims(), "email", "someone@example.test"))).statusCode())
                    .as(kind.name() + " with a string email").isEqualTo(kind.expected());
        }
    }

    @Test
    void aReighOwnerOfTheWrongTypeIs401() {
        for (Kind kind : kinds()) {
            for (Object owner : List.of(5, true, Map.of("id", USER.toString()), List.of(USER.toString()), "",
                    "not-a-user-id", " " + USER)) {
                assertRefused(kind.name() + " with reigh_owner " + owner,
                        Tokens.signRaw(with(kind.claims(), "reigh_owner", owner)));
            }
            assertRefused(kind.name() + " with reigh_owner null", Tokens.signRaw(nullValued(kind.claims(), "reigh_owner")));
        }
    }

    @Test
    void aClaimGivenTwiceIs401() {
        // Two parsers may disagree on which of two "sub" members counts: such a token is refused.
        String[] parts = Tokens.signRaw(Tokens.validClaims(USER.toString())).split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        String doubled = payload.replaceFirst("\\{", "{\"sub\":\"" + UUID.randomUUID() + "\",");
        assertThat(doubled).contains("\"sub\":\"" + USER + "\"");
        assertRefused("sub given twice", Tokens.signPayload(doubled));
    }

    /**
     * Verified tokens are kept for the next request (StrictJwtParser's cache), which must never outlive
     * the verification: the verifier tolerates 30 s of clock skew, so a token that expired 27 s ago is
     * accepted now and refused from 30 s after its expiry, although it is in the cache by then. (27, not
     * 29: the verifier counts whole seconds, and 29 left the first request less than a second, which a
     * slow first request on a loaded machine overran.)
     */
    @Test
    void aTokenKeptAfterVerificationIsRefusedFromTheMomentItWouldFailVerification() throws InterruptedException {
        long expiry = Instant.now().getEpochSecond() - 27;
        Map<String, Object> claims = Tokens.validClaims(USER.toString());
        claims.put("iat", expiry - 60);
        claims.put("exp", expiry);
        String token = Tokens.signRaw(claims);
        assertThat(get(token).statusCode()).as("within the clock skew").isEqualTo(200);
        assertThat(get(token).statusCode()).as("the same token again").isEqualTo(200);
        long refusedFromMillis = (expiry + 30) * 1000;
        Thread.sleep(Math.max(0, refusedFromMillis - System.currentTimeMillis()) + 50);
        assertRefused("a cached token past its expiry and the skew", token);
    }

    @Test
    void aKeptTokenVouchesForNoOtherSignature() {
        Map<String, Object> claims = Tokens.validClaims(USER.toString());
        String token = Tokens.signRaw(claims);
        assertThat(get(token).statusCode()).isEqualTo(200);
        assertThat(get(token).statusCode()).isEqualTo(200);
        assertRefused("the same claims signed with another key", Tokens.signRaw(claims, TestKeys.newPair().getPrivate()));
        String signature = token.substring(token.lastIndexOf('.') + 1);
        char last = signature.charAt(0) == 'A' ? 'B' : 'A';
        assertRefused("the same token with its signature changed", token.substring(0, token.lastIndexOf('.') + 1)
                + last + signature.substring(1));
        assertThat(get(token).statusCode()).as("the genuine token still").isEqualTo(200);
    }

    private static String printable(Object value) {
        String text = String.valueOf(value);
        return text.length() > 20 ? text.substring(0, 20) + "…" : text.replace("\u0000", "\\0");
    }
}
