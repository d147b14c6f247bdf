package ai.reigh.common.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A PUT to a presigned object-store URL, as a browser or a worker sends it, answering the status the store
 * gave. It is written on a plain socket, body and answer at the same time, because a store that refuses a
 * PUT (a bad signature, more bytes than were signed) answers at once and closes without reading the body.
 * {@code java.net.http.HttpClient} then fails the write and drops the answer that had already arrived
 * (about one PUT of 3 MiB in 30 here), so the refusal would look like a network error. The answer stays
 * readable in the socket's receive buffer, so reading it concurrently with the write always sees it.
 */
public final class PresignedPut {
    private static final int TIMEOUT_MILLIS = 30_000;

    private PresignedPut() {
    }

    /** PUTs {@code body} to {@code url} with exactly {@code headers} (plus Host and the body's length). */
    public static int put(String url, Map<?, ?> headers, byte[] body) {
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the test store speaks plain HTTP: " + url);
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        try (Socket socket = new Socket(uri.getHost(), port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            byte[] head = head(uri, headers, body.length).getBytes(StandardCharsets.ISO_8859_1);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    out.write(head);
                    out.write(body);
                    out.flush();
                } catch (IOException closedByARefusingStore) {
                    // The store answered and closed; the answer is read below.
                    throw new UncheckedIOException(closedByARefusingStore);
                }
            });
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1)).readLine();
            if (statusLine == null) {
                written.exceptionally(error -> null).join();
                throw new IllegalStateException("HTTP PUT " + url + ": the store closed without answering");
            }
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            if (status < 300) {
                written.join(); // a store that accepted the PUT read all of it
            }
            return status;
        } catch (IOException e) {
            throw new IllegalStateException("HTTP PUT " + url + " failed", e);
        }
    }

    private static String head(URI uri, Map<?, ?> headers, int length) {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder head = new StringBuilder("PUT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getRawAuthority()).append("\r\n")
                .append("Content-Length: ").append(length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> {
            String lower = name.toString().toLowerCase(Locale.ROOT);
            if (!lower.equals("host") && !lower.equals("content-length") && !lower.equals("connection")) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        return head.append("\r\n").toString();
    }
}
