package ai.reigh.projects.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.projects.repository.UserRow;
import ai.reigh.projects.service.UserService;
import io.smallrye.mutiny.Uni;

@Path("/v1/me")
@RolesAllowed(Roles.USER)
public class MeResource {
    private final UserService users;
    private final CurrentCaller caller;

    public MeResource(UserService users, CurrentCaller caller) {
        this.users = users;
        this.caller = caller;
    }

    /** The caller's user; the first authenticated call creates it from the token. */
    @GET
    public Uni<UserView> me() {
        return users.me(caller.get()).map(MeResource::view);
    }

    /** {@code settings} is a JSON merge patch (RFC 7386). */
    @PATCH
    public Uni<UserView> update(@Valid @NotNull UserPatch patch) {
        return users.update(caller.get(), patch.name(), patch.settings()).map(MeResource::view);
    }

    static UserView view(UserRow row) {
        return new UserView(row.id(), row.email(), row.name(), row.settings(), row.totalCredits(), row.createdAt());
    }
}
