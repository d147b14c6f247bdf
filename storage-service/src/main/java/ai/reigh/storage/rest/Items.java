package ai.reigh.storage.rest;

import java.util.List;

/** {@code {items: [...]}} for lists that are not paged. */
public record Items<T>(List<T> items) {
}
