package ai.reigh.devtools.seed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.reigh.devtools.http.PlatformClient;

/**
 * Fresh work for each {@code ./reigh demo}: the seed is idempotent, so its tasks run once and a later
 * demo would show an empty queue. A round queues new tasks in a demo project, under idempotency keys of
 * its own ({@code demo-<round>-<n>}): the same round twice queues once, each new round queues again.
 * Cheap types only, so rounds do not drain the demo users' credits: images, an upscale that depends on
 * one of them, an API image.
 */
public final class DemoRound {
    /** Tasks per round: enough for four workers to show a queue for a few seconds. */
    public static final int IMAGES = 8;

    private final PlatformClient user;

    public DemoRound(PlatformClient user) {
        this.user = user;
    }

    /** Queues round {@code round} in {@code projectId}; returns the ids of its tasks (found again on a replay). */
    public List<String> queue(String projectId, String round) {
        if (!round.matches("[A-Za-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("a round is 1 to 40 letters, digits or dashes: " + round);
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            ids.add(task(projectId, "single_image", "demo-" + round + "-image-" + i, Map.of("prompt",
                    "demo round " + round + ", frame " + i, "resolution", i % 2 == 0 ? "512x512" : "1024x1024",
                    "model_name", "flux-dev"), List.of()));
        }
        ids.add(task(projectId, "image_upscale", "demo-" + round + "-upscale", Map.of("resolution", "2x",
                "model_name", "esrgan"), List.of(ids.get(0))));
        ids.add(task(projectId, "qwen_image", "demo-" + round + "-api", Map.of("prompt", "demo round " + round),
                List.of()));
        return ids;
    }

    private String task(String projectId, String type, String key, Map<String, Object> params, List<String> dependencies) {
        return Seeder.queueTask(user, projectId, type, key, params, dependencies).body().get("id").asText();
    }
}
