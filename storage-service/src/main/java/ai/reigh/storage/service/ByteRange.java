package ai.reigh.storage.service;

import java.util.Optional;

/**
 * One byte range of a GET ({@code Range: bytes=…}, RFC 9110 §14), inclusive. Video players seek with
 * these. Only single ranges are honoured; anything this does not understand (several ranges, other
 * units, garbage) is ignored and the whole object is sent, as the RFC allows.
 */
public record ByteRange(long first, long last) {

    public long length() {
        return last - first + 1;
    }

    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** Empty: send everything. Throws {@link Unsatisfiable} when the range starts past the end. */
    public static Optional<ByteRange> parse(String header, long size) {
        if (header == null || !header.regionMatches(true, 0, "bytes=", 0, 6) || header.length() > 100) {
            return Optional.empty();
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (spec.indexOf(',') >= 0 || dash < 0) {
            return Optional.empty();
        }
        try {
            String from = spec.substring(0, dash).trim();
            String to = spec.substring(dash + 1).trim();
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix <= 0) {
                    throw new Unsatisfiable(size);
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? size - 1 : Long.parseLong(to);
            if (first < 0 || last < first && !to.isEmpty()) {
                return Optional.empty();
            }
            if (first >= size) {
                throw new Unsatisfiable(size);
            }
            return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
        } catch (NumberFormatException garbage) {
            return Optional.empty();
        }
    }

    /** The range starts at or after the end of the object (416). */
    public static final class Unsatisfiable extends RuntimeException {
        private final long size;

        public Unsatisfiable(long size) {
            super("range not satisfiable", null, false, false);
            this.size = size;
        }

        public long size() {
            return size;
        }
    }
}
