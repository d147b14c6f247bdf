package ai.reigh.credits.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The body of a POST to Stripe: {@code application/x-www-form-urlencoded}, nested fields in
 * brackets ({@code metadata[user_id]}, {@code line_items[0][quantity]}), in the order they were put.
 */
public final class StripeForm {
    private final Map<String, String> fields = new LinkedHashMap<>();

    public StripeForm put(String name, Object value) {
        if (value != null) {
            fields.put(name, String.valueOf(value));
        }
        return this;
    }

    public Map<String, String> fields() {
        return Map.copyOf(fields);
    }

    String encoded() {
        return fields.entrySet().stream()
                .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
