package ai.reigh.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A direct upload written by hand on a socket, so that the test decides when each byte of the body
 * leaves (a slow or stalled client), and reads the answer whenever the server sends it, even while the
 * body is still open.
 */
final class HandWrittenUpload implements AutoCloseable {
    /** The server's answer and when it arrived. */
    record Answer(int status, Map<String, String> headers, String body, Instant at) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final boolean chunked;
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private final Instant opened = Instant.now();
    private volatile Instant lastSent = opened;

    private HandWrittenUpload(URI base, String token, String bucket, String contentType, Long length) throws IOException {
        this.socket = new Socket(base.getHost(), base.getPort());
        this.socket.setSoTimeout(60_000);
        this.out = socket.getOutputStream();
        this.chunked = length == null;
        String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + length;
        out.write(("POST /v1/storage/buckets/" + bucket + "/objects HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Type: " + contentType + "\r\n" + framing + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread reader = new Thread(this::readAnswer, "hand-written-upload-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static HandWrittenUpload chunked(URI base, Fixtures.User user, String bucket, String contentType) throws IOException {
        return new HandWrittenUpload(base, user.token(), bucket, contentType, null);
    }

    static HandWrittenUpload sized(URI base, Fixtures.User user, String bucket, String contentType, long length)
            throws IOException {
        return new HandWrittenUpload(base, user.token(), bucket, contentType, length);
    }

    /** Sends part of the body now (one chunk when chunked); false once the server has closed the connection. */
    boolean send(byte[] bytes) {
        try {
            if (chunked) {
                out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(bytes);
            }
            out.flush();
            lastSent = Instant.now();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Ends a chunked body. */
    void finish() {
        try {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException closed) {
            // The server answered already: the answer says why.
        }
    }

    Instant opened() {
        return opened;
    }

    Instant lastSent() {
        return lastSent;
    }

    CompletableFuture<Answer> answer() {
        return answer;
    }

    private void readAnswer() {
        try {
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            Instant at = Instant.now();
            Map<String, String> headers = new TreeMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            answer.complete(new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers,
                    new String(body, StandardCharsets.UTF_8), at));
        } catch (IOException | RuntimeException failure) {
            answer.completeExceptionally(failure);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed before the answer was complete");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
