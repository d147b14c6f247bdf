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
    /** A tool type as the web app names them: "image-generation", "travel-between-images", ... */
    private static final java.util.regex.Pattern TOOL_TYPE = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

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

    /** A whole number in [min, max], or absent. */
    static Integer integer(String name, String value, int min, int max) {
        if (value == null) {
            return null;
        }
        if (!value.isEmpty() && value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return (int) number;
            }
        }
        throw ProblemException.validation(name, "must be an integer between " + min + " and " + max);
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

    /** {@code tool_type=a,b}: up to 10 tool types of at most 100 characters each. */
    static String[] toolTypes(String value) {
        return list("tool_type", value == null || value.isEmpty() ? null : value, 10, TOOL_TYPE);
    }

    /** {@code sort=newest} (the default) or {@code oldest}. */
    static boolean oldestFirst(String value) {
        return "oldest".equals(oneOf("sort", value, Set.of("newest", "oldest")));
    }

    /** An ILIKE pattern that finds {@code text} anywhere, its own % _ and \\ taken literally. */
    static String containing(String text) {
        if (text == null) {
            return null;
        }
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
