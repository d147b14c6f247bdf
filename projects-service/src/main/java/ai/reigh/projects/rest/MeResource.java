package ai.reigh.projects.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.projects.repository.ApiKeyRow;
import ai.reigh.projects.repository.UserRow;
import ai.reigh.projects.service.ApiKeyService;
import ai.reigh.projects.service.UserService;
import io.smallrye.mutiny.Uni;

@Path("/v1/me")
@RolesAllowed(Roles.USER)
@Tag(name = "users")
public class MeResource {
    private final UserService users;
    private final ApiKeyService apiKeys;
    private final CurrentCaller caller;

    public MeResource(UserService users, ApiKeyService apiKeys, CurrentCaller caller) {
        this.users = users;
        this.apiKeys = apiKeys;
        this.caller = caller;
    }

    /** The caller's user; the first authenticated call creates it from the token. */
    @GET
    @Operation(summary = "The caller's user (created from the token on the first call)")
    public Uni<UserView> me() {
        return users.me(caller.get()).map(MeResource::view);
    }

    @PATCH
    @Operation(summary = "Change the profile and merge-patch the settings",
            description = "{name?, username? (3-30 of A-Za-z0-9_.-, unique whatever the case: else 409 username_taken), "
                    + "avatar_url? (http(s) URL, null clears), onboarding_completed?, settings? (RFC 7386 merge patch)}; "
                    + "absent fields keep their value.")
    public Uni<UserView> update(@Valid @NotNull UserPatch patch) {
        return users.update(caller.get(), new UserService.ProfileChange(patch.name(), patch.username(),
                PatchFields.text("avatar_url", patch.avatarUrl(), 2048), patch.onboardingCompleted(), patch.settings()))
                .map(MeResource::view);
    }

    @PUT
    @Path("/settings/{key}")
    @Operation(summary = "Replace one tool's settings (the key) with the body, whole",
            description = "The body is {settings: a JSON object}; unlike a merge patch, keys it lacks are removed from that tool's "
                    + "settings. Other keys are untouched, also by concurrent writers (the row is locked).")
    public Uni<UserView> replaceSettingsKey(@PathParam("key") String key,
            @Valid @NotNull Requests.SettingsReplacement body) {
        return users.replaceSettingsKey(caller.get(), key, body.settings()).map(MeResource::view);
    }

    @GET
    @Path("/api-keys")
    @Operation(summary = "The caller's keys for model providers, masked",
            description = "{items: [{service, masked, metadata, created_at, updated_at}]} by service; the keys are never "
                    + "returned. 503 when the server has no encryption key configured.")
    public Uni<ApiKeyList> apiKeys() {
        return apiKeys.list(caller.get()).map(rows -> new ApiKeyList(rows.stream().map(ApiKeyView::of).toList()));
    }

    @GET
    @Path("/api-keys/{service}")
    @Operation(summary = "One provider key, masked (404 when none is set)")
    public Uni<ApiKeyView> apiKey(@PathParam("service") String service) {
        return apiKeys.get(caller.get(), service).map(ApiKeyView::of);
    }

    @PUT
    @Path("/api-keys/{service}")
    @Operation(summary = "Set (201) or replace (200) the key of a model provider",
            description = "{key: 16-4096 visible ASCII characters, metadata?: object ≤ 4 KiB}. The key is encrypted "
                    + "(AES-256-GCM) before it is stored and is never returned or logged: answers show `masked`. At most "
                    + "20 providers per user (422 quota_exceeded).")
    public Uni<RestResponse<ApiKeyView>> putApiKey(@PathParam("service") String service,
            @Valid @NotNull ApiKeyPut body) {
        return apiKeys.put(caller.get(), service, body.key(), body.metadata()).map(upserted -> RestResponse
                .status(upserted.created() ? Status.CREATED : Status.OK, ApiKeyView.of(upserted.row())));
    }

    @DELETE
    @Path("/api-keys/{service}")
    @Operation(summary = "Delete a provider key (204, also when none was set)")
    public Uni<RestResponse<Void>> deleteApiKey(@PathParam("service") String service) {
        return apiKeys.delete(caller.get(), service).map(done -> RestResponse.noContent());
    }

    /** {@code PUT /v1/me/api-keys/{service}}: the key, never echoed. */
    public record ApiKeyPut(String key, JsonNode metadata) {
        @Override
        public String toString() {
            return "ApiKeyPut[key=<redacted>]";
        }
    }

    public record ApiKeyView(String service, String masked, JsonNode metadata, java.time.Instant createdAt,
            java.time.Instant updatedAt) {
        static ApiKeyView of(ApiKeyRow row) {
            return new ApiKeyView(row.service(), row.masked(), row.metadata(), row.createdAt(), row.updatedAt());
        }
    }

    public record ApiKeyList(List<ApiKeyView> items) {
    }

    static UserView view(UserRow row) {
        return new UserView(row.id(), row.email(), row.name(), row.username(), row.avatarUrl(),
                row.onboardingCompleted(), row.settings(), row.totalCredits(), row.createdAt());
    }
}
