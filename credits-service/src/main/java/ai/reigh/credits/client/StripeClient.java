package ai.reigh.credits.client;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.error.ProblemException;
import ai.reigh.credits.config.CreditsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * A small client of Stripe's HTTP API: the few calls this platform makes (Checkout sessions,
 * customers, PaymentIntents). Every POST carries an {@code Idempotency-Key} chosen by the caller from
 * its own row, so a retry — after a timeout, a crash, a 5xx — is the same request to Stripe and can
 * never charge or create twice. Every call has a deadline ({@code reigh.credits.stripe.timeout}); no
 * caller holds a database transaction across one. The secret key goes in the Authorization header
 * only and is never logged (this class logs nothing).
 */
@ApplicationScoped
public class StripeClient {
    /** The API version the request and answer shapes here were written against. */
    static final String API_VERSION = "2024-06-20";
    /** Answers larger than this are not Stripe's (bounded reads). */
    static final int MAX_ANSWER_BYTES = 1 << 20;

    private final CreditsConfig.Stripe settings;
    private final ObjectMapper json;
    private final HttpClient http;
    private final URI base;

    public StripeClient(Vertx vertx, CreditsConfig config, ObjectMapper json) {
        this.settings = config.stripe();
        this.json = json;
        this.base = URI.create(settings.apiBase().endsWith("/") ? settings.apiBase().substring(0, settings.apiBase().length() - 1)
                : settings.apiBase());
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(timeoutMillis)
                .setKeepAlive(true).setMaxPoolSize(8));
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    public boolean isConfigured() {
        return settings.secretKey().filter(key -> !key.isBlank()).isPresent();
    }

    /** 503 while no secret key is configured: nothing can be bought or charged then. */
    public void requireConfigured() {
        if (!isConfigured()) {
            throw ProblemException.unavailable("Payments are not configured on this server.");
        }
    }

    public Uni<JsonNode> createCheckoutSession(StripeForm form, String idempotencyKey) {
        return post("/v1/checkout/sessions", form, idempotencyKey);
    }

    public Uni<JsonNode> createCustomer(StripeForm form, String idempotencyKey) {
        return post("/v1/customers", form, idempotencyKey);
    }

    /** With {@code confirm=true} and {@code off_session=true}: charges a saved card now. */
    public Uni<JsonNode> createPaymentIntent(StripeForm form, String idempotencyKey) {
        return post("/v1/payment_intents", form, idempotencyKey);
    }

    Uni<JsonNode> post(String path, StripeForm form, String idempotencyKey) {
        requireConfigured();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(base.toString() + path)
                .putHeader("Authorization", "Bearer " + settings.secretKey().orElseThrow())
                .putHeader("Stripe-Version", API_VERSION)
                .putHeader("Idempotency-Key", idempotencyKey)
                .putHeader("Content-Type", "application/x-www-form-urlencoded");
        return http.request(request)
                .chain(sent -> sent.send(Buffer.buffer(form.encoded())))
                .chain(response -> response.body().map(body -> answer(response.statusCode(), body)))
                .ifNoItem().after(settings.timeout()).failWith(() -> new TimeoutException("no answer in time"))
                .onFailure(failure -> !(failure instanceof StripeFailure))
                .transform(failure -> new StripeFailure(StripeFailure.Kind.RETRYABLE, 0,
                        "no conclusive answer from Stripe: " + failure.getClass().getSimpleName()));
    }

    private JsonNode answer(int status, Buffer body) {
        if (body.length() > MAX_ANSWER_BYTES) {
            throw new StripeFailure(StripeFailure.Kind.RETRYABLE, status, "an answer of " + body.length() + " bytes");
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(body.getBytes());
        } catch (IOException e) {
            parsed = null;
        }
        if (status >= 200 && status < 300 && parsed != null && parsed.isObject()) {
            return parsed;
        }
        JsonNode error = parsed == null ? null : parsed.path("error");
        String detail = "Stripe answered " + status
                + (error == null || error.isMissingNode() ? ""
                        : ": " + error.path("type").asText("") + " " + error.path("code").asText("") + " "
                                + error.path("decline_code").asText("") + " " + error.path("message").asText(""));
        StripeFailure.Kind kind;
        if (status == 402 || (error != null && "card_error".equals(error.path("type").asText()))) {
            kind = StripeFailure.Kind.DECLINED;
        } else if (status == 409 || status == 429 || status >= 500 || status < 200 || (status >= 200 && status < 300)) {
            kind = StripeFailure.Kind.RETRYABLE;
        } else {
            kind = StripeFailure.Kind.REFUSED;
        }
        throw new StripeFailure(kind, status, detail.strip());
    }
}
