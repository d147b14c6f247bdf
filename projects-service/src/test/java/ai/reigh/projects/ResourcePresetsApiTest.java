package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import ai.reigh.projects.repository.ResourceRepository;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The web app's resources: presets that are only metadata (no file, no name), LoRAs by an external
 * URL, reads of many by id, and the public catalogue (tens of thousands of rows) walked page by page
 * through an index, never an offset.
 */
@QuarkusTest
class ResourcePresetsApiTest {

    @Test
    void presetsNeedNoFileAndNoName() {
        User owner = Fixtures.user();
        for (String type : List.of("phase-config", "style-reference", "structure-video", "effect")) {
            Api.as(owner.token()).body(Map.of("type", type, "metadata", Map.of("name", "My " + type, "phases", List.of(1, 2))))
                    .post("/v1/resources").then().statusCode(201).body("type", equalTo(type)).body("url", nullValue())
                    .body("object_id", nullValue()).body("name", nullValue())
                    .body("metadata.name", equalTo("My " + type)).body("is_public", equalTo(false));
        }
        // A LoRA by its external URL, public at once (the app's "share" switch).
        String lora = Api.as(owner.token()).body(Map.of("type", "lora", "url", "https://huggingface.co/org/model/x.safetensors",
                "metadata", Map.of("trigger_word", "grainy"), "is_public", true)).post("/v1/resources").then()
                .statusCode(201).body("url", equalTo("https://huggingface.co/org/model/x.safetensors")).extract().path("id");
        Api.as(Fixtures.user().token()).get("/v1/resources/" + lora).then().statusCode(200)
                .body("metadata.trigger_word", equalTo("grainy"));
        Api.as(owner.token()).body(Map.of("type", "lora", "url", "http://127.0.0.1/x.safetensors")).post("/v1/resources")
                .then().statusCode(400).body("errors.field", hasItem("url"));
        List<String> mine = Api.as(owner.token()).get("/v1/resources?type=effect").then().statusCode(200).extract()
                .path("items.type");
        assertThat(mine).containsExactly("effect");
    }

    @Test
    void manyByIdTheCallersAndThePublicOnesOnly() {
        User owner = Fixtures.user();
        User other = Fixtures.user();
        String mine = Fixtures.resource(owner, false);
        String theirsPublic = Fixtures.resource(other, true);
        String theirsPrivate = Fixtures.resource(other, false);
        List<String> asked = List.of(theirsPublic, UUID.randomUUID().toString(), mine, theirsPrivate);
        Api.as(owner.token()).body(Map.of("ids", asked)).post("/v1/resources/batch-get").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(theirsPublic, mine));
        Api.as(owner.token()).body(Map.of("ids", Collections.nCopies(201, mine))).post("/v1/resources/batch-get").then()
                .statusCode(400).body("errors[0].field", equalTo("ids"));
        Api.as(owner.token()).body(Map.of("ids", List.of("nope"))).post("/v1/resources/batch-get").then().statusCode(400);
        Api.as(owner.token()).body(Map.of("ids", List.of())).post("/v1/resources/batch-get").then().statusCode(400)
                .body("errors[0].field", equalTo("ids"));
    }

    @Test
    void thePublicCatalogueIsWalkedOnceThroughEveryRow() {
        User publisher = Fixtures.user();
        Api.as(publisher.token()).get("/v1/me").then().statusCode(200);
        String type = "walk-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> inserted = new ArrayList<>();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            // 450 rows, many sharing a creation time: ids break the ties, so none is skipped or repeated.
            for (List<Object> row : sql.query("INSERT INTO resources (user_id, type, metadata, is_public, created_at)"
                    + " SELECT ?, ?, jsonb_build_object('n', g), g % 10 <> 0, now() - (g / 3) * interval '1 second'"
                    + " FROM generate_series(1, 450) g RETURNING id, is_public", publisher.id(), type)) {
                if (Boolean.TRUE.equals(row.get(1))) {
                    inserted.add(row.get(0).toString());
                }
            }
        }
        User reader = Fixtures.user();
        LinkedHashSet<String> walked = new LinkedHashSet<>();
        int pages = 0;
        String cursor = null;
        do {
            Response page = Api.as(reader.token()).get("/v1/resources?scope=public&type=" + type + "&limit=200"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.then().statusCode(200);
            List<String> ids = page.path("items.id");
            for (String id : ids) {
                assertThat(walked.add(id)).as("seen once: " + id).isTrue();
            }
            if (pages == 0) {
                // A row published while the walk is under way comes before the cursor: not seen, nothing repeated.
                Api.as(publisher.token()).body(Map.of("type", type, "is_public", true)).post("/v1/resources").then()
                        .statusCode(201);
            }
            cursor = page.path("next_cursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(walked).containsExactlyInAnyOrderElementsOf(inserted);
    }

    /**
     * A page of the catalogue can be read in order from an index (as a generic prepared plan, the way
     * the service runs it): with sequential scans and sorts priced out, the plan is that index alone.
     * Without an index in the page's order the plan would still sort (or scan the table).
     */
    @Test
    void aCataloguePageIsReadInOrderFromAnIndex() {
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsUser(UUID.randomUUID())) {
            sql.update("SET plan_cache_mode = force_generic_plan");
            sql.update("SET enable_seqscan = off");
            sql.update("SET enable_sort = off");
            sql.update("PREPARE catalogue_page(text, timestamptz, uuid, integer) AS "
                    + ResourceRepository.PAGE_PUBLIC_OF_TYPE);
            List<String> plan = new ArrayList<>();
            for (List<Object> line : sql.query("EXPLAIN EXECUTE catalogue_page('lora', now(), '"
                    + UUID.randomUUID() + "', 201)")) {
                plan.add((String) line.get(0));
            }
            String text = String.join("\n", plan);
            assertThat(text).contains("resources_public_by_type").doesNotContain("Sort").doesNotContain("Seq Scan");
        }
    }

    @Test
    void patchKeepsFilelessPresetsFileless() {
        User owner = Fixtures.user();
        String id = Api.as(owner.token()).body(Map.of("type", "phase-config", "metadata", Map.of("phases", 3)))
                .post("/v1/resources").then().statusCode(201).extract().path("id");
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("phases", null);
        metadata.put("steps", 6);
        Api.as(owner.token()).body(Map.of("metadata", metadata, "is_public", true, "name", "Six steps"))
                .patch("/v1/resources/" + id).then().statusCode(200).body("metadata.steps", equalTo(6))
                .body("metadata.phases", nullValue()).body("is_public", equalTo(true)).body("name", equalTo("Six steps"))
                .body("url", nullValue());
    }
}
