package ai.reigh.tasks.compat.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.tasks.compat.service.EdgeWork;
import io.smallrye.mutiny.Uni;

/**
 * The fleet's heartbeat, a PostgREST RPC in the backend it was written for ({@code POST
 * /rest/v1/rpc/func_worker_heartbeat_with_logs}, routed here by the gateway; the guardian's
 * {@code Prefer: return=representation} is what this answers anyway). It names no task: every lease the
 * worker holds is renewed. The log lines it carries (at most 100) are accepted and not kept.
 */
@Path("/rest/v1/rpc/func_worker_heartbeat_with_logs")
@RolesAllowed(Roles.WORKER)
@Tag(name = "Worker compatibility", description = "The deployed GPU fleet's protocol (docs/worker-compat.md)")
public class HeartbeatRpcResource {
    private final CurrentCaller caller;
    private final EdgeWork work;

    public HeartbeatRpcResource(CurrentCaller caller, EdgeWork work) {
        this.caller = caller;
        this.work = work;
    }

    @POST
    @Operation(summary = "Registers the worker's state and renews every lease it holds; crashed/terminated hand its"
            + " tasks back")
    public Uni<EdgeAnswers.Heartbeat> beat(@Valid @NotNull EdgeRequests.Heartbeat request) {
        return work.heartbeat(caller.get(), request).map(beat -> new EdgeAnswers.Heartbeat(true, beat.workerId(),
                beat.status(), beat.leasesRenewed(), beat.leaseExpiresAt()));
    }
}
