package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.comparesEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.TestKeys;
import ai.reigh.common.testing.Tokens;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Forged and broken tokens, against one route of every service through the gateway: each is a 401
 * problem with {@code WWW-Authenticate: Bearer}, and none reaches data. The same user's genuine token
 * works on the same routes (so the refusals are the token's doing).
 */
class JwtAbuseSystemTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** One route per service, each needing only a signed-in user. */
    private static final List<String> ROUTES = List.of("/v1/me", "/v1/tasks", "/v1/credits/balance",
            "/v1/storage/objects");

    private static final UUID USER = UUID.randomUUID();

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
        for (String route : ROUTES) {
            Api.as(Tokens.user(USER)).get(route).then().statusCode(200);
        }
    }

    private static Map<String, Object> claims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", Tokens.ISSUER);
        claims.put("aud", Tokens.AUDIENCE);
        claims.put("sub", USER.toString());
        claims.put("iat", now - 5);
        claims.put("exp", now + 3600);
        return claims;
    }

    private static String part(Object json) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hs256(Map<String, Object> claims, byte[] secret) throws Exception {
        String input = part(Map.of("alg", "HS256", "typ", "JWT")) + "." + part(claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String rsa(String alg, String javaAlg, Map<String, Object> header, Map<String, Object> claims,
            KeyPair keys) throws Exception {
        Map<String, Object> fullHeader = new LinkedHashMap<>(header);
        fullHeader.put("alg", alg);
        fullHeader.put("typ", "JWT");
        String input = part(fullHeader) + "." + part(claims);
        Signature signer = Signature.getInstance(javaAlg);
        signer.initSign(keys.getPrivate());
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signer.sign());
    }

    @Test
    void forgedExpiredAndMisaddressedTokensAre401Everywhere() throws Exception {
        KeyPair ours = TestKeys.shared().pair();
        KeyPair foreign = TestKeys.newPair();
        byte[] publicPem = java.nio.file.Files.readAllBytes(TestKeys.shared().publicKeyFile());
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("alg none", part(Map.of("alg", "none", "typ", "JWT")) + "." + part(claims()) + ".");
        tokens.put("alg none with a signature", part(Map.of("alg", "none")) + "." + part(claims()) + ".c2ln");
        tokens.put("HS256 keyed with the public key (PEM)", hs256(claims(), publicPem));
        tokens.put("HS256 keyed with the public key (DER)", hs256(claims(), ours.getPublic().getEncoded()));
        tokens.put("expired", Tokens.builder().subject(USER.toString()).ttl(Duration.ofMinutes(-10)).sign());
        tokens.put("not yet valid", Tokens.builder().subject(USER.toString()).notBefore(Instant.now().plusSeconds(3600))
                .sign());
        tokens.put("wrong issuer", Tokens.builder().subject(USER.toString()).issuer("https://evil.example").sign());
        tokens.put("wrong audience", Tokens.builder().subject(USER.toString()).audience("another-api").sign());
        Map<String, Object> noIssuer = claims();
        noIssuer.remove("iss");
        tokens.put("no issuer", rsa("RS256", "SHA256withRSA", Map.of(), noIssuer, ours));
        Map<String, Object> noAudience = claims();
        noAudience.remove("aud");
        tokens.put("no audience", rsa("RS256", "SHA256withRSA", Map.of(), noAudience, ours));
        Map<String, Object> noExpiry = claims();
        noExpiry.remove("exp");
        tokens.put("no expiry", rsa("RS256", "SHA256withRSA", Map.of(), noExpiry, ours));
        tokens.put("missing sub", Tokens.builder().noSubject().sign());
        tokens.put("sub not a user id", Tokens.builder().subject("alice").sign());
        tokens.put("admin groups signed by a foreign key", Tokens.builder().subject(USER.toString()).groups("admin")
                .signWith(foreign.getPrivate()));
        tokens.put("user signed by a foreign key", Tokens.builder().subject(USER.toString()).signWith(foreign.getPrivate()));
        tokens.put("foreign key offered in the header (jwk)", rsa("RS256", "SHA256withRSA",
                Map.of("jwk", Map.of("kty", "RSA", "n", B64.encodeToString(((java.security.interfaces.RSAPublicKey) foreign
                        .getPublic()).getModulus().toByteArray()), "e", "AQAB")), claims(), foreign));
        tokens.put("foreign key offered by URL (jku)", rsa("RS256", "SHA256withRSA",
                Map.of("jku", "https://evil.example/jwks.json", "kid", "evil"), claims(), foreign));
        tokens.put("RS512 with our key (the algorithm is pinned)", rsa("RS512", "SHA512withRSA", Map.of(), claims(), ours));
        String genuine = Tokens.user(USER);
        String[] pieces = genuine.split("\\.");
        Map<String, Object> otherUser = claims();
        otherUser.put("sub", UUID.randomUUID().toString());
        tokens.put("payload swapped under a genuine signature", pieces[0] + "." + part(otherUser) + "." + pieces[2]);
        tokens.put("signature stripped", pieces[0] + "." + pieces[1] + ".");
        tokens.put("worker bound to a non-user owner", Tokens.builder().subject("w").groups("worker")
                .claim("reigh_owner", "everyone").sign());
        tokens.put("garbage", "not.a.token");
        tokens.put("empty", "");
        tokens.put("unknown personal access token", "reigh_pat_" + "0".repeat(40));

        int refused = 0;
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            for (String route : ROUTES) {
                Response answer = Api.given().header("Authorization", "Bearer " + token.getValue()).get(route);
                Problems.assertProblem(answer, 401, "unauthorized", token.getKey() + " on " + route);
                assertThat(answer.header("WWW-Authenticate")).as(token.getKey()).startsWith("Bearer");
                refused++;
            }
        }
        assertThat(refused).isEqualTo(tokens.size() * ROUTES.size());
    }

    /**
     * Signed with the run's real key, but with claims of the wrong JSON type or a blank subject: a 401
     * problem on every service (it was a 500 for {@code groups} that is not a list of strings, and a
     * worker with an empty {@code sub} was let in).
     */
    @Test
    void tokensWithMalformedClaimsAre401Everywhere() {
        Map<String, Map<String, Object>> kinds = new LinkedHashMap<>();
        kinds.put("user", claims());
        Map<String, Object> worker = claims();
        worker.put("sub", "gpu-box");
        worker.put("groups", List.of("worker"));
        kinds.put("worker", worker);
        Map<String, Object> local = claims();
        local.put("groups", List.of("worker"));
        local.put("reigh_owner", USER.toString());
        kinds.put("local worker", local);
        int refused = 0;
        for (Map.Entry<String, Map<String, Object>> kind : kinds.entrySet()) {
            Map<String, Map.Entry<String, Object>> variants = new LinkedHashMap<>();
            variants.put("groups a number", Map.entry("groups", 5));
            variants.put("groups an object", Map.entry("groups", Map.of("admin", true)));
            variants.put("groups with a number", Map.entry("groups", List.of("worker", 5)));
            variants.put("sub a number", Map.entry("sub", 5));
            variants.put("sub an object", Map.entry("sub", Map.of("id", USER.toString())));
            variants.put("sub empty", Map.entry("sub", ""));
            variants.put("sub blank", Map.entry("sub", "   "));
            variants.put("email an object", Map.entry("email", Map.of("address", "a@b.test")));
            variants.put("email a number", Map.entry("email", 5));
            variants.put("reigh_owner a number", Map.entry("reigh_owner", 5));
            variants.put("reigh_owner an array", Map.entry("reigh_owner", List.of(USER.toString())));
            for (Map.Entry<String, Map.Entry<String, Object>> variant : variants.entrySet()) {
                Map<String, Object> claims = new LinkedHashMap<>(kind.getValue());
                claims.put(variant.getValue().getKey(), variant.getValue().getValue());
                String token = Tokens.signRaw(claims);
                for (String route : ROUTES) {
                    String what = kind.getKey() + " with " + variant.getKey() + " on " + route;
                    Response answer = Api.given().header("Authorization", "Bearer " + token).get(route);
                    Problems.assertProblem(answer, 401, "unauthorized", what);
                    assertThat(answer.header("WWW-Authenticate")).as(what).startsWith("Bearer");
                    refused++;
                }
            }
        }
        assertThat(refused).isEqualTo(kinds.size() * 11 * ROUTES.size());
        // The worker routes too: a worker whose sub is empty claims nothing.
        for (String subject : List.of("", " ", "\t")) {
            Map<String, Object> blank = new LinkedHashMap<>(worker);
            blank.put("sub", subject);
            Problems.assertProblem(Api.as(Tokens.signRaw(blank)).body(Map.of("worker_id", "blank", "wait_seconds", 0))
                    .post("/v1/workers/claim"), 401, "unauthorized", "worker with sub '" + subject + "' claims");
        }
        Api.as(Tokens.signRaw(worker)).body(Map.of("worker_id", "named", "wait_seconds", 0)).post("/v1/workers/claim")
                .then().statusCode(anyOf(is(200), is(204)));
    }

    /**
     * The caller is {@code sub}: a token signed for an attacker that names a victim in
     * {@code preferred_username} or {@code upn} (the claims the JWT library names its principal after)
     * reads the attacker's profile, credits, tasks and objects on every service, never the victim's.
     */
    @Test
    void theCallerIsTheSubWhateverTheNameClaimsSay() {
        TenantWorld victim = TenantWorld.create("name-claim-victim");
        for (String nameClaim : List.of("preferred_username", "upn")) {
            UUID attacker = UUID.randomUUID();
            String forged = Tokens.builder().subject(attacker.toString()).claim(nameClaim, victim.user().toString())
                    .sign();
            String what = nameClaim + " naming the victim";
            Api.as(forged).get("/v1/me").then().statusCode(200).body("id", equalTo(attacker.toString()));
            Problems.assertProblem(Api.as(forged).get("/v1/projects/" + victim.project()), 404, "not_found", what);
            Api.as(forged).get("/v1/credits/balance").then().statusCode(200)
                    .body("total_credits", comparesEqualTo(BigDecimal.ZERO));
            Problems.assertProblem(Api.as(forged).get("/v1/tasks/" + victim.task()), 404, "not_found", what);
            assertThat(Api.as(forged).get("/v1/tasks").then().statusCode(200).extract().<List<String>>path("items.id"))
                    .as(what).isEmpty();
            Problems.assertProblem(Api.as(forged).get("/v1/storage/objects/" + victim.object()), 404, "not_found", what);
            assertThat(Api.as(forged).get("/v1/storage/objects").then().statusCode(200).extract()
                    .<List<String>>path("items.id")).as(what).isEmpty();
        }
        Api.as(victim.token()).get("/v1/credits/balance").then().statusCode(200)
                .body("total_credits", comparesEqualTo(new BigDecimal("50")));
    }

    @Test
    void aWorkerRouteRefusesForgedWorkerTokens() {
        KeyPair foreign = TestKeys.newPair();
        String forged = Tokens.builder().subject("evil-worker").groups("worker").signWith(foreign.getPrivate());
        Problems.assertProblem(Api.as(forged).body(Map.of("worker_id", "evil")).post("/v1/workers/claim"), 401,
                "unauthorized", "forged worker claims");
        String expired = Tokens.builder().subject("late-worker").groups("worker").ttl(Duration.ofMinutes(-5)).sign();
        Problems.assertProblem(Api.as(expired).body(Map.of("worker_id", "late")).post("/v1/workers/heartbeat"), 401,
                "unauthorized", "expired worker heartbeats");
    }

    @Test
    void theQueryTokenIsReadOnlyOnTheEventStreamAndVerifiedThere() {
        String genuine = Tokens.user(USER);
        Problems.assertProblem(Api.given().queryParam("access_token", genuine).get("/v1/me"), 401, "unauthorized",
                "?access_token on /v1/me");
        Problems.assertProblem(Api.given().queryParam("access_token", genuine).get("/v1/credits/balance"), 401,
                "unauthorized", "?access_token on /v1/credits/balance");
        String none = part(Map.of("alg", "none")) + "." + part(claims()) + ".";
        Problems.assertProblem(Api.given().queryParam("access_token", none)
                .queryParam("project_id", UUID.randomUUID().toString()).get("/v1/events"), 401, "unauthorized",
                "alg none in ?access_token on /v1/events");
    }

    @Test
    void aRevokedPersonalAccessTokenStopsWorkingAtOnce() {
        UUID owner = UUID.randomUUID();
        String token = Tokens.user(owner);
        Api.as(token).get("/v1/me").then().statusCode(200);
        Response created = Api.as(token).body(Map.of("name", "laptop")).post("/v1/me/tokens");
        assertThat(created.statusCode()).isEqualTo(201);
        String secret = created.jsonPath().getString("token");
        assertThat(secret).startsWith("reigh_pat_");
        Api.as(secret).body(Map.of("worker_id", "pat-" + owner, "wait_seconds", 0)).post("/v1/workers/claim").then()
                .statusCode(204);
        Api.as(token).delete("/v1/me/tokens/" + created.jsonPath().getString("id")).then().statusCode(204);
        Problems.assertProblem(Api.as(secret).body(Map.of("worker_id", "pat-" + owner, "wait_seconds", 0))
                .post("/v1/workers/claim"), 401, "unauthorized", "revoked PAT");
        String tampered = secret.substring(0, secret.length() - 1) + (secret.endsWith("a") ? "b" : "a");
        Problems.assertProblem(Api.as(tampered).body(Map.of("worker_id", "pat-x", "wait_seconds", 0))
                .post("/v1/workers/claim"), 401, "unauthorized", "tampered PAT");
    }
}
