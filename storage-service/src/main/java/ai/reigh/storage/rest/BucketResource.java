package ai.reigh.storage.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import ai.reigh.common.auth.Roles;
import ai.reigh.storage.config.Buckets;

@Path("/v1/storage/buckets")
public class BucketResource {
    private final Buckets buckets;

    public BucketResource(Buckets buckets) {
        this.buckets = buckets;
    }

    /** The buckets and their limits (configuration; no I/O). */
    @GET
    @RolesAllowed({ Roles.USER, Roles.WORKER })
    public Items<BucketView> list() {
        return new Items<>(buckets.all().stream().map(bucket -> new BucketView(bucket.name(), bucket.publicRead(),
                bucket.maxObjectBytes(), bucket.allowedContentTypes())).toList());
    }
}
