package ai.reigh.projects.rest;

import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.service.OperatorUsers;
import io.smallrye.mutiny.Uni;

/** Finding a user, for the operator console's credits page (role {@code admin}). */
@Path("/v1/admin/users")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin")
public class AdminUserResource {
    private final OperatorUsers users;
    private final CurrentCaller caller;

    public AdminUserResource(OperatorUsers users, CurrentCaller caller) {
        this.users = users;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Find users by id, or by the start of their email or username (any case)",
            description = "?q= (1..200 characters): a full UUID finds that user; any other text is a prefix. "
                    + "In email order; cursor pages (?limit=1..200&cursor=).")
    public Uni<Page<FoundUserView>> find(@QueryParam("q") String q, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        OperatorUsers.checkCursor(cursor);
        String query = q == null ? "" : q.strip();
        if (query.isEmpty() || query.length() > OperatorUsers.MAX_QUERY_LENGTH) {
            throw ProblemException.validation("q", "must be 1 to " + OperatorUsers.MAX_QUERY_LENGTH + " characters");
        }
        int size = PageRequest.fromQuery(limit, null).limit();
        return users.find(caller.get().requireUserId(), query, size, cursor).map(page -> page.map(
                found -> new FoundUserView(found.id(), found.email(), found.username(), found.createdAt())));
    }

    public record FoundUserView(UUID id, String email, String username, Instant createdAt) {
    }
}
