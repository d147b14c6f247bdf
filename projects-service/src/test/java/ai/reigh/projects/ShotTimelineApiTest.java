package ai.reigh.projects;

import static ai.reigh.projects.TimelineFixtures.append;
import static ai.reigh.projects.TimelineFixtures.path;
import static ai.reigh.projects.TimelineFixtures.positions;
import static ai.reigh.projects.TimelineFixtures.setPositions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The timeline operations of a shot, each one transaction with the shot locked, each answering the
 * shot's whole timeline after the change: append at the next frame, set many frames at once (swaps
 * included), reorder, normalize, unposition, remove; link metadata by merge patch; the list with the
 * generation embedded.
 */
@QuarkusTest
class ShotTimelineApiTest {

    @Test
    void appendPlacesAfterTheLastFrameFiftyApart() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> images = TimelineFixtures.images(user, project, 3);
        List<String> first = Api.as(user.token())
                .body(Map.of("generation_ids", List.of(images.get(0), images.get(1), images.get(0)),
                        "metadata", Map.of("auto_positioned", true)))
                .post(path(shot) + "/append").then().statusCode(201)
                .body("added.position", contains(0, 50, 100))
                .body("added.generation_id", contains(images.get(0), images.get(1), images.get(0)))
                .body("added[0].metadata.auto_positioned", equalTo(true))
                .body("items.position", contains(0, 50, 100)).body("next_cursor", nullValue())
                .extract().path("added.id");
        assertThat(first).hasSize(3).doesNotHaveDuplicates();
        // Unpositioned links do not count; a frame placed by hand does.
        Fixtures.linkId(user, shot, images.get(2), null);
        String byHand = Fixtures.linkId(user, shot, images.get(2), 730);
        String next = append(user, shot, images.get(1)).get(0);
        assertThat(positions(user, shot)).containsEntry(byHand, 730).containsEntry(next, 780);
        Api.as(user.token()).body(Map.of("generation_ids", List.of(images.get(2)), "spacing", 10))
                .post(path(shot) + "/append").then().statusCode(201).body("added[0].position", equalTo(790));
    }

    @Test
    void appendRefusals() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String image = Fixtures.generation(user, project, "image");
        String append = path(shot) + "/append";
        Api.as(user.token()).body(Map.of("generation_ids", List.of())).post(append).then().statusCode(400)
                .body("errors.field", hasItem("generation_ids"));
        Api.as(user.token()).body(Map.of("generation_ids", java.util.Collections.nCopies(1001, image))).post(append)
                .then().statusCode(400).body("errors.field", hasItem("generation_ids"));
        Api.as(user.token()).body(Map.of("generation_ids", List.of(image), "spacing", 0)).post(append).then()
                .statusCode(400).body("errors[0].field", equalTo("spacing"));
        Api.as(user.token()).body(Map.of("generation_ids", List.of(image), "metadata", List.of(1))).post(append)
                .then().statusCode(400).body("errors[0].field", equalTo("metadata"));
        Api.as(user.token()).body(Map.of("generation_ids", List.of(image, UUID.randomUUID()))).post(append).then()
                .statusCode(404);
        String otherProjects = Fixtures.generation(user, Fixtures.project(user), "image");
        Api.as(user.token()).body(Map.of("generation_ids", List.of(image, otherProjects))).post(append).then()
                .statusCode(422).body("code", equalTo("generation_not_in_project"));
        Api.as(user.token()).body(Map.of("generation_ids", List.of(image))).post(path(UUID.randomUUID().toString())
                + "/append").then().statusCode(404);
        assertThat(positions(user, shot)).as("nothing added by a refused append").isEmpty();

        // The last frame is at the bound: the next would pass it.
        Fixtures.linkId(user, shot, image, 999_990);
        Api.as(user.token()).body(Map.of("generation_ids", List.of(image))).post(append).then().statusCode(422)
                .body("code", equalTo("position_out_of_range"));
    }

    @Test
    void appendCannotPassTheLinksPerShotCap() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String image = Fixtures.generation(user, project, "image");
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsService()) {
            sql.update("INSERT INTO shot_generations (shot_id, generation_id, position)"
                    + " SELECT ?::uuid, ?::uuid, NULL FROM generate_series(1, 999)", shot, image);
        }
        Api.as(user.token()).body(Map.of("generation_ids", List.of(image, image))).post(path(shot) + "/append").then()
                .statusCode(422).body("code", equalTo("quota_exceeded"));
        Api.as(user.token()).body(Map.of("generation_ids", List.of(image))).post(path(shot) + "/append").then()
                .statusCode(201).body("items", org.hamcrest.Matchers.hasSize(1000));
    }

    @Test
    void oneCallSetsManyFramesSwapsIncluded() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> links = append(user, shot, TimelineFixtures.images(user, project, 3).toArray(String[]::new));
        String a = links.get(0);
        String b = links.get(1);
        String c = links.get(2);
        setPositions(user, shot, a, 50, b, 0).then().statusCode(200).body("items.id", contains(b, a, c))
                .body("items.position", contains(0, 50, 100));
        // A rotation of three, and one link out of the timeline, in the same call.
        setPositions(user, shot, a, 100, b, null, c, 50).then().statusCode(200).body("items.id", contains(c, a, b))
                .body("items.position", contains(50, 100, null));
        // Per-link metadata is a merge patch, applied with the frames.
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", c);
        entry.put("position", 0);
        entry.put("metadata", Map.of("user_positioned", true, "pair_prompt", "dawn"));
        Api.as(user.token()).body(Map.of("positions", List.of(entry))).put(path(shot) + "/positions").then()
                .statusCode(200).body("items[0].id", equalTo(c)).body("items[0].metadata.pair_prompt", equalTo("dawn"));
        Map<String, Object> removeKey = new HashMap<>();
        removeKey.put("pair_prompt", null);
        entry.put("metadata", removeKey);
        Api.as(user.token()).body(Map.of("positions", List.of(entry))).put(path(shot) + "/positions").then()
                .statusCode(200).body("items[0].metadata", not(hasKey("pair_prompt")))
                .body("items[0].metadata.user_positioned", equalTo(true));
    }

    @Test
    void setPositionsRefusesCollisionsAndBadEntriesAndChangesNothing() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> links = append(user, shot, TimelineFixtures.images(user, project, 3).toArray(String[]::new));
        Map<String, Integer> before = positions(user, shot);
        // Onto a frame that another (unmentioned) link keeps.
        setPositions(user, shot, links.get(0), 100).then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("position_taken"));
        setPositions(user, shot, links.get(0), 7, links.get(1), 7).then().statusCode(409)
                .body("code", equalTo("position_taken"));
        setPositions(user, shot, links.get(0), 1, links.get(0), 2).then().statusCode(400)
                .body("errors[0].field", equalTo("positions[1].id"));
        setPositions(user, shot, links.get(0), -1).then().statusCode(400)
                .body("errors[0].field", equalTo("positions[0].position"));
        setPositions(user, shot, links.get(0), 1_000_001).then().statusCode(400);
        setPositions(user, shot, UUID.randomUUID().toString(), 5).then().statusCode(400)
                .body("errors[0].field", equalTo("positions[0].id"));
        String elsewhere = Fixtures.shot(user, project, "T");
        String foreignLink = Fixtures.linkId(user, elsewhere, Fixtures.generation(user, project, "image"), 0);
        setPositions(user, shot, foreignLink, 5).then().statusCode(400).body("errors[0].field", equalTo("positions[0].id"));
        Api.as(user.token()).body(Map.of("positions", List.of(Map.of("id", links.get(0))))).put(path(shot) + "/positions")
                .then().statusCode(400).body("errors[0].field", equalTo("positions[0].position"));
        Api.as(user.token()).body(Map.of("positions", List.of())).put(path(shot) + "/positions").then().statusCode(400);
        Api.as(user.token()).body(Map.of("positions", List.of(Map.of("id", links.get(0), "position", 3, "frame", 1))))
                .put(path(shot) + "/positions").then().statusCode(400).body("code", equalTo("unknown_field"));
        assertThat(positions(user, shot)).isEqualTo(before);
        assertThat(positions(user, elsewhere)).containsEntry(foreignLink, 0);
    }

    @Test
    void reorderSpacesTheGivenOrderEvenly() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> links = append(user, shot, TimelineFixtures.images(user, project, 3).toArray(String[]::new));
        String a = links.get(0);
        String b = links.get(1);
        String c = links.get(2);
        String loose = Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), null);
        String order = path(shot) + "/order";
        Api.as(user.token()).body(Map.of("link_ids", List.of(c, a, b))).put(order).then().statusCode(200)
                .body("items.id", contains(c, a, b, loose)).body("items.position", contains(0, 50, 100, null));
        // An unpositioned link named in the order is placed; the spacing may be chosen.
        Api.as(user.token()).body(Map.of("link_ids", List.of(loose, b, c, a), "spacing", 81)).put(order).then()
                .statusCode(200).body("items.id", contains(loose, b, c, a)).body("items.position", contains(0, 81, 162, 243));

        Map<String, Integer> before = positions(user, shot);
        Api.as(user.token()).body(Map.of("link_ids", List.of(b, c, a))).put(order).then().statusCode(400)
                .body("errors[0].field", equalTo("link_ids"));
        Api.as(user.token()).body(Map.of("link_ids", List.of(loose, b, c, a, a))).put(order).then().statusCode(400)
                .body("errors[0].field", equalTo("link_ids"));
        Api.as(user.token()).body(Map.of("link_ids", List.of(loose, b, c, a, UUID.randomUUID()))).put(order).then()
                .statusCode(400).body("errors[0].field", equalTo("link_ids"));
        Api.as(user.token()).body(Map.of("link_ids", List.of(loose, b, c, a), "spacing", 400_000)).put(order).then()
                .statusCode(400).body("errors[0].field", equalTo("spacing"));
        assertThat(positions(user, shot)).isEqualTo(before);
    }

    @Test
    void normalizeEvenlyOrByCappingGaps() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> images = TimelineFixtures.images(user, project, 3);
        String a = Fixtures.linkId(user, shot, images.get(0), 20);
        String b = Fixtures.linkId(user, shot, images.get(1), 30);
        String c = Fixtures.linkId(user, shot, images.get(2), 500);
        String loose = Fixtures.linkId(user, shot, images.get(2), null);
        String normalize = path(shot) + "/normalize";
        Api.as(user.token()).body(Map.of("max_gap", 81)).post(normalize).then().statusCode(200)
                .body("items.id", contains(a, b, c, loose)).body("items.position", contains(0, 10, 91, null));
        Api.as(user.token()).body(Map.of()).post(normalize).then().statusCode(200)
                .body("items.position", contains(0, 50, 100, null));
        Api.as(user.token()).body(Map.of("spacing", 25)).post(normalize).then().statusCode(200)
                .body("items.position", contains(0, 25, 50, null));

        // Normalizing a normal timeline writes nothing, so it publishes nothing.
        long events = linkEvents(shot);
        Api.as(user.token()).body(Map.of("spacing", 25)).post(normalize).then().statusCode(200);
        assertThat(linkEvents(shot)).isEqualTo(events);

        Api.as(user.token()).body(Map.of("spacing", 25, "max_gap", 81)).post(normalize).then().statusCode(400);
        Api.as(user.token()).body(Map.of("spacing", 0)).post(normalize).then().statusCode(400)
                .body("errors[0].field", equalTo("spacing"));
        Api.as(user.token()).body(Map.of("max_gap", 0)).post(normalize).then().statusCode(400)
                .body("errors[0].field", equalTo("max_gap"));
    }

    @Test
    void unpositionWithAndWithoutNormalizing() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> links = append(user, shot, TimelineFixtures.images(user, project, 4).toArray(String[]::new));
        Api.as(user.token()).body(Map.of("link_ids", List.of(links.get(1)))).post(path(shot) + "/unposition").then()
                .statusCode(200).body("items.id", contains(links.get(0), links.get(2), links.get(3), links.get(1)))
                .body("items.position", contains(0, 100, 150, null));
        Map<String, Integer> after = TimelineFixtures.positionsOf(Api.as(user.token())
                .body(Map.of("link_ids", List.of(links.get(0)), "normalize", Map.of()))
                .post(path(shot) + "/unposition").then().statusCode(200).extract().jsonPath());
        Map<String, Integer> expected = new HashMap<>();
        expected.put(links.get(2), 0);
        expected.put(links.get(3), 50);
        expected.put(links.get(1), null);
        expected.put(links.get(0), null);
        assertThat(after).isEqualTo(expected);
        assertThat(new ArrayList<>(after.keySet()).subList(0, 2)).containsExactly(links.get(2), links.get(3));
        Api.as(user.token()).body(Map.of("link_ids", List.of(UUID.randomUUID()))).post(path(shot) + "/unposition").then()
                .statusCode(400).body("errors[0].field", equalTo("link_ids"));
        Api.as(user.token()).body(Map.of("link_ids", List.of())).post(path(shot) + "/unposition").then().statusCode(400);
    }

    @Test
    void removeWithAndWithoutNormalizing() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> images = TimelineFixtures.images(user, project, 4);
        List<String> links = append(user, shot, images.toArray(String[]::new));
        Api.as(user.token()).body(Map.of("link_ids", List.of(links.get(0)), "normalize", Map.of("max_gap", 81)))
                .post(path(shot) + "/remove").then().statusCode(200)
                .body("items.id", contains(links.get(1), links.get(2), links.get(3)))
                .body("items.position", contains(0, 50, 100));
        Api.as(user.token()).body(Map.of("link_ids", List.of(links.get(2)))).post(path(shot) + "/remove").then()
                .statusCode(200).body("items.position", contains(0, 100));
        // The generations stay in the project.
        Api.as(user.token()).get("/v1/generations/" + images.get(0)).then().statusCode(200);
        Api.as(user.token()).body(Map.of("link_ids", List.of(links.get(2)))).post(path(shot) + "/remove").then()
                .statusCode(400).body("errors[0].field", equalTo("link_ids"));
        assertThat(positions(user, shot)).containsExactly(entry(links.get(1), 0), entry(links.get(3), 100));
    }

    @Test
    void linkMetadataIsMergePatchedAndReadBack() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String generation = Fixtures.generation(user, project, "image");
        String link = Api.as(user.token()).body(Map.of("generation_id", generation, "position", 0,
                "metadata", Map.of("pair_prompt", "a", "frames", 81))).post(path(shot)).then().statusCode(201)
                .body("metadata.pair_prompt", equalTo("a")).extract().path("id");
        String one = path(shot) + "/" + link;
        Api.as(user.token()).body(Map.of("metadata", Map.of("enhanced_prompt", "b"))).patch(one).then().statusCode(200)
                .body("position", equalTo(0)).body("metadata.pair_prompt", equalTo("a"))
                .body("metadata.enhanced_prompt", equalTo("b"));
        Map<String, Object> clear = new HashMap<>();
        clear.put("pair_prompt", null);
        Api.as(user.token()).body(Map.of("metadata", clear, "position", 50)).patch(one).then().statusCode(200)
                .body("position", equalTo(50)).body("metadata", not(hasKey("pair_prompt")));
        Api.as(user.token()).get(one).then().statusCode(200).body("id", equalTo(link)).body("shot_id", equalTo(shot))
                .body("generation_id", equalTo(generation)).body("position", equalTo(50))
                .body("metadata.enhanced_prompt", equalTo("b")).body("metadata.frames", equalTo(81))
                .body("updated_at", org.hamcrest.Matchers.notNullValue()).body("$", not(hasKey("generation")));

        Api.as(user.token()).body(Map.of("metadata", "text")).patch(one).then().statusCode(400)
                .body("errors[0].field", equalTo("metadata"));
        Api.as(user.token()).body(Map.of("metadata", Map.of("big", "x".repeat(70_000)))).patch(one).then()
                .statusCode(400).body("errors[0].field", equalTo("metadata"));
        Api.as(user.token()).body(Map.of("generation_id", generation, "metadata", List.of())).post(path(shot)).then()
                .statusCode(400).body("errors[0].field", equalTo("metadata"));
        Api.as(user.token()).get(path(shot) + "/" + UUID.randomUUID()).then().statusCode(404);
        Api.as(user.token()).get(path(Fixtures.shot(user, project, "T")) + "/" + link).then().statusCode(404);
    }

    @Test
    void theListEmbedsTheGenerationWhenAsked() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String generation = Fixtures.generation(user, project, "image");
        String link = Fixtures.linkId(user, shot, generation, 0);
        String url = Api.as(user.token()).get("/v1/generations/" + generation).then().extract().path("url");
        Api.as(user.token()).queryParam("embed", "generation").get(path(shot)).then().statusCode(200)
                .body("items[0].id", equalTo(link)).body("items[0].generation.id", equalTo(generation))
                .body("items[0].generation.url", equalTo(url)).body("items[0].generation.type", equalTo("image"));
        Api.as(user.token()).get(path(shot)).then().statusCode(200).body("items[0]", not(hasKey("generation")));
        Api.as(user.token()).queryParam("embed", "generation").get(path(shot) + "/" + link).then().statusCode(200)
                .body("generation.url", equalTo(url));
        Api.as(user.token()).queryParam("embed", "everything").get(path(shot)).then().statusCode(400)
                .body("errors[0].field", equalTo("embed"));
    }

    @Test
    void anotherUsersShotIsNotFoundAndItsLinksAreUnknownHere() {
        User alice = Fixtures.user();
        User bob = Fixtures.user();
        String aliceProject = Fixtures.project(alice);
        String aliceShot = Fixtures.shot(alice, aliceProject, "S");
        String aliceLink = append(alice, aliceShot, Fixtures.generation(alice, aliceProject, "image")).get(0);
        String bobProject = Fixtures.project(bob);
        String bobShot = Fixtures.shot(bob, bobProject, "S");
        String bobLink = append(bob, bobShot, Fixtures.generation(bob, bobProject, "image")).get(0);
        List<io.restassured.response.Response> foreign = new ArrayList<>(List.of(
                setPositions(bob, aliceShot, aliceLink, 5),
                Api.as(bob.token()).body(Map.of("link_ids", List.of(aliceLink))).put(path(aliceShot) + "/order"),
                Api.as(bob.token()).body(Map.of()).post(path(aliceShot) + "/normalize"),
                Api.as(bob.token()).body(Map.of("link_ids", List.of(aliceLink))).post(path(aliceShot) + "/unposition"),
                Api.as(bob.token()).body(Map.of("link_ids", List.of(aliceLink))).post(path(aliceShot) + "/remove"),
                Api.as(bob.token()).get(path(aliceShot) + "/" + aliceLink),
                Api.as(bob.token()).body(Map.of("metadata", Map.of("x", 1))).patch(path(aliceShot) + "/" + aliceLink)));
        for (var answer : foreign) {
            answer.then().statusCode(404).body("code", equalTo("not_found"));
        }
        // Alice's link named in bob's own timeline is simply not one of its links.
        setPositions(bob, bobShot, bobLink, 50, aliceLink, 0).then().statusCode(400)
                .body("errors[0].field", equalTo("positions[1].id"));
        assertThat(positions(alice, aliceShot)).containsExactly(entry(aliceLink, 0));
    }

    private static long linkEvents(String shot) {
        try (SqlSession sql = SqlSession.as("reigh_tasks").actingAsService()) {
            return sql.count("SELECT count(*) FROM realtime_events WHERE table_name = 'shot_generations'"
                    + " AND new_row ->> 'shot_id' = ?", shot);
        }
    }
}
