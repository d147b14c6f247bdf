package ai.reigh.tasks.compat.service;

import java.util.Optional;
import java.util.UUID;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;

/**
 * A worker of the deployed fleet as its credential names it: {@code workerId} is the one worker this
 * credential may speak for (the worker JWT's {@code reigh_worker_id}, or the worker a personal access
 * token was bound to on first use); empty only for a personal access token that has not named its
 * worker yet (it holds no task). {@code caller} decides what it may see: a local worker only its
 * owner's tasks.
 */
public record FleetWorker(Caller caller, Optional<String> workerId) {

    public Optional<UUID> ownerId() {
        return caller.workerOwnerId();
    }

    public Actor actor() {
        return caller.asWorker();
    }
}
