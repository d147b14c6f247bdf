package ai.reigh.projects;

import static ai.reigh.projects.TimelineFixtures.append;
import static ai.reigh.projects.TimelineFixtures.path;
import static ai.reigh.projects.TimelineFixtures.positions;
import static ai.reigh.projects.TimelineFixtures.setPositions;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The races that matter on a timeline, released together on purpose: two clients reordering one shot,
 * swaps of two frames, copies of a shot while it is being edited, appends at the next frame.
 */
@QuarkusTest
class ShotTimelineRaceTest {

    @Test
    void twoClientsReorderingOneShotLeaveOneOfTheTwoOrders() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> links = append(user, shot, TimelineFixtures.images(user, project, 6).toArray(String[]::new));
        List<String> forward = links;
        List<String> backward = new ArrayList<>(links);
        Collections.reverse(backward);
        for (int round = 0; round < 10; round++) {
            AtomicInteger next = new AtomicInteger();
            List<Integer> statuses = Race.run(2, () -> Api.as(user.token())
                    .body(Map.of("link_ids", next.getAndIncrement() == 0 ? forward : backward))
                    .put(path(shot) + "/order").statusCode());
            assertThat(statuses).containsOnly(200);
            Map<String, Integer> now = positions(user, shot);
            assertThat(now).as("nothing lost or added").hasSize(6);
            assertThat(new HashSet<>(now.values())).as("positions unique").hasSize(6);
            assertThat(List.copyOf(now.keySet())).as("one of the two orders, never a mix").isIn(forward, backward);
            assertThat(List.copyOf(now.values())).containsExactly(0, 50, 100, 150, 200, 250);
        }
    }

    @Test
    void swapsOfTwoFramesNeverCollide() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> links = append(user, shot, TimelineFixtures.images(user, project, 2).toArray(String[]::new));
        String a = links.get(0);
        String b = links.get(1);
        AtomicInteger next = new AtomicInteger();
        // Half the clients put a after b, half put it back: every call is a swap or a no-op.
        List<Integer> statuses = Race.run(16, () -> (next.getAndIncrement() % 2 == 0
                ? setPositions(user, shot, a, 50, b, 0) : setPositions(user, shot, a, 0, b, 50)).statusCode());
        assertThat(statuses).containsOnly(200);
        Map<String, Integer> now = positions(user, shot);
        assertThat(now).hasSize(2);
        assertThat(Set.copyOf(now.values())).containsExactlyInAnyOrder(0, 50);
    }

    @Test
    void concurrentAppendsTakeConsecutiveFrames() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> images = TimelineFixtures.images(user, project, 20);
        AtomicInteger next = new AtomicInteger();
        List<Integer> statuses = Race.run(20, () -> Api.as(user.token())
                .body(Map.of("generation_ids", List.of(images.get(next.getAndIncrement())))).post(path(shot) + "/append")
                .statusCode());
        assertThat(statuses).containsOnly(201);
        assertThat(List.copyOf(positions(user, shot).values()))
                .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> i * 50).toList());
    }

    /**
     * One client edits a shot (reorders, appends, moves one frame) while two others copy it over and
     * over. Every copy must be one of the states the editor's answers showed: never half a reorder.
     */
    @Test
    void copiesOfAShotBeingEditedAreConsistentSnapshots() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> images = TimelineFixtures.images(user, project, 8);
        append(user, shot, images.subList(0, 6).toArray(String[]::new));
        Set<Set<String>> states = ConcurrentHashMap.newKeySet();
        states.add(stateOf(Api.as(user.token()).get(path(shot)).then().statusCode(200).extract().jsonPath()));
        ConcurrentLinkedQueue<String> copies = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> editor = pool.submit(() -> {
                start.await();
                Random random = new Random(7);
                for (int i = 0; i < 25; i++) {
                    JsonPath answer;
                    if (i % 5 == 4) {
                        answer = Api.as(user.token()).body(Map.of("generation_ids", List.of(images.get(6 + i % 2))))
                                .post(path(shot) + "/append").then().statusCode(201).extract().jsonPath();
                    } else {
                        List<String> order = new ArrayList<>(positions(user, shot).keySet());
                        Collections.shuffle(order, random);
                        answer = Api.as(user.token()).body(Map.of("link_ids", order)).put(path(shot) + "/order").then()
                                .statusCode(200).extract().jsonPath();
                    }
                    states.add(stateOf(answer));
                }
                return null;
            });
            List<Future<?>> copiers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                copiers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 8; i++) {
                        copies.add(Api.as(user.token()).body(Map.of()).post("/v1/shots/" + shot + "/duplicate").then()
                                .statusCode(201).extract().path("id"));
                    }
                    return null;
                }));
            }
            start.countDown();
            editor.get(120, TimeUnit.SECONDS);
            for (Future<?> copier : copiers) {
                copier.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(copies).hasSize(16);
        for (String copy : copies) {
            Set<String> copied = stateOf(Api.as(user.token()).get(path(copy)).then().statusCode(200).extract().jsonPath());
            assertThat(states).as("copy " + copy + " is a state the shot was in").contains(copied);
        }
    }

    /** A timeline as (generation, position) pairs: what a copy must reproduce. */
    private static Set<String> stateOf(JsonPath page) {
        List<String> generations = page.getList("items.generation_id");
        List<Integer> positions = page.getList("items.position");
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < generations.size(); i++) {
            String pair = generations.get(i) + "@" + positions.get(i);
            counts.merge(pair, 1, Integer::sum);
            pairs.add(pair + "#" + counts.get(pair));
        }
        return pairs;
    }

}
