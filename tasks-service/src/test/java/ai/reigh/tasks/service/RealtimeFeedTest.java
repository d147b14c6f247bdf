package ai.reigh.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.testing.SqlSession;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

/** The feed's bookkeeping: limits per user, and subscriptions whose stream never started. */
@QuarkusTest
class RealtimeFeedTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    RealtimeFeed feed;

    private static Caller owner(UUID userId, UUID projectId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO users (id) VALUES (?)", userId);
            sql.update("INSERT INTO projects (id, user_id, name) VALUES (?, ?, 'feed')", projectId, userId);
        }
        return new Caller(userId.toString(), userId, Optional.empty(), Set.of("user"), Optional.empty(),
                Optional.empty());
    }

    @Test
    void aStreamThatNeverStartedIsDroppedAndOneThatDidIsKept() {
        UUID userId = UUID.randomUUID();
        UUID projectId = UUID.randomUUID();
        Caller caller = owner(userId, projectId);
        int before = feed.subscriberCount();
        RealtimeFeed.Subscribed abandoned = feed.subscribe(caller, projectId, null).await().atMost(WAIT);
        RealtimeFeed.Subscribed consumed = feed.subscribe(caller, projectId, null).await().atMost(WAIT);
        AssertSubscriber<?> reader = consumed.subscription().events(List.of()).subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        assertThat(feed.subscriberCount()).isEqualTo(before + 2);
        feed.dropUnattached(0);
        assertThat(abandoned.subscription().isClosed()).isTrue();
        assertThat(consumed.subscription().isClosed()).isFalse();
        assertThat(feed.subscriberCount()).isEqualTo(before + 1);
        reader.cancel();
        assertThat(consumed.subscription().isClosed()).isTrue();
        assertThat(feed.subscriberCount()).isEqualTo(before);
    }

    @Test
    void aUserHasABoundedNumberOfStreams() {
        UUID userId = UUID.randomUUID();
        UUID projectId = UUID.randomUUID();
        Caller caller = owner(userId, projectId);
        List<RealtimeFeed.Subscribed> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                open.add(feed.subscribe(caller, projectId, null).await().atMost(WAIT));
            }
            assertThatThrownBy(() -> feed.subscribe(caller, projectId, null).await().atMost(WAIT))
                    .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status()).isEqualTo(429));
        } finally {
            open.forEach(subscribed -> subscribed.subscription().close());
        }
        feed.subscribe(caller, projectId, null).await().atMost(WAIT).subscription().close();
    }
}
