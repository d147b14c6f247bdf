package ai.reigh.tasks.compat.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Who a call of the fleet's protocol comes from. The fleet sends no lease token, so the fence of its
 * writes is its credential: one credential per worker. A worker JWT names its worker
 * ({@code reigh_worker_id}); a personal access token is bound to the first worker id it names (claim,
 * heartbeat, model switch) and refuses any other. A body's {@code worker_id} that is not the
 * credential's is a 403, so one worker cannot claim, beat or renew for another.
 */
@ApplicationScoped
public class FleetIdentity {
    /** Binds on first use (when a worker id is given) and answers the token's worker, or null if none yet. */
    static final String PAT_WORKER = "SELECT reigh_pat_worker($1, $2) AS worker_id";

    private final Db db;

    public FleetIdentity(Db db) {
        this.db = db;
    }

    /** The worker the credential speaks for (calls that name only a task). */
    public Uni<FleetWorker> of(Caller caller) {
        if (caller.personalAccessTokenHash().isPresent()) {
            return patWorker(caller, null).map(bound -> new FleetWorker(caller, Optional.ofNullable(bound)));
        }
        return Uni.createFrom().item(new FleetWorker(caller,
                Optional.of(caller.workerId().orElseThrow(EdgeErrors::identityRequired))));
    }

    /** The worker the credential speaks for, which must be {@code claimed} (calls that name their worker). */
    public Uni<FleetWorker> speakingFor(Caller caller, String claimed) {
        if (caller.personalAccessTokenHash().isPresent()) {
            return patWorker(caller, claimed).map(bound -> {
                if (!claimed.equals(bound)) {
                    throw EdgeErrors.workerIdMismatch(claimed);
                }
                return new FleetWorker(caller, Optional.of(bound));
            });
        }
        String named = caller.workerId().orElseThrow(EdgeErrors::identityRequired);
        if (!named.equals(claimed)) {
            return Uni.createFrom().failure(EdgeErrors.workerIdMismatch(claimed));
        }
        return Uni.createFrom().item(new FleetWorker(caller, Optional.of(named)));
    }

    private Uni<String> patWorker(Caller caller, String claimed) {
        return db.inOneStatement(Actor.service(), PAT_WORKER,
                Tuple.of(caller.personalAccessTokenHash().orElseThrow(), claimed))
                .map(rows -> rows.iterator().next().getString("worker_id"));
    }
}
