package ai.reigh.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.tasks.repository.OutboxRow;

/** How the relay cuts its charges into calls: by count and by payload size, in order, never empty. */
class OutboxRelayCallsTest {

    private static OutboxRow charge(long id, int paramsChars) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("task_id", UUID.randomUUID().toString());
        payload.putObject("params").put("prompt", "x".repeat(paramsChars));
        return new OutboxRow(id, UUID.randomUUID(), OutboxRow.CHARGE, payload, 1, Instant.now(), null);
    }

    private static List<OutboxRow> charges(int count, int paramsChars) {
        List<OutboxRow> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(charge(i, paramsChars));
        }
        return rows;
    }

    @Test
    void callsHoldAtMostTheirCountInOrder() {
        List<OutboxRow> rows = charges(250, 10);
        List<List<OutboxRow>> calls = OutboxRelay.calls(rows, 100, 512 * 1024);
        assertThat(calls).extracting(List::size).containsExactly(100, 100, 50);
        assertThat(calls.stream().flatMap(List::stream).toList()).isEqualTo(rows);
    }

    @Test
    void largePayloadsCutCallsByBytesAndAnOversizedOneGoesAlone() {
        // Charges with 64 KiB of params each: 512 KiB holds seven of them.
        List<OutboxRow> rows = charges(20, 64 * 1024);
        List<List<OutboxRow>> calls = OutboxRelay.calls(rows, 100, 512 * 1024);
        assertThat(calls).extracting(List::size).containsExactly(7, 7, 6);
        assertThat(calls.stream().flatMap(List::stream).toList()).isEqualTo(rows);

        List<List<OutboxRow>> alone = OutboxRelay.calls(List.of(charge(1, 10), charge(2, 600 * 1024), charge(3, 10)),
                100, 512 * 1024);
        assertThat(alone).extracting(List::size).containsExactly(1, 1, 1);
        assertThat(OutboxRelay.calls(List.of(), 100, 512 * 1024)).isEmpty();
    }
}
