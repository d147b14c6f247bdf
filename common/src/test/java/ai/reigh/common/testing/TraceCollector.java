package ai.reigh.common.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A trace collector for tests: an OTLP/HTTP endpoint (protobuf, as the services export with
 * {@code reigh.tracing.otlp-protocol=http/protobuf}) that keeps every span it receives, so a test can
 * follow one trace across the processes of the platform. It reads the few fields of the OTLP messages
 * a test needs (service name, trace and span ids, parent, name, kind, string and integer attributes, links)
 * straight off the protobuf wire format, skipping everything else.
 */
public final class TraceCollector implements AutoCloseable {
    private final HttpServer server;
    private final List<CollectedSpan> spans = new CopyOnWriteArrayList<>();

    /**
     * A span as exported: {@code service} is its resource's {@code service.name}; {@code linkedTraceIds}
     * the traces its links point to.
     */
    public record CollectedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
            int kind, Map<String, String> attributes, List<String> linkedTraceIds) {
        public static final int KIND_SERVER = 2;
        public static final int KIND_CLIENT = 3;
    }

    private TraceCollector(HttpServer server) {
        this.server = server;
    }

    public static TraceCollector start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            TraceCollector collector = new TraceCollector(server);
            server.createContext("/", collector::receive);
            server.start();
            return collector;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the services send their spans (OTLP/HTTP). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<CollectedSpan> spans() {
        return List.copyOf(spans);
    }

    public List<CollectedSpan> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            byte[] request = body.readAllBytes();
            try {
                readExportRequest(request);
            } catch (RuntimeException malformed) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
        }
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    private void readExportRequest(byte[] message) {
        for (Field field : Wire.fields(message)) {
            if (field.number() == 1) {
                readResourceSpans(field.bytes());
            }
        }
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    private void readResourceSpans(byte[] message) {
        String service = "";
        List<byte[]> scopes = new ArrayList<>();
        for (Field field : Wire.fields(message)) {
            if (field.number() == 1) {
                // Resource { repeated KeyValue attributes = 1; }
                service = attributes(field.bytes(), 1).getOrDefault("service.name", "");
            } else if (field.number() == 2) {
                scopes.add(field.bytes());
            }
        }
        for (byte[] scope : scopes) {
            // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
            for (Field field : Wire.fields(scope)) {
                if (field.number() == 2) {
                    spans.add(readSpan(service, field.bytes()));
                }
            }
        }
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6;
    //        repeated KeyValue attributes = 9; repeated Link links = 13; }  Link { bytes trace_id = 1; ... }
    private static CollectedSpan readSpan(String service, byte[] message) {
        HexFormat hex = HexFormat.of();
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        int kind = 0;
        List<String> links = new ArrayList<>();
        for (Field field : Wire.fields(message)) {
            switch (field.number()) {
                case 1 -> traceId = hex.formatHex(field.bytes());
                case 2 -> spanId = hex.formatHex(field.bytes());
                case 4 -> parent = hex.formatHex(field.bytes());
                case 5 -> name = field.text();
                case 6 -> kind = (int) field.varint();
                case 13 -> Wire.fields(field.bytes()).stream().filter(part -> part.number() == 1)
                        .forEach(part -> links.add(hex.formatHex(part.bytes())));
                default -> {
                }
            }
        }
        return new CollectedSpan(service, traceId, spanId, parent, name, kind, attributes(message, 9), List.copyOf(links));
    }

    // KeyValue { string key = 1; AnyValue value = 2; }  AnyValue { string string_value = 1; bool = 2; int64 = 3; }
    private static Map<String, String> attributes(byte[] message, int fieldNumber) {
        Map<String, String> attributes = new HashMap<>();
        for (Field field : Wire.fields(message)) {
            if (field.number() != fieldNumber) {
                continue;
            }
            String key = null;
            String value = null;
            for (Field part : Wire.fields(field.bytes())) {
                if (part.number() == 1) {
                    key = part.text();
                } else if (part.number() == 2) {
                    for (Field any : Wire.fields(part.bytes())) {
                        value = switch (any.number()) {
                            case 1 -> any.text();
                            case 2 -> String.valueOf(any.varint() != 0);
                            case 3 -> String.valueOf(any.varint());
                            default -> value;
                        };
                    }
                }
            }
            if (key != null && value != null) {
                attributes.put(key, value);
            }
        }
        return attributes;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** One field of a protobuf message: a varint, a fixed-width value or length-delimited bytes. */
    private record Field(int number, long varint, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The protobuf wire format, as far as reading the fields of one message goes. */
    private static final class Wire {
        private Wire() {
        }

        static List<Field> fields(byte[] message) {
            List<Field> fields = new ArrayList<>();
            ByteArrayInputStream in = new ByteArrayInputStream(message);
            while (in.available() > 0) {
                long tag = varint(in);
                int number = (int) (tag >>> 3);
                switch ((int) (tag & 7)) {
                    case 0 -> fields.add(new Field(number, varint(in), new byte[0]));
                    case 1 -> fields.add(new Field(number, fixed(in, 8), new byte[0]));
                    case 2 -> fields.add(new Field(number, 0, exactly(in, (int) varint(in))));
                    case 5 -> fields.add(new Field(number, fixed(in, 4), new byte[0]));
                    default -> throw new IllegalArgumentException("unsupported wire type in tag " + tag);
                }
            }
            return fields;
        }

        private static long varint(ByteArrayInputStream in) {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = in.read();
                if (b < 0) {
                    throw new IllegalArgumentException("truncated varint");
                }
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        private static long fixed(ByteArrayInputStream in, int width) {
            ByteBuffer buffer = ByteBuffer.wrap(exactly(in, width)).order(ByteOrder.LITTLE_ENDIAN);
            return width == 8 ? buffer.getLong() : buffer.getInt();
        }

        private static byte[] exactly(ByteArrayInputStream in, int length) {
            if (length < 0 || length > in.available()) {
                throw new IllegalArgumentException("field longer than its message");
            }
            byte[] bytes = new byte[length];
            in.read(bytes, 0, length);
            return bytes;
        }
    }
}
