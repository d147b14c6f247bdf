package ai.reigh.gateway.routing;

/** The upstreams the gateway routes to. */
public enum Service {
    PROJECTS, TASKS, CREDITS, STORAGE
}
