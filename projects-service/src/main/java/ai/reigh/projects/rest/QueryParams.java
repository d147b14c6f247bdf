package ai.reigh.projects.rest;

import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;

/**
 * Query parameters are read as strings and parsed here: JAX-RS would answer a 404 for a query value
 * it cannot convert, and would read {@code ?starred=yes} as false. Here a bad value is a 400 that
 * names the parameter.
 */
final class QueryParams {
    private QueryParams() {
    }

    /** {@code true}, {@code false} or absent (null). */
    static Boolean bool(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ProblemException.validation(name, "must be true or false");
        };
    }

    static UUID uuid(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ProblemException.validation(name, "must be a UUID");
    }

    static String oneOf(String name, String value, Set<String> allowed) {
        if (value == null || allowed.contains(value)) {
            return value;
        }
        throw ProblemException.validation(name, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
    }

    static <R, V> Page<V> map(Page<R> page, Function<R, V> view) {
        return page.map(view);
    }

    /**
     * Free text of 1 to {@code maxLength} characters (not blank, no control characters), or absent;
     * an empty value ({@code ?q=}, a cleared search box) counts as absent.
     */
    static String text(String name, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.isBlank() || value.length() > maxLength || value.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.validation(name, "must be 1 to " + maxLength + " printable characters");
        }
        return value;
    }

    /** A comma-separated list of at most {@code maxItems} values, each matching {@code pattern}, or absent. */
    static String[] list(String name, String value, int maxItems, java.util.regex.Pattern pattern) {
        if (value == null) {
            return null;
        }
        String[] items = value.split(",", -1);
        if (items.length > maxItems || java.util.Arrays.stream(items).anyMatch(item -> !pattern.matcher(item).matches())) {
            throw ProblemException.validation(name, "must be 1 to " + maxItems + " comma-separated values like "
                    + pattern.pattern());
        }
        return items;
    }

    /** An ILIKE pattern that finds {@code text} anywhere, its own % _ and \\ taken literally. */
    static String containing(String text) {
        if (text == null) {
            return null;
        }
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
