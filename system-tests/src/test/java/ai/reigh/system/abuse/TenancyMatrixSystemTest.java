package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.system.abuse.OpenApiRoutes.Route;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Tenancy, generated from the services' OpenAPI documents: every route with a path parameter is
 * called by a second user (or that user's local worker) with the first user's ids, with every method
 * the route has and a body that would be valid for the owner, and must answer 404 — or, for a public
 * resource, 200 to read and 403 to write (API.md). Afterwards the owner sees everything exactly as
 * before. A route without a fixture fails the test by name, so no route is forgotten.
 */
class TenancyMatrixSystemTest {
    private static TenantWorld alice;
    private static TenantWorld bob;

    @BeforeAll
    static void worlds() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
        alice = TenantWorld.create("alice");
        bob = TenantWorld.create("bob");
    }

    @Test
    void everyRouteWithAPathParameterHasAFixtureOrADocumentedReason() {
        List<String> missing = new ArrayList<>();
        List<String> noBody = new ArrayList<>();
        for (Route route : OpenApiRoutes.all()) {
            missing.addAll(RouteFixtures.unfilled(route));
            if (route.body() == OpenApiRoutes.BodyKind.JSON && RouteFixtures.body(route, alice).isEmpty()) {
                noBody.add(route.toString());
            }
        }
        assertThat(missing).as("path parameters without a fixture id (add them to RouteFixtures)").isEmpty();
        assertThat(noBody).as("JSON routes without a valid body fixture (add them to RouteFixtures)").isEmpty();
        assertThat(OpenApiRoutes.all()).as("the documents list the platform's routes").hasSizeGreaterThan(60);
    }

    @Test
    void anotherUsersIdsAreNotFoundOnEveryRouteAndEveryMethod() {
        Map<String, String> before = alice.snapshot();
        List<String> probed = new ArrayList<>();
        for (Route route : OpenApiRoutes.all()) {
            if (route.isInternal() || route.pathParams().isEmpty() || !RouteFixtures.tenantOwned(route)) {
                continue;
            }
            String caller = callerFor(route, bob);
            String path = RouteFixtures.path(route, alice).orElseThrow(() -> new AssertionError("no fixture: " + route));
            Object body = route.body() == OpenApiRoutes.BodyKind.JSON
                    ? RouteFixtures.body(route, alice).orElseThrow(() -> new AssertionError("no body fixture: " + route))
                    : null;
            Response answer = Calls.send(route, path, caller, body);
            Problems.assertProblem(answer, 404, "not_found", "bob → " + route.key() + " on alice's " + path);
            probed.add(route.key());
        }
        System.out.printf("tenancy matrix: %d routes probed with another user's ids%n", probed.size());
        assertThat(probed).as("routes probed").hasSizeGreaterThanOrEqualTo(35);
        assertThat(alice.snapshot()).as("alice's data after bob's attempts").isEqualTo(before);
    }

    @Test
    void aPublicResourceIsReadableByOthersButOnlyItsOwnerWritesIt() {
        String path = "/v1/resources/" + alice.publicResource();
        Api.as(bob.token()).get(path).then().statusCode(200).body("is_public", org.hamcrest.Matchers.equalTo(true));
        Problems.assertProblem(Api.as(bob.token()).body(Map.of("name", "mine now")).patch(path), 403, "forbidden",
                "bob patches alice's public resource");
        Problems.assertProblem(Api.as(bob.token()).delete(path), 403, "forbidden", "bob deletes alice's public resource");
        Api.as(alice.token()).get(path).then().statusCode(200).body("name", org.hamcrest.Matchers.equalTo("alice public lora"));
        List<String> publicIds = Api.as(bob.token()).get("/v1/resources?scope=public&limit=200").then().statusCode(200)
                .extract().path("items.id");
        assertThat(publicIds).contains(alice.publicResource()).doesNotContain(alice.resource());
        List<String> mine = Api.as(bob.token()).get("/v1/resources?scope=mine&limit=200").then().statusCode(200)
                .extract().path("items.id");
        assertThat(mine).doesNotContain(alice.publicResource(), alice.resource());
    }

    @Test
    void anotherUsersIdsInBodiesAndFiltersAreNotFound() {
        Map<String, String> before = alice.snapshot();
        String bobToken = bob.token();
        record Probe(String what, Response answer) {
        }
        List<Probe> probes = List.of(
                new Probe("task in alice's project", Api.as(bobToken).body(Map.of("project_id", alice.project(),
                        "task_type", "single_image", "params", Map.of())).post("/v1/tasks")),
                new Probe("task depending on alice's task", Api.as(bobToken).body(Map.of("project_id", bob.project(),
                        "task_type", "single_image", "params", Map.of(), "dependant_on", List.of(alice.task())))
                        .post("/v1/tasks")),
                new Probe("tasks of alice's project", Api.as(bobToken).get("/v1/tasks?project_id=" + alice.project())),
                new Probe("counts of alice's project", Api.as(bobToken).get("/v1/tasks/counts?project_id=" + alice.project())),
                new Probe("events of alice's project", Api.as(bobToken).get("/v1/events?project_id=" + alice.project())),
                new Probe("alice's generation linked into bob's shot", Api.as(bobToken)
                        .body(Map.of("generation_id", alice.generation())).post("/v1/shots/" + bob.shot() + "/generations")),
                new Probe("generation from alice's object", Api.as(bobToken).body(Map.of("type", "video", "object_id",
                        alice.object())).post("/v1/projects/" + bob.project() + "/generations")),
                new Probe("generation based on alice's generation", Api.as(bobToken).body(Map.of("type", "image",
                        "url", "https://cdn.example.com/b.png", "based_on", alice.generation()))
                        .post("/v1/projects/" + bob.project() + "/generations")),
                new Probe("segment of alice's generation", Api.as(bobToken).body(Map.of("parent_generation_id",
                        alice.generation())).patch("/v1/generations/" + bob.generation())),
                new Probe("resource from alice's object", Api.as(bobToken).body(Map.of("type", "lora", "name", "x",
                        "object_id", alice.object())).post("/v1/resources")),
                new Probe("training video from alice's object", Api.as(bobToken).body(Map.of("object_id", alice.object(),
                        "filename", "x.mp4")).post("/v1/training-data/batches/" + bob.batch() + "/videos")),
                new Probe("upload ticket for alice's task", Api.as(bob.workerToken()).body(Map.of("task_id",
                        alice.claimedTask(), "lease_token", alice.lease(), "filename", "x.png", "content_type", "image/png",
                        "size_bytes", 10)).post("/v1/workers/uploads")),
                new Probe("sub-task of alice's task", Api.as(bob.workerToken()).body(Map.of("parent_task_id",
                        alice.claimedTask(), "lease_token", alice.lease(), "task_type", "single_image", "params", Map.of()))
                        .post("/v1/workers/tasks")));
        for (Probe probe : probes) {
            Problems.assertProblem(probe.answer(), 404, "not_found", "bob: " + probe.what());
        }
        // Reordering bob's shots with alice's shot among them: refused exactly as with an id that does not exist.
        Response foreignShot = Api.as(bobToken).body(Map.of("shot_ids", List.of(bob.shot(), alice.shot())))
                .put("/v1/projects/" + bob.project() + "/shots/order");
        Response unknownShot = Api.as(bobToken).body(Map.of("shot_ids", List.of(bob.shot(), UUID.randomUUID().toString())))
                .put("/v1/projects/" + bob.project() + "/shots/order");
        Problems.assertProblem(foreignShot, 400, "validation_failed", "bob orders alice's shot");
        assertThat(foreignShot.jsonPath().getList("errors")).isEqualTo(unknownShot.jsonPath().getList("errors"));
        // A filter value is not a reference: another user's shot matches nothing, exactly like an unknown id.
        for (String shot : List.of(alice.shot(), UUID.randomUUID().toString())) {
            Api.as(bobToken).get("/v1/projects/" + bob.project() + "/generations?shot_id=" + shot).then().statusCode(200)
                    .body("items", org.hamcrest.Matchers.empty());
        }
        // Batch reads answer the caller's rows only: alice's ids are simply absent, like unknown ones.
        Api.as(bobToken).body(Map.of("ids", List.of(alice.generation()))).post("/v1/generations/batch-get").then()
                .statusCode(200).body("items", org.hamcrest.Matchers.empty());
        Api.as(bobToken).body(Map.of("ids", List.of(RouteFixtures.primaryVariant(alice))))
                .post("/v1/generations/variants/batch-get").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        // Heartbeats name tasks: another owner's task is simply not renewed (reported lost), never touched.
        Response heartbeat = Api.as(bob.workerToken()).body(Map.of("worker_id", "bob-heartbeat-" + UUID.randomUUID(),
                "task_ids", List.of(alice.claimedTask()))).post("/v1/workers/heartbeat");
        assertThat(heartbeat.statusCode()).isEqualTo(200);
        assertThat(heartbeat.jsonPath().getList("cancel_task_ids")).isEmpty();
        // Listing is scoped: nothing of alice's appears in bob's lists.
        for (String list : List.of("/v1/projects", "/v1/tasks", "/v1/resources", "/v1/training-data/batches",
                "/v1/storage/objects", "/v1/credits/ledger", "/v1/me/tokens")) {
            String page = Api.as(bobToken).get(list + "?limit=200").then().statusCode(200).extract().asString();
            for (String id : List.of(alice.project(), alice.task(), alice.resource(), alice.batch(), alice.object(),
                    alice.ledgerEntry(), alice.accessToken())) {
                assertThat(page).as("bob's " + list).doesNotContain(id);
            }
        }
        assertThat(alice.snapshot()).isEqualTo(before);
    }

    /** The second user's token that the route admits: a user token, else the user's local worker. */
    static String callerFor(Route route, TenantWorld world) {
        if (route.roles().contains("user")) {
            return world.token();
        }
        if (route.roles().contains("worker")) {
            return world.workerToken();
        }
        if (route.roles().contains("admin")) {
            return Tokens.admin(UUID.randomUUID());
        }
        throw new AssertionError("no caller for " + route);
    }
}
