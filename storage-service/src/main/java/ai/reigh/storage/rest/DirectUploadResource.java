package ai.reigh.storage.rest;

import java.io.InputStream;
import java.util.OptionalLong;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.ResponseStatus;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.storage.service.DirectUploadService;
import ai.reigh.storage.service.ObjectUrls;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /v1/storage/buckets/{bucket}/objects}: a small file as the raw body, its type in
 * {@code Content-Type}, an optional {@code ?filename=} kept as metadata. Blocking on purpose: the body is
 * read as a stream (Quarkus hands a blocking method the request's stream instead of buffering it).
 */
@Path("/v1/storage/buckets/{bucket}/objects")
public class DirectUploadResource {
    static final String PATH_PATTERN = "^/v1/storage/buckets/[^/]+/objects/?$";

    private final DirectUploadService uploads;
    private final ObjectUrls urls;
    private final CurrentCaller caller;

    public DirectUploadResource(DirectUploadService uploads, ObjectUrls urls, CurrentCaller caller) {
        this.uploads = uploads;
        this.urls = urls;
        this.caller = caller;
    }

    @POST
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.USER)
    @ResponseStatus(201)
    public Uni<ObjectView> upload(@PathParam("bucket") String bucket, @QueryParam("filename") String filename,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream body) {
        if (filename != null && filename.length() > 1024) {
            throw ProblemException.validation("filename", "must be at most 1024 characters");
        }
        return uploads.upload(caller.get(), bucket, contentType, declaredLength(contentLength), filename, body)
                .chain(row -> urls.urlOf(row).map(url -> Views.object(row, url)));
    }

    private static OptionalLong declaredLength(String header) {
        if (header == null || header.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            long length = Long.parseLong(header.trim());
            if (length < 0) {
                throw new NumberFormatException();
            }
            return OptionalLong.of(length);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("validation_failed", "Content-Length is not a byte count.");
        }
    }
}
