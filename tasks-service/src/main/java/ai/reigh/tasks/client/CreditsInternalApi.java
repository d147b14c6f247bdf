package ai.reigh.tasks.client;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.ServiceAuthHeaders;
import ai.reigh.common.internal.ChargeBatch;
import ai.reigh.common.internal.ChargeBatchResult;
import ai.reigh.common.internal.ChargeRequest;
import ai.reigh.common.internal.LedgerEntryView;
import io.smallrye.mutiny.Uni;

/** credits-service's internal API: the charges of completed tasks, one or a batch (idempotent on task_id). */
@RegisterRestClient(configKey = "credits")
@RegisterClientHeaders(ServiceAuthHeaders.class)
@Path("/internal/v1/charges")
public interface CreditsInternalApi {
    /**
     * A {@link ChargeRequest} document exactly as the completing transaction stored it in the outbox:
     * fields a newer release wrote reach the receiver whichever release relays the row.
     */
    @POST
    Uni<LedgerEntryView> charge(JsonNode charge);

    /** Up to {@link ChargeBatch#MAX_CHARGES} charge documents as stored: one outcome each, in order. */
    @POST
    @Path("/batch")
    Uni<ChargeBatchResult> chargeAll(ChargeBatch batch);
}
