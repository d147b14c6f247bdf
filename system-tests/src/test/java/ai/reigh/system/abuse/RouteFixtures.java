package ai.reigh.system.abuse;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.reigh.system.abuse.OpenApiRoutes.Route;

/**
 * How to call each route of {@link OpenApiRoutes} on a {@link TenantWorld}: which of the world's ids
 * fills each path parameter (by the path up to the parameter, so that a new route under a known prefix
 * is covered at once) and a valid body for each route that takes JSON. The tests fail, listing the
 * route, when a route has neither a fixture nor a documented reason to have none.
 */
public final class RouteFixtures {
    private static final Pattern PARAM = Pattern.compile("\\{([^}:]+)(:[^}]*)?}");

    /** The path up to and including a parameter → the world's id that fills it. */
    private static final Map<String, Function<TenantWorld, String>> IDS = new LinkedHashMap<>();

    /** Path parameters that do not name anybody's resource, and why. */
    public static final Map<String, String> NOT_TENANT_OWNED = Map.ofEntries(
            Map.entry("/v1/admin/task-costs/{task_type}", "a task type of the platform's configuration (admin only: see the role matrix)"),
            Map.entry("/v1/admin/tasks/{id}", "any owner's task, by design: the operator console's (admin only: see the role matrix)"),
            Map.entry("/v1/admin/credits/users/{user_id}", "any user's account, by design: the operator console's (admin only: see the role matrix)"),
            Map.entry("/v1/admin/storage/usage/{user_id}", "any user's storage use, by design: the operator console's (admin only: see the role matrix)"),
            Map.entry("/v1/admin/outbox/{id}", "a row of the platform's completion outbox, nobody's resource (admin only: see the role matrix)"),
            Map.entry("/v1/task-costs/{task_type}", "a task type of the platform's registry, readable by every signed-in caller"),
            Map.entry("/v1/me/settings/{key}", "a key of the caller's own settings: the path names nobody else's row"),
            Map.entry("/v1/me/api-keys/{service}", "a model provider's name among the caller's own keys: the path names nobody else's row"),
            Map.entry("/v1/storage/buckets/{bucket}", "a bucket name of the platform's configuration"),
            Map.entry("/storage/v1/object/public/{bucket}", "the public object route: public by design (API.md); private buckets are 404, tested apart"),
            Map.entry("/storage/v1/object/public/{bucket}/{key}", "the public object route: public by design (API.md)"));

    private static final Map<String, Function<TenantWorld, Map<String, Object>>> BODIES = new LinkedHashMap<>();

    static {
        IDS.put("/v1/projects/{id}", TenantWorld::project);
        IDS.put("/v1/projects/{projectId}", TenantWorld::project);
        IDS.put("/v1/shots/{id}", TenantWorld::shot);
        IDS.put("/v1/shots/{shotId}", TenantWorld::shot);
        IDS.put("/v1/shots/{shotId}/generations/{linkId}", TenantWorld::link);
        IDS.put("/v1/generations/{id}", TenantWorld::generation);
        IDS.put("/v1/generations/{generationId}", TenantWorld::generation);
        IDS.put("/v1/generations/{generationId}/variants/{id}", RouteFixtures::primaryVariant);
        IDS.put("/v1/resources/{id}", TenantWorld::resource);
        IDS.put("/v1/me/tokens/{id}", TenantWorld::accessToken);
        IDS.put("/v1/training-data/batches/{id}", TenantWorld::batch);
        IDS.put("/v1/training-data/videos/{id}", TenantWorld::video);
        IDS.put("/v1/training-data/segments/{id}", TenantWorld::segment);
        IDS.put("/v1/storage/objects/{id}", TenantWorld::object);
        // Not anybody's row (see NOT_TENANT_OWNED), but a key the route accepts: a random fill ("x/y.png") matches no route.
        IDS.put("/v1/me/settings/{key}", w -> "fixture-tool");
        IDS.put("/v1/me/api-keys/{service}", w -> "fal");
        IDS.put("/v1/projects/{id}/settings/{key}", w -> "fixture-tool");
        IDS.put("/v1/shots/{id}/settings/{key}", w -> "fixture-tool");
        IDS.put("/v1/tasks/{id}", TenantWorld::task);
        IDS.put("/v1/workers/tasks/{id}", TenantWorld::claimedTask);
        IDS.put("/internal/v1/tasks/{id}", TenantWorld::claimedTask);
        IDS.put("/internal/v1/storage/objects/{id}", TenantWorld::object);
        IDS.put("/internal/v1/shots/{id}", TenantWorld::shot);

        body("POST /v1/tasks", w -> map("project_id", w.project(), "task_type", "single_image", "params",
                map("prompt", "fixture")));
        body("POST /v1/workers/claim", w -> map("worker_id", "abuse-claim-" + UUID.randomUUID(), "wait_seconds", 0));
        body("POST /v1/workers/heartbeat", w -> map("worker_id", "abuse-heartbeat-" + w.user()));
        body("POST /v1/workers/tasks", w -> map("parent_task_id", w.claimedTask(), "lease_token", w.lease(),
                "task_type", "single_image", "params", map("prompt", "child")));
        body("POST /v1/workers/tasks/{id}/complete", w -> map("lease_token", w.lease(), "output_location",
                "https://cdn.example.com/out.png"));
        body("POST /v1/workers/tasks/complete", w -> map("completions", List.of(map("task_id", w.claimedTask(),
                "lease_token", w.lease(), "output_location", "https://cdn.example.com/out.png"))));
        body("POST /v1/workers/tasks/{id}/fail", w -> map("lease_token", w.lease(), "error", "fixture", "retryable", true));
        body("POST /v1/workers/tasks/{id}/start", w -> map("lease_token", w.lease()));
        body("PATCH /v1/generations/{id}", w -> map("name", "renamed"));
        body("POST /v1/generations/batch-get", w -> map("ids", List.of(w.generation())));
        body("POST /v1/generations/variants/batch-get", w -> map("ids", List.of(primaryVariant(w))));
        body("POST /v1/generations/{generationId}/variants", w -> map("url", "https://cdn.example.com/v.png"));
        body("PATCH /v1/generations/{generationId}/variants/{id}", w -> map("starred", true));
        body("PATCH /v1/me", w -> map("name", "renamed"));
        body("POST /v1/me/tokens", w -> map("name", "fixture token"));
        body("POST /v1/projects", w -> map("name", "fixture project"));
        body("PATCH /v1/projects/{id}", w -> map("name", "renamed"));
        body("POST /v1/projects/{projectId}/generations", w -> map("type", "image", "url", "https://cdn.example.com/g.png"));
        body("POST /v1/projects/{projectId}/shots", w -> map("name", "fixture shot"));
        body("PUT /v1/projects/{projectId}/shots/order", w -> map("shot_ids", List.of(w.shot())));
        body("POST /v1/resources", w -> map("type", "lora", "name", "fixture", "url", "https://cdn.example.com/r.bin"));
        body("PATCH /v1/resources/{id}", w -> map("name", "renamed"));
        body("PATCH /v1/shots/{id}", w -> map("name", "renamed"));
        body("POST /v1/shots/{shotId}/generations", w -> map("generation_id", w.generation()));
        body("PATCH /v1/shots/{shotId}/generations/{linkId}", w -> map("position", 7));
        body("POST /v1/training-data/batches", w -> map("name", "fixture batch"));
        body("POST /v1/training-data/batches/{id}/videos", w -> map("object_id", w.object(), "filename", "again.mp4"));
        body("POST /v1/training-data/videos/{id}/segments", w -> map("start_time", 1, "end_time", 2));
        body("POST /v1/storage/uploads", w -> map("bucket", "public", "content_type", "image/png", "size_bytes", 10));
        body("POST /v1/workers/uploads", w -> map("task_id", w.claimedTask(), "lease_token", w.lease(), "filename",
                "out.png", "content_type", "image/png", "size_bytes", 10));
        body("POST /v1/admin/credits/grants", w -> map("user_id", w.user().toString(), "amount", new BigDecimal("1"),
                "reason", "fixture", "idempotency_key", "fixture-" + UUID.randomUUID()));
        body("POST /v1/admin/credits/refunds", w -> map("ledger_entry_id", w.ledgerEntry(), "reason", "fixture"));
        body("POST /v1/admin/tasks/{id}/requeue", w -> map("reason", "fixture"));
        body("PUT /v1/admin/task-costs/{task_type}", w -> map("billing_type", "per_unit", "unit_cost",
                new BigDecimal("0.010"), "run_type", "gpu", "is_active", false));
        body("POST /v1/task-costs/estimate", w -> map("task_type", "single_image", "params", map()));
        body("POST /internal/v1/generations", w -> map("task_id", w.claimedTask(), "project_id", w.project(), "type",
                "image", "url", "https://cdn.example.com/i.png", "metadata", map()));
        body("POST /internal/v1/generations/batch", w -> map("generations", List.of(map("task_id", w.claimedTask(),
                "project_id", w.project(), "type", "image", "url", "https://cdn.example.com/i.png", "metadata", map()))));
        body("POST /internal/v1/charges", w -> map("task_id", w.claimedTask(), "user_id", w.user().toString(),
                "task_type", "single_image", "params", map(), "started_at", "2026-01-01T00:00:00Z", "processed_at",
                "2026-01-01T00:00:05Z"));
        body("POST /internal/v1/charges/batch", w -> map("charges", List.of(map("task_id", w.claimedTask(), "user_id",
                w.user().toString(), "task_type", "single_image", "params", map(), "started_at", "2026-01-01T00:00:00Z",
                "processed_at", "2026-01-01T00:00:05Z"))));
        body("POST /internal/v1/storage/objects/deletions", w -> map("object_ids", List.of()));
        body("POST /internal/v1/storage/objects/{id}/confirm", w -> map("task_id", w.claimedTask()));
        body("POST /internal/v1/storage/objects/{id}/release", w -> map("task_id", w.claimedTask()));

        // Shots and the timeline.
        body("POST /v1/shots/{id}/duplicate", w -> map("name", "fixture copy"));
        body("POST /v1/shots/{shotId}/generations/append", w -> map("generation_ids", List.of(w.generation())));
        body("PUT /v1/shots/{shotId}/generations/positions", w -> map("positions",
                List.of(map("id", w.link(), "position", 0))));
        body("PUT /v1/shots/{shotId}/generations/order", w -> map("link_ids", List.of(w.link())));
        body("POST /v1/shots/{shotId}/generations/normalize", w -> map());
        body("POST /v1/shots/{shotId}/generations/unposition", w -> map("link_ids", List.of(w.link())));
        body("POST /v1/shots/{shotId}/generations/remove", w -> map("link_ids", List.of(w.link())));
        body("POST /v1/projects/{projectId}/shot-generations/batch-get", w -> map("shot_ids", List.of(w.shot())));

        // The web app's remaining calls: settings keys, provider keys, presets, training data edits, payments.
        body("PUT /v1/me/settings/{key}", w -> map("settings", map("steps", 6)));
        body("PUT /v1/projects/{id}/settings/{key}", w -> map("settings", map("steps", 6)));
        body("PUT /v1/shots/{id}/settings/{key}", w -> map("settings", map("steps", 6)));
        body("PUT /v1/me/api-keys/{service}", w -> map("key", "sk-fixture-0123456789abcdef"));
        body("POST /v1/resources/batch-get", w -> map("ids", List.of(w.resource())));
        body("PATCH /v1/training-data/batches/{id}", w -> map("name", "renamed"));
        body("PATCH /v1/training-data/videos/{id}", w -> map("description", "renamed"));
        body("PATCH /v1/training-data/segments/{id}", w -> map("description", "renamed"));
        body("POST /v1/credits/checkout", w -> map("amount_cents", 1000));
        body("PUT /v1/credits/auto-top-up", w -> map("enabled", false));
        // The deployed GPU fleet's protocol (docs/worker-compat.md).
        body("POST /rest/v1/rpc/func_worker_heartbeat_with_logs", w -> map("worker_id_param", "abuse-fleet-" + w.user(),
                "status_param", "active", "logs_param", List.of()));
        body("POST /functions/v1/task-counts", w -> map("run_type", "gpu", "include_active", true));
        body("POST /functions/v1/claim-next-task", w -> map("worker_id", "abuse-fleet-" + w.user(), "run_type", "gpu"));
        body("POST /functions/v1/update-worker-model", w -> map("worker_id", "abuse-fleet-" + w.user(),
                "current_model", "wan-2.2"));
        body("POST /functions/v1/update-task-status", w -> map("task_id", w.claimedTask(), "status", "In Progress",
                "reset_generation_started_at", true));
        body("POST /functions/v1/complete_task", w -> map("task_id", w.claimedTask(), "output_location",
                "https://cdn.example.com/out.png"));
        body("POST /functions/v1/generate-upload-url", w -> map("task_id", w.claimedTask(), "filename", "out.mp4",
                "content_type", "video/mp4"));
        body("POST /functions/v1/create-task", w -> map("family", "travel_segment", "project_id", w.project(), "input",
                map("task_id", UUID.randomUUID().toString(), "orchestrator_task_id_ref", w.claimedTask())));
        body("POST /functions/v1/get-task-status", w -> map("task_id", w.task()));
        body("POST /functions/v1/get-task-output", w -> map("task_id", w.task()));
        body("POST /functions/v1/get-orchestrator-children", w -> map("orchestrator_task_id", w.task()));
        body("POST /functions/v1/get-predecessor-output", w -> map("task_id", w.task()));
        body("POST /functions/v1/get-completed-segments", w -> map("run_id", "abuse-run", "project_id", w.project()));
        body("POST /functions/v1/update-shot-pair-prompts", w -> map("shot_id", w.shot(), "task_id", w.task(),
                "enhanced_prompts", List.of()));
        body("POST /internal/v1/storage/task-outputs/uploads", w -> map("task_id", w.claimedTask(), "owner_id",
                w.user().toString(), "filename", "out.png", "content_type", "image/png"));
        body("POST /internal/v1/storage/task-outputs/confirm", w -> map("task_id", w.claimedTask(), "owner_id",
                w.user().toString(), "key", w.user() + "/tasks/" + w.claimedTask() + "/" + UUID.randomUUID() + ".png"));
        body("POST /internal/v1/shots/{id}/pair-prompts", w -> map("owner_id", w.user().toString(), "enhanced_prompts",
                List.of()));
    }

    private RouteFixtures() {
    }

    /** The world's generation's primary variant (its original, made with the upload). */
    static String primaryVariant(TenantWorld world) {
        return ai.reigh.common.testing.Api.as(world.token()).get("/v1/generations/" + world.generation()).then()
                .statusCode(200).extract().path("primary_variant_id");
    }

    private static void body(String key, Function<TenantWorld, Map<String, Object>> fixture) {
        BODIES.put(key, fixture);
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** The route's path with each parameter filled from the world, or empty when one has no fixture. */
    public static Optional<String> path(Route route, TenantWorld world) {
        return fill(route.template(), prefix -> IDS.containsKey(prefix) ? IDS.get(prefix).apply(world) : null);
    }

    /** The route's path with every parameter a fresh random UUID (for checks that happen before any lookup). */
    public static String randomPath(Route route) {
        return fill(route.template(), prefix -> prefix.endsWith("{task_type}") ? "single_image"
                : prefix.endsWith("{bucket}") ? "public"
                        : prefix.startsWith("/storage/") && prefix.endsWith("{key}") ? "x/y.png"
                        : prefix.endsWith("/settings/{key}") ? "fixture-tool"
                        : UUID.randomUUID().toString()).orElseThrow();
    }

    private static Optional<String> fill(String template, Function<String, String> valueOfPrefix) {
        Matcher matcher = PARAM.matcher(template);
        StringBuilder path = new StringBuilder();
        int last = 0;
        while (matcher.find()) {
            String prefix = template.substring(0, matcher.start()) + "{" + matcher.group(1) + "}";
            String value = valueOfPrefix.apply(prefix);
            if (value == null) {
                return Optional.empty();
            }
            path.append(template, last, matcher.start()).append(value);
            last = matcher.end();
        }
        path.append(template.substring(last));
        return Optional.of(path.toString());
    }

    /** Path parameters of the route that no fixture fills and no reason excuses ("template: prefix"). */
    public static List<String> unfilled(Route route) {
        List<String> missing = new ArrayList<>();
        Matcher matcher = PARAM.matcher(route.template());
        while (matcher.find()) {
            String prefix = route.template().substring(0, matcher.start()) + "{" + matcher.group(1) + "}";
            if (!IDS.containsKey(prefix) && !NOT_TENANT_OWNED.containsKey(prefix)) {
                missing.add(route.key() + ": " + prefix);
            }
        }
        return missing;
    }

    public static boolean tenantOwned(Route route) {
        Matcher matcher = PARAM.matcher(route.template());
        while (matcher.find()) {
            String prefix = route.template().substring(0, matcher.start()) + "{" + matcher.group(1) + "}";
            if (NOT_TENANT_OWNED.containsKey(prefix)) {
                return false;
            }
        }
        return true;
    }

    public static Optional<Map<String, Object>> body(Route route, TenantWorld world) {
        Function<TenantWorld, Map<String, Object>> fixture = BODIES.get(route.key());
        return fixture == null ? Optional.empty() : Optional.of(new LinkedHashMap<>(fixture.apply(world)));
    }
}
