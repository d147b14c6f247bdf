package ai.reigh.credits;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local fake of the part of Stripe's HTTP API this platform calls — the one mock of the test suite,
 * because Stripe is outside the system. It answers {@code POST /v1/customers}, {@code /v1/checkout/sessions}
 * and {@code /v1/payment_intents} the way Stripe does (form bodies in, JSON out), honours
 * {@code Idempotency-Key} (the same key answers the first result, and the object is made once), requires
 * the configured secret key, records every request, and can be told to fail, decline or stall the next
 * requests. A stalled request is processed first (Stripe did the work) and answered late, which is what
 * makes a client's timeout dangerous.
 */
public final class FakeStripe {
    public static final String SECRET_KEY = "sk_test_reigh_fake";
    private static FakeStripe shared;

    /** A request as received. */
    public record Request(String path, String idempotencyKey, Map<String, String> form) {
    }

    private record Answer(int status, String body) {
    }

    /** What to do with the next request: fail with a status, decline the card, or answer after a delay. */
    private record Fault(int status, String body, Duration delay) {
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Answer> byIdempotencyKey = new HashMap<>();
    private final Map<String, Integer> paymentIntentsCreated = new LinkedHashMap<>();
    private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile String paymentIntentStatus = "succeeded";

    private FakeStripe() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", this::handle);
        server.start();
    }

    public static synchronized FakeStripe shared() {
        if (shared == null) {
            try {
                shared = new FakeStripe();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the fake Stripe", e);
            }
        }
        return shared;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code count} requests fail with {@code status} (and do nothing). */
    public void failNext(int count, int status) {
        for (int i = 0; i < count; i++) {
            faults.add(new Fault(status, "{\"error\": {\"type\": \"api_error\", \"message\": \"fake outage\"}}", null));
        }
    }

    /** The next request declines the card (HTTP 402, a card_error), and creates nothing. */
    public void declineNext() {
        faults.add(new Fault(402, "{\"error\": {\"type\": \"card_error\", \"code\": \"card_declined\","
                + " \"decline_code\": \"insufficient_funds\", \"message\": \"Your card has insufficient funds.\"}}", null));
    }

    /** The next {@code count} requests are processed at once but answered after {@code delay}. */
    public void stallNext(int count, Duration delay) {
        for (int i = 0; i < count; i++) {
            faults.add(new Fault(0, null, delay));
        }
    }

    /** What later PaymentIntents end as (succeeded, processing, requires_action). */
    public void paymentIntentsEndAs(String status) {
        paymentIntentStatus = status;
    }

    public synchronized void reset() {
        faults.clear();
        paymentIntentStatus = "succeeded";
    }

    public synchronized List<Request> requests(String path) {
        return requests.stream().filter(request -> request.path().equals(path)).toList();
    }

    /** Requests to create a PaymentIntent that name this customer (retries included). */
    public synchronized List<Request> paymentIntentRequests(String customer) {
        return requests("/v1/payment_intents").stream().filter(r -> customer.equals(r.form().get("customer"))).toList();
    }

    /** PaymentIntents made (charges of a card), by customer: what a user's statement would show. */
    public synchronized int paymentIntentsMade(String customer) {
        return paymentIntentsCreated.getOrDefault(customer, 0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!("Bearer " + SECRET_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, new Answer(401, "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"bad key\"}}"));
                return;
            }
            Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            synchronized (this) {
                requests.add(new Request(path, key, form));
            }
            Fault fault = faults.poll();
            if (fault != null && fault.delay() == null) {
                reply(exchange, new Answer(fault.status(), fault.body()));
                return;
            }
            Answer answer;
            synchronized (this) {
                answer = key == null ? null : byIdempotencyKey.get(key);
                if (answer == null) {
                    answer = create(path, form);
                    if (key != null && answer.status() < 500) {
                        byIdempotencyKey.put(key, answer);
                    }
                }
            }
            if (fault != null) {
                sleep(fault.delay());
            }
            reply(exchange, answer);
        }
    }

    private Answer create(String path, Map<String, String> form) {
        int n = ids.incrementAndGet();
        return switch (path) {
            case "/v1/customers" -> new Answer(200, """
                    {"id": "cus_fake%d", "object": "customer", "email": %s}""".formatted(n, quoted(form.get("email"))));
            case "/v1/checkout/sessions" -> new Answer(200, """
                    {"id": "cs_test_fake%d", "object": "checkout.session", "mode": %s, "url": "https://checkout.stripe.test/c/pay/cs_test_fake%d",
                     "client_reference_id": %s, "customer": %s, "amount_total": %s, "currency": "usd", "status": "open"}"""
                    .formatted(n, quoted(form.get("mode")), n, quoted(form.get("client_reference_id")),
                            quoted(form.get("customer")), form.getOrDefault("line_items[0][price_data][unit_amount]", "null")));
            case "/v1/payment_intents" -> {
                paymentIntentsCreated.merge(form.get("customer"), 1, Integer::sum);
                yield new Answer(200, """
                        {"id": "pi_fake%d", "object": "payment_intent", "amount": %s, "amount_received": %s, "currency": "usd",
                         "customer": %s, "payment_method": %s, "status": %s}"""
                        .formatted(n, form.get("amount"), form.get("amount"), quoted(form.get("customer")),
                                quoted(form.get("payment_method")), quoted(paymentIntentStatus)));
            }
            default -> new Answer(404, "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"no such path\"}}");
        };
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static void reply(HttpExchange exchange, Answer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // The client gave up waiting (a stalled answer): what a timeout looks like from Stripe's side.
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
