package ai.reigh.storage.rest;

import java.io.InputStream;
import java.time.Duration;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import ai.reigh.common.error.Problem;
import ai.reigh.common.http.RequestIds;
import ai.reigh.storage.repository.StorageObjectRow;
import ai.reigh.storage.service.ByteRange;
import ai.reigh.storage.service.PublicObjects;
import ai.reigh.storage.service.StorageErrors;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /storage/v1/object/public/{bucket}/{key}} (the Supabase-compatible URL): ready objects of
 * public buckets, to anyone, streamed from the store with their type and length. Keys are never reused
 * (a new upload gets a new key), so responses are cacheable forever and the object id is a strong ETag.
 * Single byte ranges are honoured (video seeking). Anything else is a 404, whoever asks.
 *
 * <p>Blocking: the bytes are copied from the store's stream on a worker thread, never on the event loop.
 */
@Path("/storage/v1/object/public/{bucket}/{key: .+}")
@PermitAll
public class PublicObjectResource {
    static final String CACHE_FOREVER = "public, max-age=31536000, immutable";
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(20);

    private final PublicObjects objects;

    public PublicObjectResource(PublicObjects objects) {
        this.objects = objects;
    }

    @GET
    @Blocking
    @APIResponse(responseCode = "200", description = "The object's bytes, with its own content type",
            content = @Content(mediaType = "*/*", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "206", description = "The requested byte range",
            content = @Content(mediaType = "*/*", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "304", description = "Not modified (If-None-Match)")
    public Response get(@PathParam("bucket") String bucket, @PathParam("key") String key,
            @HeaderParam("Range") String rangeHeader, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @HeaderParam(RequestIds.HEADER) String requestId) {
        StorageObjectRow row = objects.find(bucket, key).await().atMost(LOOKUP_TIMEOUT);
        String etag = etagOf(row);
        if (matches(ifNoneMatch, etag)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).header(HttpHeaders.CACHE_CONTROL, CACHE_FOREVER)
                    .build();
        }
        ByteRange range;
        try {
            range = ByteRange.parse(rangeHeader, row.sizeBytes()).orElse(null);
        } catch (ByteRange.Unsatisfiable unsatisfiable) {
            return Response.status(416).type(Problem.MEDIA_TYPE)
                    .header("Content-Range", "bytes */" + unsatisfiable.size())
                    .entity(Problem.of(416, StorageErrors.RANGE_NOT_SATISFIABLE, "Range not satisfiable",
                            "The object has " + unsatisfiable.size() + " bytes.", null).forRequest(requestId))
                    .build();
        }
        InputStream bytes = objects.open(row, range).await().atMost(LOOKUP_TIMEOUT);
        StreamingOutput body = output -> {
            try (InputStream in = bytes) {
                in.transferTo(output);
            }
        };
        Response.ResponseBuilder answer = headers(Response.status(range == null ? 200 : 206), row)
                .header(HttpHeaders.CONTENT_LENGTH, range == null ? row.sizeBytes() : range.length())
                .entity(body);
        if (range != null) {
            answer.header("Content-Range", range.contentRange(row.sizeBytes()));
        }
        return answer.build();
    }

    /** The headers of a GET without the bytes (and without touching the store). */
    @HEAD
    @APIResponse(responseCode = "200", description = "The object's headers, without its bytes")
    public io.smallrye.mutiny.Uni<Response> head(@PathParam("bucket") String bucket, @PathParam("key") String key) {
        return objects.find(bucket, key).map(row -> headers(Response.ok(), row)
                .header(HttpHeaders.CONTENT_LENGTH, row.sizeBytes()).build());
    }

    private static Response.ResponseBuilder headers(Response.ResponseBuilder answer, StorageObjectRow row) {
        return answer.type(row.contentType())
                .header(HttpHeaders.CACHE_CONTROL, CACHE_FOREVER)
                .header(HttpHeaders.ETAG, etagOf(row))
                .header("Accept-Ranges", "bytes")
                // Served from our origin: the browser must not guess a type other than the declared one.
                .header("X-Content-Type-Options", "nosniff");
    }

    private static String etagOf(StorageObjectRow row) {
        return "\"" + row.id() + "\"";
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag) || tag.equals("*")) {
                return true;
            }
        }
        return false;
    }
}
