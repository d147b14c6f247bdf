package ai.reigh.gateway.pages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

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
            return of(in.readAllBytes(), contentType, cacheControl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** Bytes made at start (a page filled in from configuration). */
    static StaticAsset of(byte[] bytes, String contentType, String cacheControl) {
        try {
            return new StaticAsset(contentType, cacheControl, bytes, gzip(bytes), etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compress an asset in memory", e);
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

    /**
     * Answers a GET or HEAD with this file: 304 when the client's copy is current, gzip when accepted,
     * an HTML page with its Content-Security-Policy ({@code pagePolicy}).
     */
    void serve(RoutingContext context, String pagePolicy) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        response.putHeader(HttpHeaderNames.CACHE_CONTROL, cacheControl)
                .putHeader(HttpHeaderNames.ETAG, etag)
                .putHeader(HttpHeaderNames.VARY, "Accept-Encoding")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (contentType.startsWith("text/html")) {
            response.putHeader("Content-Security-Policy", pagePolicy);
        }
        if (matches(request.getHeader(HttpHeaderNames.IF_NONE_MATCH), etag)) {
            response.setStatusCode(304).end();
            return;
        }
        boolean gzip = acceptsGzip(request.getHeader(HttpHeaderNames.ACCEPT_ENCODING));
        byte[] body = gzip ? gzipped : bytes;
        response.putHeader(HttpHeaderNames.CONTENT_TYPE, contentType);
        if (gzip) {
            response.putHeader(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        }
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length)).end();
        } else {
            response.end(Buffer.buffer(body));
        }
    }

    /** {@code If-None-Match}: a list of entity tags, or {@code *}; weak ones compare by their opaque part. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equals("gzip")) {
                return !(parts.length > 1 && parts[1].trim().replace(" ", "").matches("q=0(\\.0*)?"));
            }
        }
        return false;
    }
}
