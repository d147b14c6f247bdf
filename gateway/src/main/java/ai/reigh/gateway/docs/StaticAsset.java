package ai.reigh.gateway.docs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * A file of the gateway's jar served as it is: read once at start, with its gzip form and a strong
 * ETag (a hash of its bytes) computed then, so serving it is a header check and a write.
 */
record StaticAsset(String contentType, String cacheControl, byte[] bytes, byte[] gzipped, String etag) {

    /** The classpath resource, or an exception naming it: a missing asset is a broken build. */
    static StaticAsset load(String resource, String contentType, String cacheControl) {
        try (InputStream in = StaticAsset.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not in the gateway's jar (a build step did not run)");
            }
            byte[] bytes = in.readAllBytes();
            return new StaticAsset(contentType, cacheControl, bytes, gzip(bytes), etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(hash, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
