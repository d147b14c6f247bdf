package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.rest.Requests.AccessTokenCreate;
import ai.reigh.projects.rest.Views.AccessTokenView;
import ai.reigh.projects.rest.Views.CreatedAccessTokenView;
import ai.reigh.projects.service.AccessTokenService;
import io.smallrye.mutiny.Uni;

/**
 * Personal access tokens of the signed-in user, for a local worker ({@code reigh_pat_…}). Only a user
 * token manages them: a token cannot mint or list tokens (it is a worker, not a user).
 */
@Path("/v1/me/tokens")
@RolesAllowed(Roles.USER)
public class AccessTokenResource {
    private final AccessTokenService tokens;
    private final CurrentCaller caller;

    public AccessTokenResource(AccessTokenService tokens, CurrentCaller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    /** 201 with {@code token}: the secret, shown this once and stored only as a hash. */
    @POST
    public Uni<RestResponse<CreatedAccessTokenView>> create(@Valid @NotNull AccessTokenCreate body) {
        return tokens.create(caller.get(), body.name(), body.expiresInDays()).map(created -> RestResponse.status(
                Status.CREATED, new CreatedAccessTokenView(created.token().id(), created.token().name(), created.secret(),
                        created.token().tokenPrefix(), created.token().createdAt(), created.token().expiresAt())));
    }

    /** Newest first, revoked ones included (with {@code revoked_at}). */
    @GET
    public Uni<Page<AccessTokenView>> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return tokens.page(caller.get(), PageRequest.fromQuery(limit, cursor)).map(page -> QueryParams.map(page, AccessTokenView::of));
    }

    /** Revokes: the token stops authenticating at once; the row stays, listed as revoked. */
    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> revoke(@PathParam("id") UUID id) {
        return tokens.revoke(caller.get(), id).map(done -> RestResponse.noContent());
    }
}
