package ai.reigh.devtools.seed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.devtools.http.PlatformClient;

/**
 * A shot's timeline as the web app's travel tool keeps it, made through the public API: generations at
 * frames 0, 50, 100… (appended when missing, re-spaced when an older seed spaced them by one), a pair
 * prompt in the metadata of each link that starts a pair, and one generation in the shot but off the
 * timeline. Idempotent: a second run adds nothing and changes nothing.
 */
public final class TimelineSeed {
    /** The seed's frame spacing: the web app's default. */
    static final int SPACING = 50;

    private final PlatformClient user;

    public TimelineSeed(PlatformClient user) {
        this.user = user;
    }

    /** What the run added (empty when everything was there) and the timeline, one line per link. */
    public record Result(List<String> made, List<String> lines) {
    }

    public Result seed(String shotId, List<String> onTimeline, List<String> pairPrompts, String loose) {
        String timeline = "/v1/shots/" + shotId + "/generations";
        List<String> made = new ArrayList<>();
        List<String> positioned = new ArrayList<>();
        boolean looseLinked = false;
        for (JsonNode link : user.get(timeline).expect(200).body().get("items")) {
            String generation = link.path("generation_id").asText();
            if (!link.path("position").isNull()) {
                positioned.add(generation);
            } else if (generation.equals(loose)) {
                looseLinked = true;
            }
        }
        List<String> missing = onTimeline.stream().filter(generation -> !positioned.contains(generation)).toList();
        if (!missing.isEmpty()) {
            user.post(timeline + "/append", Map.of("generation_ids", missing, "spacing", SPACING)).expect(201);
            made.add(missing.size() + " timeline frames");
        }
        if (!looseLinked) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("generation_id", loose);
            body.put("position", null);
            user.post(timeline, body).expect(201);
            made.add("link off the timeline");
        }
        JsonNode items = user.post(timeline + "/normalize", Map.of("spacing", SPACING)).expect(200).body().get("items");
        List<String> lines = new ArrayList<>();
        int pair = 0;
        for (JsonNode link : items) {
            String name = user.get("/v1/generations/" + link.get("generation_id").asText()).expect(200).body()
                    .path("name").asText();
            if (link.path("position").isNull()) {
                lines.add("off the timeline: " + name);
                continue;
            }
            String line = "frame " + link.get("position").asInt() + ": " + name;
            if (pair < pairPrompts.size()) {
                // A merge patch of the same values writes nothing: the second run changes nothing.
                Map<String, Object> metadata = Map.of("pair_prompt", pairPrompts.get(pair), "pair_negative_prompt",
                        "blurry, text", "frame_count", SPACING);
                user.patch(timeline + "/" + link.get("id").asText(), Map.of("metadata", metadata)).expect(200);
                line += " → \"" + pairPrompts.get(pair) + "\"";
                pair++;
            }
            lines.add(line);
        }
        return new Result(made, lines);
    }
}
