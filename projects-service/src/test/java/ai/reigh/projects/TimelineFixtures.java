package ai.reigh.projects;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** A shot's timeline as a client reads and changes it. */
final class TimelineFixtures {
    private TimelineFixtures() {
    }

    static String path(String shot) {
        return "/v1/shots/" + shot + "/generations";
    }

    /** Link id → position (null: unpositioned), in the list's order. */
    static Map<String, Integer> positions(User user, String shot) {
        return positionsOf(Api.as(user.token()).get(path(shot)).then().statusCode(200).extract().jsonPath());
    }

    static Map<String, Integer> positionsOf(JsonPath page) {
        List<String> ids = page.getList("items.id");
        List<Integer> positions = page.getList("items.position");
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            out.put(ids.get(i), positions.get(i));
        }
        return out;
    }

    /** Appends the generations at the end of the timeline; the new links' ids, in order. */
    static List<String> append(User user, String shot, String... generations) {
        return Api.as(user.token()).body(Map.of("generation_ids", List.of(generations))).post(path(shot) + "/append")
                .then().statusCode(201).extract().path("added.id");
    }

    static Response setPositions(User user, String shot, Object... idThenPosition) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < idThenPosition.length; i += 2) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", idThenPosition[i]);
            entry.put("position", idThenPosition[i + 1]);
            entries.add(entry);
        }
        return Api.as(user.token()).body(Map.of("positions", entries)).put(path(shot) + "/positions");
    }

    static List<String> images(User user, String project, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(Fixtures.generation(user, project, "image"));
        }
        return ids;
    }
}
