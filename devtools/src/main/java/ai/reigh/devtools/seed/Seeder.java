package ai.reigh.devtools.seed;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.devtools.http.ApiResponse;
import ai.reigh.devtools.http.PlatformClient;
import ai.reigh.devtools.worker.OutputGenerator;

/**
 * Realistic demo data, made through the public API only (as the web app would): two users with
 * credits, projects with shots, positioned and unpositioned generations, variants (an upscale, an edit
 * made primary, a queued upscale task that adds one) and a derived generation, public and private LoRAs, a
 * training-data batch with a video and segments, and queued tasks of several types including a
 * dependency chain. Idempotent: every create either finds its row by name first or carries an
 * idempotency key, so seeding twice changes nothing.
 */
public final class Seeder {
    private final PlatformClient alice;
    private final PlatformClient bob;
    private final PlatformClient admin;
    private final PrintStream out;
    private final List<String> made = new ArrayList<>();

    public Seeder(PlatformClient alice, PlatformClient bob, PlatformClient admin, PrintStream out) {
        this.alice = alice;
        this.bob = bob;
        this.admin = admin;
        this.out = out;
    }

    /** Seeds and returns the ids of the demo projects (alice's first). */
    public List<String> seed() {
        profile(alice, "Alice (demo)");
        profile(bob, "Bob (demo)");
        credits(DemoUsers.ALICE.toString(), alice, "1000");
        credits(DemoUsers.BOB.toString(), bob, "250");

        String film = project(alice, "Coastal travel film", "16:9");
        String opening = shot(alice, film, "Opening");
        String harbour = shot(alice, film, "Harbour");
        shot(alice, film, "Sunset");
        String frame1 = generation(alice, film, "Reference frame 1", "https://picsum.photos/seed/reigh-1/1024/576");
        String frame2 = generation(alice, film, "Reference frame 2", "https://picsum.photos/seed/reigh-2/1024/576");
        String frame3 = generation(alice, film, "Moodboard still", "https://picsum.photos/seed/reigh-3/1024/576");
        String frame4 = generation(alice, film, "Harbour plate", "https://picsum.photos/seed/reigh-4/1024/576");
        seedTimeline(alice, "Opening", opening, List.of(frame1, frame2, frame4), List.of("the harbour wakes up, slow push in",
                "gulls take off as the light turns gold"), frame3);
        link(alice, harbour, frame4, 0);
        seedVariants(alice, film, frame1, frame2);

        String teaser = project(bob, "Product teaser", "1:1");
        String hero = shot(bob, teaser, "Hero shot");
        shot(bob, teaser, "Close-up");

        resource(alice, "Film grain LoRA", true);
        resource(alice, "Alice's watercolor style", false);
        resource(bob, "Bob's product LoRA", false);

        trainingData(alice);

        String first = task(alice, film, "single_image", "seed-opening-still", Map.of("prompt",
                "a quiet harbour at dawn, 35mm film", "shot_id", opening, "add_in_position", true,
                "resolution", "1024x1024", "model_type", "standard", "model_name", "flux-dev"), List.of());
        String upscale = task(alice, film, "image_upscale", "seed-opening-upscale",
                Map.of("resolution", "2x", "shot_id", opening, "add_in_position", true, "model_name", "esrgan"),
                List.of(first));
        task(alice, film, "wan_2_2_i2v", "seed-opening-motion", Map.of("prompt", "slow dolly in", "shot_id", opening,
                "model_name", "wan-2.2"), List.of(upscale));
        String segmentA = task(alice, film, "travel_segment", "seed-travel-a", Map.of("shot_id", harbour,
                "model_name", "wan-2.2", "frame_count", 81), List.of());
        String segmentB = task(alice, film, "travel_segment", "seed-travel-b", Map.of("shot_id", harbour,
                "model_name", "wan-2.2", "frame_count", 81), List.of());
        task(alice, film, "travel_stitch", "seed-travel-stitch", Map.of("shot_id", harbour, "add_in_position", true,
                "model_name", "ffmpeg"), List.of(segmentA, segmentB));
        task(bob, teaser, "single_image", "seed-hero-1", Map.of("prompt", "a matte black bottle on marble",
                "shot_id", hero, "add_in_position", true, "resolution", "1024x1024", "model_name", "flux-dev"), List.of());
        task(bob, teaser, "single_image", "seed-hero-2", Map.of("prompt", "the bottle, backlit",
                "shot_id", hero, "resolution", "512x512", "model_name", "flux-dev"), List.of());
        task(bob, teaser, "qwen_image", "seed-hero-api", Map.of("prompt", "the bottle on a beach"), List.of());
        // Its output becomes a variant of the moodboard still (not a generation of its own) when a worker runs it.
        task(alice, film, "image_upscale", "seed-moodboard-upscale", Map.of("resolution", "2x", "based_on", frame3,
                "variant_type", "upscaled", "model_name", "esrgan"), List.of());

        out.println(made.isEmpty() ? "The demo data is already there; nothing added."
                : "Seeded: " + String.join(", ", made));
        return List.of(film, teaser);
    }

    private void profile(PlatformClient user, String name) {
        user.get("/v1/me").expect(200);
        user.patch("/v1/me", Map.of("name", name, "settings",
                Map.of("ui", Map.of("generationMethods", Map.of("inCloud", true))))).expect(200);
    }

    private void credits(String userId, PlatformClient user, String amount) {
        admin.post("/v1/admin/credits/grants", Map.of("user_id", userId, "amount", new java.math.BigDecimal(amount),
                "reason", "demo seed", "idempotency_key", "demo-seed-grant-" + userId)).expect(200, 201);
        user.post("/v1/credits/welcome-bonus", Map.of()).expect(201, 409);
    }

    private String project(PlatformClient user, String name, String aspectRatio) {
        return findOrCreate(user, "/v1/projects", item -> name.equals(item.path("name").asText()),
                Map.of("name", name, "aspect_ratio", aspectRatio), "project " + name);
    }

    private String shot(PlatformClient user, String projectId, String name) {
        return findOrCreate(user, "/v1/projects/" + projectId + "/shots", item -> name.equals(item.path("name").asText()),
                Map.of("name", name), "shot " + name);
    }

    private String generation(PlatformClient user, String projectId, String name, String url) {
        return findOrCreate(user, "/v1/projects/" + projectId + "/generations",
                item -> name.equals(item.path("name").asText()) || name.equals(item.path("metadata").path("name").asText()),
                Map.of("type", "image", "url", url, "metadata", Map.of("name", name, "source", "demo seed")),
                "generation " + name, created -> user.patch("/v1/generations/" + created, Map.of("name", name)).expect(200));
    }

    /**
     * The media model: reference frame 1 gets an upscale and an edit (the edit made primary, so the
     * frame shows it), and a new generation is based on reference frame 2. Variants carry idempotency
     * keys; the primary switch and the derived generation are looked up first.
     */
    private void seedVariants(PlatformClient user, String projectId, String frame1, String frame2) {
        String variants = "/v1/generations/" + frame1 + "/variants";
        variant(user, variants, "seed-frame1-upscaled", Map.of("url", "https://picsum.photos/seed/reigh-1/2048/1152",
                "thumbnail_url", "https://picsum.photos/seed/reigh-1/256/144", "variant_type", "upscaled",
                "name", "2x upscale", "params", Map.of("tool_type", "image-upscale", "scale", 2)));
        String edit = variant(user, variants, "seed-frame1-edit", Map.of("url",
                "https://picsum.photos/seed/reigh-1-edit/1024/576", "variant_type", "magic_edit", "name", "Warmer light",
                "params", Map.of("tool_type", "edit-images", "prompt", "warmer evening light")));
        JsonNode frame = user.get("/v1/generations/" + frame1).expect(200).body();
        if (!edit.equals(frame.path("primary_variant_id").asText())) {
            user.post(variants + "/" + edit + "/primary", Map.of()).expect(200);
            made.add("primary variant");
        }
        findOrCreate(user, "/v1/projects/" + projectId + "/generations?based_on=" + frame2, item -> true,
                Map.of("type", "image", "url", "https://picsum.photos/seed/reigh-2-crop/1024/576", "name",
                        "Reference frame 2, cropped", "based_on", frame2, "params",
                        Map.of("tool_type", "edit-images", "prompt", "crop to the boats")),
                "generation based on reference frame 2");
    }

    private String variant(PlatformClient user, String variantsPath, String key, Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>(fields);
        body.put("idempotency_key", key);
        ApiResponse answer = user.post(variantsPath, body).expect(200, 201);
        if (answer.status() == 201) {
            made.add("variant " + fields.get("variant_type"));
        }
        return answer.body().get("id").asText();
    }

    private void link(PlatformClient user, String shotId, String generationId, Integer position) {
        JsonNode links = user.get("/v1/shots/" + shotId + "/generations").expect(200).body().get("items");
        for (JsonNode link : links) {
            if (generationId.equals(link.path("generation_id").asText())) {
                return;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generation_id", generationId);
        body.put("position", position);
        user.post("/v1/shots/" + shotId + "/generations", body).expect(201);
        made.add("link " + (position == null ? "unpositioned" : "at " + position));
    }

    /** The timeline part of the demo (its own class: {@link TimelineSeed}); printed, so that the seed shows it. */
    private void seedTimeline(PlatformClient user, String shotName, String shotId, List<String> onTimeline,
            List<String> pairPrompts, String loose) {
        TimelineSeed.Result timeline = new TimelineSeed(user).seed(shotId, onTimeline, pairPrompts, loose);
        made.addAll(timeline.made());
        out.println("Timeline of shot " + shotName + " (" + shotId + "):");
        timeline.lines().forEach(line -> out.println("  " + line));
    }

    private void resource(PlatformClient user, String name, boolean isPublic) {
        findOrCreate(user, "/v1/resources?scope=mine", item -> name.equals(item.path("name").asText()),
                Map.of("type", "lora", "name", name, "url", "https://huggingface.co/demo/" + name.replaceAll("\\W+", "-"),
                        "metadata", Map.of("base_model", "wan-2.2", "trigger_word", "demo"), "is_public", isPublic),
                (isPublic ? "public" : "private") + " LoRA " + name);
    }

    private void trainingData(PlatformClient user) {
        String batch = findOrCreate(user, "/v1/training-data/batches", item -> "Demo clips".equals(item.path("name").asText()),
                Map.of("name", "Demo clips"), "training batch");
        JsonNode videos = user.get("/v1/training-data/batches/" + batch + "/videos").expect(200).body().get("items");
        String video;
        if (videos.isEmpty()) {
            byte[] clip = OutputGenerator.forTask("demo_video", 48 * 1024, 7).bytes();
            JsonNode upload = user.post("/v1/storage/uploads", Map.of("bucket", "training-data",
                    "content_type", "video/mp4", "size_bytes", clip.length, "filename", "harbour-clip.mp4"))
                    .expect(201).body();
            Map<String, String> headers = new LinkedHashMap<>();
            upload.path("upload_headers").fields().forEachRemaining(f -> headers.put(f.getKey(), f.getValue().asText()));
            int put = user.putBytes(upload.get("upload_url").asText(), headers, clip);
            if (put / 100 != 2) {
                throw new IllegalStateException("upload of the training clip failed: " + put);
            }
            String objectId = upload.get("object_id").asText();
            user.post("/v1/storage/objects/" + objectId + "/confirm", Map.of()).expect(200);
            video = user.post("/v1/training-data/batches/" + batch + "/videos",
                    Map.of("object_id", objectId, "filename", "harbour-clip.mp4")).expect(201).body().get("id").asText();
            made.add("training video");
        } else {
            video = videos.get(0).get("id").asText();
        }
        JsonNode segments = user.get("/v1/training-data/videos/" + video + "/segments").expect(200).body().get("items");
        if (segments.isEmpty()) {
            user.post("/v1/training-data/videos/" + video + "/segments", Map.of("start_time", 0, "end_time", 2.5)).expect(201);
            user.post("/v1/training-data/videos/" + video + "/segments", Map.of("start_time", 3, "end_time", 6)).expect(201);
            made.add("2 segments");
        }
    }

    private String task(PlatformClient user, String projectId, String type, String key, Map<String, Object> params,
            List<String> dependencies) {
        ApiResponse answer = queueTask(user, projectId, type, key, params, dependencies);
        if (answer.status() == 201) {
            made.add("task " + type);
        }
        return answer.body().get("id").asText();
    }

    /** Queues a task under an idempotency key: 201 the first time, 200 (the same task) on every replay. */
    static ApiResponse queueTask(PlatformClient user, String projectId, String type, String key,
            Map<String, Object> params, List<String> dependencies) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("project_id", projectId);
        body.put("task_type", type);
        body.put("params", params);
        if (!dependencies.isEmpty()) {
            body.put("dependant_on", dependencies);
        }
        body.put("idempotency_key", key);
        return user.post("/v1/tasks", body).expect(200, 201);
    }

    private String findOrCreate(PlatformClient user, String listPath, Predicate<JsonNode> matches, Map<String, Object> body,
            String label) {
        return findOrCreate(user, listPath, matches, body, label, created -> {
        });
    }

    private String findOrCreate(PlatformClient user, String listPath, Predicate<JsonNode> matches, Map<String, Object> body,
            String label, java.util.function.Consumer<String> afterCreate) {
        Optional<String> found = find(user, listPath, matches);
        if (found.isPresent()) {
            return found.get();
        }
        String createPath = listPath.contains("?") ? listPath.substring(0, listPath.indexOf('?')) : listPath;
        String id = user.post(createPath, body).expect(201).body().get("id").asText();
        afterCreate.accept(id);
        made.add(label);
        return id;
    }

    /** Pages through a list (bounded: the demo's lists are small). */
    private static Optional<String> find(PlatformClient user, String listPath, Predicate<JsonNode> matches) {
        String cursor = null;
        for (int page = 0; page < 50; page++) {
            String separator = listPath.contains("?") ? "&" : "?";
            String path = listPath + separator + "limit=200" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode body = user.get(path).expect(200).body();
            for (JsonNode item : body.get("items")) {
                if (matches.test(item)) {
                    return Optional.of(item.get("id").asText());
                }
            }
            JsonNode next = body.get("next_cursor");
            if (next == null || next.isNull()) {
                return Optional.empty();
            }
            cursor = next.asText();
        }
        return Optional.empty();
    }
}
